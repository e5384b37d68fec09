// `bitter lint`: strict findings with file:line, ODCS schema errors on the
// YAML line, and the compat verdicts of datacontract-cli 1.1.1.
#include "contract/lint.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace bt::contract {
namespace {

using Severity = Diagnostic::Severity;

const std::string kHeader =
    "dataContractSpecification: 1.1.0\n"  // 1
    "id: t\n"                             // 2
    "info:\n"                             // 3
    "  title: t\n"                        // 4
    "  version: 1.0.0\n";                 // 5

LintReport strict(const std::string& yaml) { return lint_string(yaml, "c.yaml", {}); }
LintReport compat(const std::string& yaml) {
  LintOptions o;
  o.compat = true;
  return lint_string(yaml, "c.yaml", o);
}

// The first problem whose message contains `part`, or nullptr.
const Diagnostic* find(const LintReport& r, const std::string& part) {
  for (const Diagnostic& d : r.problems)
    if (d.message.find(part) != std::string::npos) return &d;
  return nullptr;
}

// file:line as the user reads it: in the location or at the start of the message.
bool at_line(const Diagnostic& d, int line) {
  const std::string want = "c.yaml:" + std::to_string(line);
  return d.loc.str() == want || d.message.rfind(want + ":", 0) == 0;
}

std::string text(const LintReport& r) { return to_text(r); }

TEST(Lint, ExamplesMustSatisfyTheirModelInStrict) {
  const std::string yaml = kHeader +
                           "models:\n"                                  // 6
                           "  m:\n"                                     // 7
                           "    fields:\n"                              // 8
                           "      id: {type: integer, required: true}\n"  // 9
                           "examples:\n"                                // 10
                           "  - type: json\n"                           // 11
                           "    model: m\n"
                           "    data: '[{\"id\": 1}, {\"id\": \"two\"}]'\n"
                           "  - type: yaml\n"  // 14
                           "    data:\n"
                           "      - id: 3\n"
                           "  - type: csv\n"  // 17
                           "    data: \"id\\n4\"\n";
  const LintReport r = strict(yaml);
  EXPECT_FALSE(r.valid) << text(r);
  const Diagnostic* bad = find(r, "example 1, record 1: $.id: type");
  ASSERT_NE(bad, nullptr) << text(r);
  EXPECT_TRUE(at_line(*bad, 11)) << text(r);
  EXPECT_EQ(find(r, "example 2"), nullptr) << text(r);  // valid yaml example, the only model
  const Diagnostic* csv = find(r, "example 3 of type 'csv' is not checked");
  ASSERT_NE(csv, nullptr) << text(r);
  EXPECT_EQ(csv->severity, Severity::warning);
  EXPECT_TRUE(compat(yaml).valid);  // upstream does not look at examples
}

TEST(Lint, ValidContractPasses) {
  const LintReport r =
      strict(kHeader + "models:\n  m:\n    fields:\n      a:\n        type: string\n");
  EXPECT_TRUE(r.valid) << text(r);
  EXPECT_EQ(r.result, "passed");
  EXPECT_EQ(r.spec, "dcs");
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(to_text(r), "valid (passed)\n");
}

TEST(Lint, MissingRequiredKeysAreErrorsWithLines) {
  const LintReport r = strict(
      "dataContractSpecification: 1.1.0\n"
      "info:\n"
      "  description: no title, no version\n"
      "models:\n  m:\n    fields:\n      a:\n        type: string\n");
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.result, "failed");
  const Diagnostic* id = find(r, "'id' is missing");
  ASSERT_NE(id, nullptr) << text(r);
  EXPECT_EQ(id->severity, Severity::error);
  EXPECT_EQ(id->loc.file, "c.yaml");
  EXPECT_GT(id->loc.line, 0) << "a missing key still points at a line";
  const Diagnostic* title = find(r, "'info.title' is missing");
  ASSERT_NE(title, nullptr) << text(r);
  EXPECT_EQ(title->loc.line, 3) << "points at the info mapping";
  ASSERT_NE(find(r, "'info.version' is missing"), nullptr) << text(r);
  EXPECT_NE(text(r).find("c.yaml:3: error: required key 'info.title' is missing"),
            std::string::npos)
      << text(r);
}

