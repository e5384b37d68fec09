#include "contract/validate.h"

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "contract/formats.h"
#include "contract/loader.h"

namespace bt::contract {
namespace {

using nlohmann::json;

std::string fixture(const std::string& name) {
  return std::string(BITTER_SOURCE_DIR) + "/tests/fixtures/contract/" + name;
}

Contract load(const std::string& name) {
  auto c = load_file(fixture(name));
  EXPECT_TRUE(c.ok()) << c.error().message;
  return c.ok() ? *c : Contract{};
}

json good_echo() {
  return json::parse(R"({"success": true,
    "data": {"echo": "hi", "reversed": "ih", "length": 2, "was_dry_run": false},
    "error": null, "trace_id": "t-1", "duration_ms": 1.5})");
}

json good_order() {
  return json::parse(R"({
    "order_id": "123e4567-e89b-12d3-a456-426614174000",
    "customer_email": "ann@example.com",
    "status": "shipped",
    "placed_at": "2024-02-29T13:45:00.123+01:00",
    "delivery_date": "2024-03-01",
    "items": [
      {"sku": "ABC-1234", "quantity": 1, "price": 9.5},
      {"sku": "XYZ-0001", "quantity": 100, "price": 1},
      {"sku": "XYZ-0002", "quantity": 3, "price": 2.25}
    ],
    "shipping": {"street": "Main St 1", "city": "Berlin"},
    "note": "leave at door"})");
}

// The single violation of `doc`; fails the test when there are more or fewer.
Violation only(const Model& m, const json& doc) {
  const ValidationReport r = validate(m, doc);
  EXPECT_EQ(r.violations.size(), 1u) << to_text(r);
  return r.violations.empty() ? Violation{} : r.violations.front();
}

class EchoValidation : public ::testing::Test {
 protected:
  Contract c = load("echo.yaml");
  const Model& m = c.models.at(0);
  std::string at(int line) const { return fixture("echo.yaml") + ":" + std::to_string(line); }
};

TEST_F(EchoValidation, GoodDocumentPasses) {
  const ValidationReport r = validate(m, good_echo());
  EXPECT_TRUE(r.ok()) << to_text(r);
  EXPECT_EQ(to_text(r), "");
  json minimal = good_echo();
  minimal.erase("error");
  minimal.erase("trace_id");
  minimal.erase("duration_ms");
  EXPECT_TRUE(validate(m, minimal).ok());
}

TEST_F(EchoValidation, MissingNestedRequiredField) {
  json doc = good_echo();
  doc["data"].erase("length");
  const Violation v = only(m, doc);
  EXPECT_EQ(v.path, "$.data.length");
  EXPECT_EQ(v.rule, "required");
  EXPECT_EQ(v.expected, "present");
  EXPECT_EQ(v.actual, "missing");
  EXPECT_EQ(v.location, at(24));
  EXPECT_EQ(to_text(v), "$.data.length: required — expected present, got missing (" + at(24) + ")");
  EXPECT_EQ(to_json(v), json({{"path", "$.data.length"}, {"rule", "required"}, {"expected", "present"},
                              {"actual", "missing"}, {"location", at(24)}}));
}

TEST_F(EchoValidation, WrongTypeAndNull) {
  json doc = good_echo();
  doc["data"]["length"] = "2";
  Violation v = only(m, doc);
  EXPECT_EQ(v.path, "$.data.length");
  EXPECT_EQ(v.rule, "type");
  EXPECT_EQ(v.expected, "integer");
  EXPECT_EQ(v.actual, "\"2\" (string)");

  doc = good_echo();
  doc["error"] = 5;
  v = only(m, doc);
  EXPECT_EQ(v.path, "$.error");
  EXPECT_EQ(v.expected, "string or null");
  EXPECT_EQ(v.location, at(31));

  doc = good_echo();
  doc["success"] = nullptr;  // required means non-null too
  v = only(m, doc);
  EXPECT_EQ(v.rule, "type");
  EXPECT_EQ(v.actual, "null (null)");
}

