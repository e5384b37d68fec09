#include "contract/loader.h"

#include <gtest/gtest.h>

namespace bt::contract {
namespace {

std::string fixture(const std::string& name) {
  return std::string(BITTER_SOURCE_DIR) + "/tests/fixtures/contract/" + name;
}

const Field* find(const std::vector<Field>& fields, const std::string& name) {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

// Loads `yaml` and returns the error message; fails the test if it loads.
std::string load_error(const std::string& yaml) {
  auto r = load_string(yaml, "c.yaml");
  EXPECT_FALSE(r.ok()) << "loaded although it should not";
  if (r.ok()) return "";
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  return r.error().message;
}

TEST(Loader, EchoFixtureFieldsTypesAndLines) {
  auto c = load_file(fixture("echo.yaml"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->spec_version, "1.1.0");
  EXPECT_EQ(c->id, "urn:datacontract:bitter-truth:echo");
  EXPECT_EQ(c->title, "Echo tool output");
  EXPECT_EQ(c->version, "1.0.0");
  EXPECT_NE(c->text.find("was_dry_run"), std::string::npos);
  ASSERT_EQ(c->models.size(), 1u);
  const Model& m = c->models[0];
  EXPECT_EQ(m.name, "EchoResponse");
  EXPECT_EQ(m.loc.line, 7);
  ASSERT_EQ(m.fields.size(), 5u);
  EXPECT_EQ(m.fields[0].name, "success");  // declaration order is kept
  const Field* data = find(m.fields, "data");
  ASSERT_NE(data, nullptr);
  EXPECT_TRUE(data->required);
  EXPECT_EQ(data->type, "object");
  const Field* length = find(data->fields, "length");
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length->type, "integer");
  EXPECT_EQ(length->minimum, nlohmann::json(0));
  EXPECT_EQ(length->loc.line, 24);
  EXPECT_EQ(length->loc.str(), fixture("echo.yaml") + ":24");
  EXPECT_FALSE(find(m.fields, "error")->required);
}

TEST(Loader, RefsDefinitionsItemsAndOwnKeysWin) {
  auto c = load_file(fixture("orders.yaml"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  const Model* order = c->find_model("Order");
  ASSERT_NE(order, nullptr);

  const Field* id = find(order->fields, "order_id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->type, "string");
  EXPECT_EQ(id->format, "uuid");
  EXPECT_EQ(id->description, "Order identifier");
  EXPECT_TRUE(id->required);    // own key
  EXPECT_EQ(id->loc.line, 11);  // where the field is written, not the definition

  const Field* items = find(order->fields, "items");
  ASSERT_NE(items, nullptr);
  ASSERT_TRUE(items->items);
  EXPECT_EQ(items->items->type, "object");
  const Field* price = find(items->items->fields, "price");
  ASSERT_NE(price, nullptr);
  EXPECT_EQ(price->type, "decimal");
  EXPECT_EQ(price->exclusive_minimum, nlohmann::json(0));
  EXPECT_EQ(price->loc.line, 42);
  const Field* sku = find(items->items->fields, "sku");
  EXPECT_EQ(sku->pattern, "^[A-Z]{3}-[0-9]{4}$");
  EXPECT_EQ(find(items->items->fields, "quantity")->maximum, nlohmann::json(100));

  const Field* shipping = find(order->fields, "shipping");
  ASSERT_NE(shipping, nullptr);
  EXPECT_EQ(shipping->type, "object");
  EXPECT_FALSE(shipping->required);
  const Field* city = find(shipping->fields, "city");
  ASSERT_NE(city, nullptr);
  EXPECT_EQ(city->loc.line, 73);  // nested fields keep the definition's lines

  const Field* status = find(order->fields, "status");
  EXPECT_EQ(status->enum_values,
            (std::vector<nlohmann::json>{"pending", "shipped", "delivered"}));
  EXPECT_EQ(find(order->fields, "note")->min_length, 2);
}

TEST(Loader, OwnScalarOverridesDefinition) {
  auto c = load_string(R"(models:
  M:
    fields:
      a:
        $ref: '#/definitions/d'
        description: mine
        maxLength: 5
      b:
        $ref: '#/definitions/d/fields/inner'
      c:
        $ref: '#/models/Other'
  Other:
    fields:
      x: {type: int, required: true}
definitions:
  d:
    type: VarChar
    description: theirs
    maxLength: 10
    minLength: 1
    fields:
      inner: {type: bigint, minimum: 3}
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const Model& m = *c->find_model("M");
  const Field* a = find(m.fields, "a");
  EXPECT_EQ(a->type, "varchar");  // lower-cased
  EXPECT_EQ(a->description, "mine");
  EXPECT_EQ(a->max_length, 5);
  EXPECT_EQ(a->min_length, 1);
  const Field* b = find(m.fields, "b");
  EXPECT_EQ(b->type, "bigint");
  EXPECT_EQ(b->minimum, nlohmann::json(3));
  const Field* cf = find(m.fields, "c");
  EXPECT_EQ(cf->type, "object");
  ASSERT_EQ(cf->fields.size(), 1u);
  EXPECT_EQ(cf->fields[0].name, "x");
  EXPECT_EQ(cf->fields[0].loc.line, 14);
}

TEST(Loader, UnknownTypeNamesFileAndLine) {
  const std::string msg = load_error("models:\n  M:\n    fields:\n      a:\n        type: strnig\n");
  EXPECT_EQ(msg.rfind("c.yaml:5: field 'a' has unknown type 'strnig' (known: string, text,", 0), 0u)
      << msg;
}

TEST(Loader, InvalidYamlNamesLineAndColumn) {
  const std::string msg = load_error("models:\n  M:\n    fields: [a, b\n    x: y\n");
  EXPECT_NE(msg.find("c.yaml:4:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("invalid YAML"), std::string::npos) << msg;
}

TEST(Loader, MissingFileIsInputError) {
  auto r = load_file(fixture("does-not-exist.yaml"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_NE(r.error().message.find("does-not-exist.yaml"), std::string::npos);
}

TEST(Loader, ModelsMissingOrEmpty) {
  EXPECT_NE(load_error("id: x\n").find("no models"), std::string::npos);
  EXPECT_NE(load_error("id: x\nmodels: {}\n").find("c.yaml:2: contract defines no models"),
            std::string::npos);
  EXPECT_NE(load_error("").find("not a data contract"), std::string::npos);
  EXPECT_NE(load_error("models:\n  M:\n    description: empty\n").find("model 'M' has no fields"),
            std::string::npos);
}

TEST(Loader, DanglingRefNamesLine) {
  const std::string msg =
      load_error("models:\n  M:\n    fields:\n      a:\n        $ref: '#/definitions/nope'\n");
  EXPECT_EQ(msg.rfind("c.yaml:5: field 'a' has a dangling $ref '#/definitions/nope'", 0), 0u) << msg;
}

TEST(Loader, RefCycleIsAnErrorNotACrash) {
  const std::string msg = load_error(R"(models:
  M:
    fields:
      a: {$ref: '#/definitions/x'}
definitions:
  x: {type: object, fields: {y: {$ref: '#/definitions/y'}}}
  y: {type: object, fields: {x: {$ref: '#/definitions/x'}}}
)");
  EXPECT_NE(msg.find("$ref cycle: #/models/M -> #/definitions/x -> #/definitions/y -> #/definitions/x"),
            std::string::npos)
      << msg;
  EXPECT_NE(load_error("models:\n  M:\n    fields:\n      me: {$ref: '#/models/M'}\n").find("cycle"),
            std::string::npos);
}

TEST(Loader, RefToAFileBesideTheContract) {
  auto c = load_file(fixture("uses-shared-defs.yaml"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  const Field* sku = find(c->models[0].fields, "sku");
  ASSERT_NE(sku, nullptr);
  EXPECT_EQ(sku->type, "string");
  EXPECT_EQ(sku->pattern, "^[A-Z]{3}-[0-9]{4}$");
  EXPECT_TRUE(sku->required);  // the field's own key
  const Field* legacy = find(c->models[0].fields, "legacy");
  ASSERT_NE(legacy, nullptr);
  EXPECT_EQ(legacy->max_length, 8);  // file:// form
}

TEST(Loader, BrokenExternalRefsAreErrorsInStrictAndIgnoredInCompat) {
  const std::string yaml = "models:\n  M:\n    fields:\n      a: {$ref: 'missing.yaml#/x', type: string}\n";
  EXPECT_NE(load_error(yaml).find("c.yaml:4: field 'a': $ref 'missing.yaml#/x'"), std::string::npos);
  EXPECT_NE(load_error("models:\n  M:\n    fields:\n      a: {$ref: 'https://x.org/d.yaml#/x'}\n")
                .find("points to a URL"),
            std::string::npos);
  auto compat = load_string(yaml, "c.yaml", LoadOptions{.compat = true});
  ASSERT_TRUE(compat.ok()) << compat.error().message;
  EXPECT_EQ(compat->models[0].fields[0].type, "string");  // the field stays as written
}

TEST(Loader, AbsurdNestingIsCapped) {
  std::string yaml = "models:\n  M:\n    fields:\n";
  std::string indent = "      ";
  for (int i = 0; i < 80; ++i) {
    yaml += indent + "f:\n" + indent + "  type: object\n" + indent + "  fields:\n";
    indent += "    ";
  }
  yaml += indent + "leaf: {type: string}\n";
  EXPECT_NE(load_error(yaml).find("nested deeper than 64 levels"), std::string::npos);
}

TEST(Loader, AliasExplosionIsCapped) {
  std::string yaml = "l0: &l0 {type: string}\n";
  for (int i = 1; i <= 5; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    yaml += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " {type: object, fields: {";
    for (int k = 0; k < 12; ++k) yaml += (k ? ", " : "") + std::string("f") + std::to_string(k) + ": " + prev;
    yaml += "}}\n";
  }
  yaml += "models:\n  M:\n    fields:\n      top: *l5\n";
  EXPECT_NE(load_error(yaml).find("more than 10000 fields"), std::string::npos);
}

TEST(Loader, AttributeErrors) {
  const std::string head = "models:\n  M:\n    fields:\n      a:\n";
  EXPECT_NE(load_error(head + "        type: string\n        required: yes\n")
                .find("c.yaml:6: field 'a': 'required' must be true or false"),
            std::string::npos);
  EXPECT_NE(load_error(head + "        type: string\n        pattern: '([a-z'\n").find("pattern RE2 cannot compile"),
            std::string::npos);
  EXPECT_NE(load_error(head + "        type: integer\n        enum: [1, two]\n")
                .find("enum value 'two' is not of type integer"),
            std::string::npos);
  EXPECT_NE(load_error(head + "        type: integer\n        minimum: low\n").find("must be a number"),
            std::string::npos);
  EXPECT_NE(load_error(head + "        description: no type\n").find("field 'a' has no type"),
            std::string::npos);
  EXPECT_NE(load_error(head + "        type: string\n      a:\n        type: string\n").find("declared twice"),
            std::string::npos);
}

TEST(Loader, EnumValuesTakeTheFieldType) {
  auto c = load_string(R"(models:
  M:
    fields:
      code: {type: string, enum: [1, "2", yes]}
      level: {type: integer, enum: [1, 2]}
      ratio: {type: double, enum: [0.5, 1]}
)");
  ASSERT_TRUE(c.ok()) << c.error().message;
  const auto& f = c->models[0].fields;
  EXPECT_EQ(f[0].enum_values, (std::vector<nlohmann::json>{"1", "2", "yes"}));
  EXPECT_EQ(f[1].enum_values, (std::vector<nlohmann::json>{1, 2}));
  EXPECT_TRUE(f[1].enum_values[0].is_number_integer());
  EXPECT_EQ(f[2].enum_values, (std::vector<nlohmann::json>{0.5, 1}));
}

TEST(PickModel, SingleNamedAndAmbiguous) {
  auto one = load_file(fixture("echo.yaml"));
  ASSERT_TRUE(one.ok());
  auto picked = pick_model(*one, "");
  ASSERT_TRUE(picked.ok());
  EXPECT_EQ((*picked)->name, "EchoResponse");

  auto two = load_file(fixture("orders.yaml"));
  ASSERT_TRUE(two.ok());
  auto ambiguous = pick_model(*two, "");
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_EQ(ambiguous.error().message, "contract has 2 models (Order, Customer); choose one with --model");
  EXPECT_EQ(ambiguous.error().kind, ErrorKind::input);

  auto named = pick_model(*two, "Customer");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ((*named)->name, "Customer");

  auto wrong = pick_model(*two, "Nope");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "contract has no model 'Nope' (models: Order, Customer)");
  EXPECT_EQ(two->find_model("Nope"), nullptr);
}

TEST(PickModel, TheInputModelIsFoundByNameAndNeverPickedAsOutput) {
  auto c = load_string(R"(models:
  OrderInput:
    fields:
      id: {type: string, required: true}
  Order:
    fields:
      id: {type: string}
)", "io.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  auto in = pick_input_model(*c, "");
  ASSERT_TRUE(in.ok());
  ASSERT_NE(*in, nullptr);
  EXPECT_EQ((*in)->name, "OrderInput");
  auto out = pick_model(*c, "", *in);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ((*out)->name, "Order");
  // Without the input model both are candidates again.
  EXPECT_FALSE(pick_model(*c, "").ok());

  auto none = pick_input_model(*load_file(fixture("echo.yaml")), "");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
  EXPECT_FALSE(pick_input_model(*c, "Nope").ok());
}

}  // namespace
}  // namespace bt::contract