TEST(Lint, MissingInfoAndSpecVersion) {
  const LintReport r =
      strict("id: x\nmodels:\n  m:\n    fields:\n      a:\n        type: string\n");
  EXPECT_FALSE(r.valid);
  EXPECT_NE(find(r, "'info' is missing"), nullptr) << text(r);
  EXPECT_NE(find(r, "'dataContractSpecification' is missing"), nullptr) << text(r);
}

TEST(Lint, UnknownTypeIsAnErrorNamingLineAndKnownTypes) {
  const LintReport r =
      strict(kHeader + "models:\n  m:\n    fields:\n      a:\n        type: strnig\n");
  EXPECT_FALSE(r.valid);
  const Diagnostic* d = find(r, "unknown type 'strnig'");
  ASSERT_NE(d, nullptr) << text(r);
  EXPECT_TRUE(at_line(*d, 10)) << d->loc.str() << " " << d->message;
  EXPECT_NE(d->message.find("varchar"), std::string::npos)
      << "lists the known types: " << d->message;
  EXPECT_EQ(text(r).find("c.yaml:0"), std::string::npos) << "no line 0 shown: " << text(r);
}

TEST(Lint, UnknownKeyIsAWarningWithLine) {
  const LintReport r = strict(
      kHeader +
      "models:\n  m:\n    fields:\n      a:\n        type: string\n        requried: true\n");
  EXPECT_TRUE(r.valid) << text(r);
  EXPECT_EQ(r.result, "warning");
  const Diagnostic* d = find(r, "unknown key 'requried'");
  ASSERT_NE(d, nullptr) << text(r);
  EXPECT_EQ(d->severity, Severity::warning);
  EXPECT_EQ(d->loc.str(), "c.yaml:11");
  EXPECT_NE(text(r).find("c.yaml:11: warning: "), std::string::npos) << text(r);
}

TEST(Lint, UnknownModelKeyIsAWarning) {
  const LintReport r = strict(
      kHeader + "models:\n  m:\n    feilds: {}\n    fields:\n      a:\n        type: string\n");
  EXPECT_EQ(r.result, "warning") << text(r);
  const Diagnostic* d = find(r, "unknown key 'feilds'");
  ASSERT_NE(d, nullptr) << text(r);
  EXPECT_EQ(d->loc.line, 8);
}

TEST(Lint, ContradictoryBoundsAreErrors) {
  const LintReport len = strict(kHeader +
                                "models:\n  m:\n    fields:\n      a:\n        type: string\n      "
                                "  minLength: 5\n        maxLength: 2\n");
  EXPECT_FALSE(len.valid);
  const Diagnostic* d = find(len, "minLength 5 > maxLength 2");
  ASSERT_NE(d, nullptr) << text(len);
  EXPECT_TRUE(at_line(*d, 9)) << d->message;
  const LintReport num = strict(kHeader +
                                "models:\n  m:\n    fields:\n      a:\n        type: integer\n     "
                                "   minimum: 5\n        maximum: 2\n");
  EXPECT_FALSE(num.valid);
  EXPECT_NE(find(num, "minimum 5 > maximum 2"), nullptr) << text(num);
  // Compat loads them (every record then fails).
  EXPECT_TRUE(
      compat(kHeader +
             "models:\n  m:\n    fields:\n      a:\n        type: string\n        minLength: 5\n"
             "        maxLength: 2\n")
          .valid);
}