TEST_F(EchoValidation, MinimumAndIntegers) {
  json doc = good_echo();
  doc["data"]["length"] = -1;
  const Violation v = only(m, doc);
  EXPECT_EQ(v.rule, "minimum");
  EXPECT_EQ(v.expected, "integer >= 0");
  EXPECT_EQ(v.actual, "-1");

  doc["data"]["length"] = json::parse("9007199254740993");  // 2^53 + 1
  EXPECT_TRUE(validate(m, doc).ok());
  doc["data"]["length"] = json::parse("18446744073709551615");  // uint64 max
  EXPECT_TRUE(validate(m, doc).ok()) << to_text(validate(m, doc));
  c.models[0].fields[1].fields[2].maximum = 100;
  EXPECT_EQ(only(m, doc).expected, "integer <= 100");
  doc["data"]["length"] = 2.5;
  EXPECT_EQ(only(m, doc).rule, "type");
  doc["data"]["length"] = json::parse("2.0");  // strict, as valijson: a float is not an integer
  EXPECT_EQ(only(m, doc).rule, "type");
}

TEST_F(EchoValidation, UnknownFieldsEachReported) {
  json doc = good_echo();
  doc["extra"] = 1;
  doc["data"]["also extra"] = "x";
  doc["data"]["more"] = true;
  const ValidationReport r = validate(m, doc);
  ASSERT_EQ(r.violations.size(), 3u) << to_text(r);
  std::map<std::string, Violation> by_path;
  for (const auto& v : r.violations) by_path[v.path] = v;
  ASSERT_TRUE(by_path.count("$.extra"));
  EXPECT_EQ(by_path["$.extra"].rule, "additionalProperties");
  EXPECT_EQ(by_path["$.extra"].expected,
            "one of the declared fields: success, data, error, trace_id, duration_ms");
  EXPECT_EQ(by_path["$.extra"].actual, "1");
  ASSERT_TRUE(by_path.count("$.data['also extra']"));
  EXPECT_EQ(by_path["$.data['also extra']"].location, at(14));  // the object's line
  EXPECT_EQ(by_path["$.data.more"].expected,
            "one of the declared fields: echo, reversed, length, was_dry_run");

  Model open = m;
  open.additional_fields = true;  // the model allows undeclared keys at its top level
  json top_only = doc;
  top_only["data"].erase("also extra");
  top_only["data"].erase("more");
  EXPECT_TRUE(validate(open, top_only).ok());
  EXPECT_TRUE(validate_reference(m, doc, SchemaOptions{.reject_unknown_fields = false}).ok());
}

TEST_F(EchoValidation, RootMustBeAnObject) {
  const Violation v = only(m, json::array({1, 2}));
  EXPECT_EQ(v.path, "$");
  EXPECT_EQ(v.rule, "type");
  EXPECT_EQ(v.expected, "object");
  EXPECT_EQ(v.actual, "[1,2] (array)");
}

TEST_F(EchoValidation, LongActualIsCut) {
  json doc = good_echo();
  doc["data"]["echo"] = std::string(200, 'x') + "ü";
  doc["data"]["length"] = std::string(300, 'y');
  const Violation v = only(m, doc);
  EXPECT_EQ(v.actual.rfind("\"yyy", 0), 0u);
  EXPECT_NE(v.actual.find("…"), std::string::npos);
  EXPECT_LE(v.actual.size(), 80u + std::string("… (string)").size());
}

class OrderValidation : public ::testing::Test {
 protected:
  Contract c = load("orders.yaml");
  const Model& m = *c.find_model("Order");
  std::string at(int line) const { return fixture("orders.yaml") + ":" + std::to_string(line); }
};

TEST_F(OrderValidation, GoodOrderPasses) {
  const ValidationReport r = validate(m, good_order());
  EXPECT_TRUE(r.ok()) << to_text(r);
}

TEST_F(OrderValidation, EnumWithoutDuplicateTypeNoise) {
  json doc = good_order();
  doc["status"] = "lost";
  Violation v = only(m, doc);
  EXPECT_EQ(v.rule, "enum");
  EXPECT_EQ(v.expected, R"(one of ["pending","shipped","delivered"])");
  EXPECT_EQ(v.actual, "\"lost\"");

  doc["status"] = 3;  // wrong type breaks the enum too; only the type is reported
  v = only(m, doc);
  EXPECT_EQ(v.rule, "type");
}

