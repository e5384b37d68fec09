#include "contract/schema.h"

#include <gtest/gtest.h>

#include "contract/loader.h"

namespace bt::contract {
namespace {

using nlohmann::json;

Model model_from(const std::string& yaml) {
  auto c = load_string(yaml);
  EXPECT_TRUE(c.ok()) << c.error().message;
  return c.ok() ? c->models.at(0) : Model{};
}

std::string fixture(const std::string& name) {
  return std::string(BITTER_SOURCE_DIR) + "/tests/fixtures/contract/" + name;
}

TEST(Schema, EchoRequiredVersusNullable) {
  auto c = load_file(fixture("echo.yaml"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  const json s = to_json_schema(c->models[0]);
  EXPECT_EQ(s["$schema"], "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["title"], "EchoResponse");
  EXPECT_EQ(s["required"], json({"success", "data"}));
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_EQ(s["properties"]["success"]["type"], "boolean");
  EXPECT_EQ(s["properties"]["error"]["type"], json({"string", "null"}));
  EXPECT_EQ(s["properties"]["duration_ms"]["type"], json({"number", "null"}));
  const json& data = s["properties"]["data"];
  EXPECT_EQ(data["type"], "object");
  EXPECT_EQ(data["additionalProperties"], false);
  EXPECT_EQ(data["required"], json({"echo", "reversed", "length", "was_dry_run"}));
  EXPECT_EQ(data["properties"]["length"], json({{"type", "integer"}, {"minimum", 0}}));
}

TEST(Schema, UnknownFieldsAllowedWhenAsked) {
  auto c = load_file(fixture("echo.yaml"));
  ASSERT_TRUE(c.ok());
  const json s = to_json_schema(c->models[0], SchemaOptions{.reject_unknown_fields = false});
  EXPECT_FALSE(s.contains("additionalProperties"));
  EXPECT_FALSE(s["properties"]["data"].contains("additionalProperties"));
}

TEST(Schema, TypeFamiliesAndFormats) {
  const Model m = model_from(R"(models:
  M:
    fields:
      s: {type: text, required: true}
      i: {type: BIGINT, required: true}
      n: {type: decimal, required: true}
      b: {type: bool, required: true}
      d: {type: date, required: true}
      ts: {type: timestamp, required: true}
      tz: {type: timestamp_tz, required: true}
      ntz: {type: timestamp_ntz, required: true}
      t: {type: time, required: true}
      raw: {type: bytes, required: true}
      nothing: {type: "null"}
      m: {type: map, required: true}
      free: {type: struct, required: true}
      mail: {type: string, format: email, required: true}
      id: {type: string, format: uuid, required: true}
)");
  const json p = to_json_schema(m)["properties"];
  EXPECT_EQ(p["s"]["type"], "string");
  EXPECT_EQ(p["i"]["type"], "integer");
  EXPECT_EQ(p["n"]["type"], "number");
  EXPECT_EQ(p["b"]["type"], "boolean");
  EXPECT_EQ(p["d"], json({{"type", "string"}, {"format", "date"}}));
  EXPECT_EQ(p["ts"]["format"], "date-time");
  EXPECT_EQ(p["tz"]["format"], "date-time");
  EXPECT_FALSE(p["ntz"].contains("format"));
  EXPECT_EQ(p["ntz"]["type"], "string");
  ASSERT_TRUE(p["ntz"].contains("pattern"));
  EXPECT_EQ(p["t"]["format"], "time");
  EXPECT_EQ(p["raw"], json({{"type", "string"}}));
  EXPECT_EQ(p["nothing"]["type"], "null");  // no ["null","null"]
  EXPECT_EQ(p["m"], json({{"type", "object"}}));
  EXPECT_EQ(p["free"], json({{"type", "object"}}));  // no fields: free-form
  EXPECT_EQ(p["mail"]["format"], "email");
  EXPECT_EQ(p["id"]["format"], "uuid");
}

TEST(Schema, ConstraintsAndEnums) {
  const Model m = model_from(R"(models:
  M:
    fields:
      code: {type: string, minLength: 2, maxLength: 8, pattern: '^[A-Z]+$', required: true}
      price: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1000.5}
      qty: {type: integer, minimum: 1, maximum: 10, required: true}
      status: {type: string, enum: [a, b], required: true}
      mood: {type: string, enum: [happy, sad]}
      tags:
        type: array
        required: true
        items: {type: string, maxLength: 3}
)");
  const json p = to_json_schema(m)["properties"];
  EXPECT_EQ(p["code"]["minLength"], 2);
  EXPECT_EQ(p["code"]["maxLength"], 8);
  EXPECT_EQ(p["code"]["pattern"], "^[A-Z]+$");
  EXPECT_EQ(p["price"]["exclusiveMinimum"], 0);
  EXPECT_EQ(p["price"]["exclusiveMaximum"], 1000.5);
  EXPECT_EQ(p["qty"]["minimum"], 1);
  EXPECT_EQ(p["qty"]["maximum"], 10);
  EXPECT_EQ(p["status"]["enum"], json({"a", "b"}));
  EXPECT_EQ(p["mood"]["enum"], json({"happy", "sad", nullptr}));  // optional: null allowed
  EXPECT_EQ(p["tags"]["type"], "array");
  EXPECT_EQ(p["tags"]["items"], json({{"type", "string"}, {"maxLength", 3}}));  // items never nullable
}

TEST(Schema, TypeHelpers) {
  EXPECT_EQ(json_type_for("varchar"), "string");
  EXPECT_EQ(json_type_for("long"), "integer");
  EXPECT_EQ(json_type_for("record"), "object");
  EXPECT_EQ(json_type_for("strnig"), "");
  EXPECT_NE(known_types().find("timestamp_ntz"), std::string::npos);
  Field f;
  f.type = "datetime";
  EXPECT_EQ(format_of(f), "date-time");
  f.format = "email";
  EXPECT_EQ(format_of(f), "email");  // explicit format wins
}

}  // namespace
}  // namespace bt::contract