TEST(Lint, DanglingRefIsAnError) {
  const LintReport r = strict(
      kHeader + "models:\n  m:\n    fields:\n      a:\n        $ref: '#/definitions/nope'\n");
  EXPECT_FALSE(r.valid);
  const Diagnostic* d = find(r, "dangling $ref");
  ASSERT_NE(d, nullptr) << text(r);
  EXPECT_TRUE(at_line(*d, 10)) << d->message;
  EXPECT_NE(d->message.find("nope"), std::string::npos);
  const LintReport url = strict(
      kHeader +
      "models:\n  m:\n    fields:\n      a:\n        $ref: 'https://example.com/x.yaml#/a'\n");
  EXPECT_FALSE(url.valid);
  EXPECT_NE(find(url, "URL"), nullptr) << text(url);
}

TEST(Lint, ResolvedRefIsFine) {
  const LintReport r =
      strict(kHeader +
             "definitions:\n  d:\n    type: string\n    maxLength: 3\n"
             "models:\n  m:\n    fields:\n      a:\n        $ref: '#/definitions/d'\n");
  EXPECT_TRUE(r.valid) << text(r);
}

TEST(Lint, UnknownFormatIsAnError) {
  const LintReport r = strict(
      kHeader +
      "models:\n  m:\n    fields:\n      a:\n        type: string\n        format: hostname\n");
  EXPECT_FALSE(r.valid) << text(r);
  EXPECT_NE(find(r, "hostname"), nullptr) << text(r);
  EXPECT_TRUE(
      compat(
          kHeader +
          "models:\n  m:\n    fields:\n      a:\n        type: string\n        format: hostname\n")
          .valid);
}

TEST(Lint, InvalidYamlIsAnErrorWithLine) {
  const LintReport r = strict("models:\n  m:\n    fields: [unclosed\n");
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.result, "error");
  ASSERT_FALSE(r.problems.empty());
  EXPECT_GT(r.problems[0].loc.line, 0);
}

TEST(Lint, NotAMapping) {
  const LintReport r = strict("- a\n- b\n");
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.problems.at(0).loc.line, 1);
}

const std::string kOdcs =
    "apiVersion: v3.0.2\n"            // 1
    "kind: DataContract\n"            // 2
    "id: t\n"                         // 3
    "name: t\n"                       // 4
    "version: 1.0.0\n"                // 5
    "status: active\n"                // 6
    "schema:\n"                       // 7
    "  - name: m\n"                   // 8
    "    properties:\n"               // 9
    "      - name: a\n"               // 10
    "        logicalType: string\n";  // 11

TEST(Lint, OdcsValid) {
  const LintReport r = strict(kOdcs);
  EXPECT_TRUE(r.valid) << text(r);
  EXPECT_EQ(r.spec, "odcs");
}

TEST(Lint, OdcsMissingStatusFailsInBothModes) {
  std::string yaml = kOdcs;
  yaml.replace(yaml.find("status: active\n"), 15, "");
  for (const LintReport& r : {strict(yaml), compat(yaml)}) {
    EXPECT_FALSE(r.valid) << text(r);
    EXPECT_EQ(r.spec, "odcs");
    EXPECT_NE(find(r, "status"), nullptr) << text(r);
  }
}

TEST(Lint, OdcsSchemaErrorNamesTheYamlLine) {
  std::string yaml = kOdcs;
  yaml.replace(yaml.find("logicalType: string"), 19, "logicalType: 42");
  const LintReport r = strict(yaml);
  EXPECT_FALSE(r.valid) << text(r);
  bool found = false;
  for (const Diagnostic& d : r.problems)
    if (d.loc.line == 11 && d.message.find("logicalType") != std::string::npos) found = true;
  EXPECT_TRUE(found) << text(r);
}

TEST(Lint, OdcsExtraTopLevelKeyRejected) {
  const LintReport r = strict(kOdcs + "unexpected: 1\n");
  EXPECT_FALSE(r.valid) << text(r);
  EXPECT_NE(text(r).find("unexpected"), std::string::npos) << text(r);
}