TEST_F(OrderValidation, ArrayItemPathsAndBounds) {
  json doc = good_order();
  doc["items"][2]["price"] = 0;
  Violation v = only(m, doc);
  EXPECT_EQ(v.path, "$.items[2].price");
  EXPECT_EQ(v.rule, "exclusiveMinimum");
  EXPECT_EQ(v.expected, "number > 0");
  EXPECT_EQ(v.location, at(42));

  doc = good_order();
  doc["items"][1]["quantity"] = 101;
  v = only(m, doc);
  EXPECT_EQ(v.path, "$.items[1].quantity");
  EXPECT_EQ(v.rule, "maximum");
  EXPECT_EQ(v.expected, "integer <= 100");

  doc = good_order();
  doc["items"][0].erase("sku");
  v = only(m, doc);
  EXPECT_EQ(v.path, "$.items[0].sku");
  EXPECT_EQ(v.rule, "required");

  doc = good_order();
  doc["items"][0] = nullptr;  // array elements are not nullable
  v = only(m, doc);
  EXPECT_EQ(v.path, "$.items[0]");
  EXPECT_EQ(v.expected, "object");
}

TEST_F(OrderValidation, PatternAndLengths) {
  json doc = good_order();
  doc["items"][0]["sku"] = "abc-12";
  Violation v = only(m, doc);
  EXPECT_EQ(v.rule, "pattern");
  EXPECT_EQ(v.expected, "string matching pattern ^[A-Z]{3}-[0-9]{4}$");

  doc = good_order();
  doc["note"] = "ü";  // one code point, two bytes
  v = only(m, doc);
  EXPECT_EQ(v.rule, "minLength");
  EXPECT_EQ(v.expected, "length >= 2");
  EXPECT_EQ(v.actual, "\"ü\" (length 1)");

  doc["note"] = std::string(21, 'n');
  EXPECT_EQ(only(m, doc).rule, "maxLength");
}

TEST_F(OrderValidation, Formats) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"placed_at", "2024-01-31 13:45:00"},   {"placed_at", "2024-01-31T13:45:00"},
      {"placed_at", "2023-02-31T10:00:00Z"},  {"placed_at", "2024-01-31T24:00:00Z"},
      {"delivery_date", "2023-02-29"},        {"delivery_date", "31.01.2024"},
      {"customer_email", "ann at example"},   {"customer_email", "ann@localhost"},
      {"order_id", "123e4567e89b12d3a456426614174000"},
  };
  for (const auto& [field, value] : bad) {
    json doc = good_order();
    doc[field] = value;
    const Violation v = only(m, doc);
    EXPECT_EQ(v.path, "$." + field) << value;
    EXPECT_EQ(v.rule, "format") << value;
    EXPECT_EQ(v.actual, "\"" + value + "\"");
  }
  json doc = good_order();
  doc["placed_at"] = "2023-02-31T10:00:00Z";
  EXPECT_EQ(only(m, doc).expected, "date-time (RFC 3339 with time zone, e.g. 2024-01-31T13:45:00Z)");
  doc = good_order();
  doc["delivery_date"] = nullptr;  // optional: null is fine, no format check
  EXPECT_TRUE(validate(m, doc).ok());
}

TEST_F(OrderValidation, ManyErrorsAllReportedThenCapped) {
  json doc = good_order();
  doc["items"] = json::array();
  for (int i = 0; i < 30; ++i) doc["items"].push_back({{"sku", "ABC-0000"}, {"quantity", 0}, {"price", 1}});
  ValidationReport r = validate(m, doc);
  ASSERT_EQ(r.violations.size(), 30u);
  EXPECT_EQ(r.omitted, 0u);
  std::set<std::string> paths;
  for (const auto& v : r.violations) {
    EXPECT_EQ(v.rule, "minimum");
    paths.insert(v.path);
  }
  EXPECT_EQ(paths.size(), 30u);
  EXPECT_TRUE(paths.count("$.items[29].quantity"));

  r = validate(m, doc, 10);
  EXPECT_EQ(r.violations.size(), 10u);
  EXPECT_EQ(r.omitted, 20u);
  EXPECT_FALSE(r.ok());
  const std::string text = to_text(r);
  EXPECT_NE(text.find("... and 20 more\n"), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 11);
  EXPECT_EQ(to_json(r)["omitted"], 20);
}