TEST(Lint, OdcsCustomJsonSchema) {
  testing::TempDir dir;
  const auto schema = dir.path() / "s.json";
  std::ofstream(schema) << R"({"type": "object", "required": ["mustHave"]})";
  LintOptions o;
  o.json_schema = schema.string();
  const LintReport r = lint_string(kOdcs, "c.yaml", o);
  EXPECT_FALSE(r.valid) << text(r);
  EXPECT_NE(find(r, "mustHave"), nullptr) << text(r);
  o.json_schema = (dir.path() / "missing.json").string();
  const LintReport missing = lint_string(kOdcs, "c.yaml", o);
  EXPECT_FALSE(missing.valid);
  EXPECT_NE(text(missing).find("missing.json"), std::string::npos) << text(missing);
}

TEST(Lint, CompatVerdicts) {
  // lint 012: a missing id is valid upstream.
  EXPECT_TRUE(compat("dataContractSpecification: 1.1.0\ninfo:\n  title: t\n  version: 1\nmodels:\n "
                     " m:\n    fields:\n"
                     "      a:\n        type: string\n")
                  .valid);
  // lint 016: unknown keys are allowed.
  const LintReport unknown = compat(
      kHeader +
      "models:\n  m:\n    fields:\n      a:\n        type: string\n        requried: true\n");
  EXPECT_TRUE(unknown.valid);
  EXPECT_TRUE(unknown.problems.empty()) << text(unknown);
  // lint 015: required: yes is true upstream, an error in strict.
  const std::string yes =
      kHeader +
      "models:\n  m:\n    fields:\n      a:\n        type: string\n        required: yes\n";
  EXPECT_TRUE(compat(yes).valid);
  EXPECT_FALSE(strict(yes).valid);
  // lint 014: DCS enums must be strings upstream; strict types them.
  const std::string ints =
      kHeader +
      "models:\n  m:\n    fields:\n      a:\n        type: integer\n        enum: [1, 2]\n";
  EXPECT_FALSE(compat(ints).valid);
  EXPECT_TRUE(strict(ints).valid) << text(strict(ints));
  // h088: an unknown type loads in compat.
  EXPECT_TRUE(
      compat(kHeader + "models:\n  m:\n    fields:\n      a:\n        type: strnig\n").valid);
  // A dangling $ref is left as written.
  EXPECT_TRUE(compat(kHeader + "models:\n  m:\n    fields:\n      a:\n        type: string\n"
                               "        $ref: '#/definitions/nope'\n")
                  .valid);
}

TEST(Lint, EnumValueNotOfTheFieldType) {
  const LintReport r =
      strict(kHeader +
             "models:\n  m:\n    fields:\n      a:\n        type: integer\n        enum: [1, x]\n");
  EXPECT_FALSE(r.valid) << text(r);
  EXPECT_NE(find(r, "'x'"), nullptr) << text(r);
}

TEST(Lint, ModelWithoutFields) {
  const std::string yaml = kHeader + "models:\n  m:\n    description: nothing\n";
  EXPECT_FALSE(strict(yaml).valid);
  EXPECT_TRUE(compat(yaml).valid);
}

TEST(Lint, JsonShape) {
  const LintReport r = strict(
      kHeader + "models:\n  m:\n    fields:\n      a:\n        type: string\n        x: 1\n");
  const nlohmann::json j = to_json(r);
  EXPECT_EQ(j["valid"], true);
  EXPECT_EQ(j["result"], "warning");
  EXPECT_EQ(j["spec"], "dcs");
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_EQ(j["problems"][0]["severity"], "warning");
  EXPECT_EQ(j["problems"][0]["location"], "c.yaml:11");
  EXPECT_NE(j["problems"][0]["message"].get<std::string>().find("'x'"), std::string::npos);
}

TEST(Lint, MissingFile) {
  const LintReport r = lint_file("/nonexistent/c.yaml", {});
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.result, "error");
  EXPECT_NE(to_text(r).find("/nonexistent/c.yaml"), std::string::npos);
}

}  // namespace
}  // namespace bt::contract