TEST_F(OrderValidation, DifferentProblemsAtOnce) {
  json doc = good_order();
  doc.erase("status");
  doc["placed_at"] = "yesterday";
  doc["items"][1]["quantity"] = "many";
  doc["shipping"].erase("city");
  doc["bogus"] = {1, 2, 3};
  const ValidationReport r = validate(m, doc);
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& v : r.violations) got.insert({v.path, v.rule});
  const std::set<std::pair<std::string, std::string>> want = {
      {"$.status", "required"},          {"$.placed_at", "format"},
      {"$.items[1].quantity", "type"},   {"$.shipping.city", "required"},
      {"$.bogus", "additionalProperties"},
  };
  EXPECT_EQ(got, want) << to_text(r);
  EXPECT_EQ(r.violations.size(), want.size());
}

TEST(Validation, OddKeysAndNumericKeys) {
  auto c = load_string(R"(models:
  M:
    fields:
      "a b": {type: integer, required: true}
      "3": {type: string, required: true}
      "it's": {type: string, required: true}
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const ValidationReport r = validate(c->models[0], json({{"a b", "x"}, {"3", 3}}));
  std::set<std::string> paths;
  for (const auto& v : r.violations) paths.insert(v.path);
  EXPECT_EQ(paths, (std::set<std::string>{"$['a b']", "$['3']", R"($['it\'s'])"})) << to_text(r);
  for (const auto& v : r.violations) EXPECT_NE(v.location, "") << v.path;

  json doc = {{"a b", 1}, {"3", "x"}, {"it's", "y"}, {"line\nbreak", 1}};
  const Violation v = only(c->models[0], doc);
  EXPECT_EQ(v.path, R"($['line\nbreak'])");
  EXPECT_EQ(v.rule, "additionalProperties");
}

TEST(Formats, Checkers) {
  EXPECT_TRUE(matches_format("date", "2024-02-29"));
  EXPECT_FALSE(matches_format("date", "1900-02-29"));
  EXPECT_TRUE(matches_format("date", "2000-02-29"));
  EXPECT_FALSE(matches_format("date", "2024-04-31"));
  EXPECT_TRUE(matches_format("date-time", "2024-01-31T23:59:60.5-05:30"));
  EXPECT_FALSE(matches_format("date-time", "2024-01-31T12:00:00+25:00"));
  EXPECT_TRUE(matches_format("time", "12:30:00"));
  EXPECT_TRUE(matches_format("time", "12:30:00Z"));
  EXPECT_FALSE(matches_format("time", "12:30"));
  EXPECT_FALSE(matches_format("time", "12:30:00."));
  EXPECT_TRUE(matches_format("email", "a.b+c@mail.example.org"));
  EXPECT_FALSE(matches_format("email", "a@b@example.org"));
  EXPECT_FALSE(matches_format("email", "a@-x.org"));
  EXPECT_TRUE(matches_format("uri", "https://example.com/a%20b?q=1#f"));
  EXPECT_TRUE(matches_format("uri", "urn:isbn:0451450523"));
  EXPECT_FALSE(matches_format("uri", "/relative/path"));
  EXPECT_FALSE(matches_format("uri", "https://exa mple.com"));
  EXPECT_FALSE(matches_format("uri", "https://example.com/%zz"));
  EXPECT_TRUE(matches_format("uuid", "123E4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(matches_format("uuid", "123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_TRUE(matches_format("hostname", "anything"));  // unknown formats pass
  EXPECT_EQ(utf8_length("aü€"), 3u);
}

}  // namespace
}  // namespace bt::contract
