// check_data (the whole `bitter validate`) on small contracts and files:
// every strict/compat difference of docs/contract-modes.md that is cheap to
// show, the checks across records, SQL and library quality rules, record
// numbers, the violation cap and how data files are found.
#include "contract/data_check.h"

#include <gtest/gtest.h>

#include "support/data_check_fixture.h"

namespace bt::contract {
namespace {

using testing::dcs;
constexpr Mode kStrict = Mode::strict;
constexpr Mode kCompat = Mode::compat;

const std::string kOrders = dcs(R"(models:
  orders:
    fields:
      id:
        type: integer
        required: true
      status:
        type: string
        enum: [open, closed]
      tags:
        type: array
        items:
          type: string
      nested:
        type: object
        fields:
          a:
            type: string
      free:
        type: object
)");

class DataCheck : public testing::DataCheckFixture {};

// A record of kOrders with every field present (compat's field_is_present
// fails a field absent from every record), plus `extra` members, which
// replace the defaults of the same name.
std::string full(const std::string& extra) {
  nlohmann::json base = {{"id", 1},
                         {"status", "open"},
                         {"tags", nlohmann::json::array()},
                         {"nested", {{"a", "x"}}},
                         {"free", nlohmann::json::object()}};
  const nlohmann::json add = nlohmann::json::parse("{" + extra + "}");
  std::string out = "{";
  for (auto& [k, v] : base.items())
    if (!add.contains(k)) out += nlohmann::json(k).dump() + ": " + v.dump() + ", ";
  return out + extra + "}";
}

bool has_violation(const DataReport& r, const std::string& path, const std::string& rule) {
  for (const Violation& v : r.violations)
    if (v.path == path && v.rule == rule) return true;
  return false;
}

TEST_F(DataCheck, GoodRecordPassesInBothModes) {
  const std::string data =
      R"({"id": 1, "status": "open", "tags": ["a"], "nested": {"a": "x"}, "free": {"k": 1}})";
  for (Mode m : {kStrict, kCompat}) {
    const DataReport r = report(kOrders, "d.json", data, m);
    EXPECT_EQ(r.result, "passed") << dump(r);
    EXPECT_EQ(r.records, 1);
    EXPECT_TRUE(r.violations.empty());
  }
}

TEST_F(DataCheck, UnknownKeysRejectedOnlyInStrictAtEveryLevel) {
  // Every field present, so compat's field_is_present has nothing to say.
  const std::string data = full(R"("zzz": 1, "nested": {"a": "x", "b": 2})");
  const DataReport s = report(kOrders, "d.json", data, kStrict);
  EXPECT_EQ(s.result, "failed") << dump(s);
  EXPECT_TRUE(has_violation(s, "$.zzz", "additionalProperties")) << dump(s);
  EXPECT_TRUE(has_violation(s, "$.nested.b", "additionalProperties")) << dump(s);
  EXPECT_EQ(s.violations.size(), 2u) << dump(s);
  const DataReport c = report(kOrders, "d.json", data, kCompat);
  EXPECT_EQ(c.result, "passed") << dump(c);
}

TEST_F(DataCheck, AdditionalFieldsTrueOpensOnlyTheTopLevel) {
  const std::string yaml = dcs(R"(models:
  m:
    additionalFields: true
    fields:
      id:
        type: integer
      nested:
        type: object
        fields:
          a:
            type: string
)");
  const DataReport r =
      report(yaml, "d.json", R"({"id": 1, "extra": true, "nested": {"a": "x", "b": 1}})", kStrict);
  EXPECT_EQ(r.result, "failed") << dump(r);
  EXPECT_FALSE(has_violation(r, "$.extra", "additionalProperties")) << dump(r);
  EXPECT_TRUE(has_violation(r, "$.nested.b", "additionalProperties")) << dump(r);
}

TEST_F(DataCheck, FreeFormObjectTakesAnyKeys) {
  const DataReport r =
      report(kOrders, "d.json", R"({"id": 1, "free": {"x": [1, {"y": null}]}})", kStrict);
  EXPECT_EQ(r.result, "passed") << dump(r);
}

TEST_F(DataCheck, OptionalEnumNull) {
  const std::string data = R"({"id": 1, "status": null})";
  EXPECT_EQ(report(kOrders, "d.json", data, kStrict).result, "passed");
  const DataReport c = report(kOrders, "d.json", data, kCompat);
  EXPECT_EQ(c.result, "failed") << dump(c);
  EXPECT_TRUE(has_violation(c, "$.status", "enum")) << dump(c);
  // A value outside the enum fails in both.
  for (Mode m : {kStrict, kCompat}) {
    const DataReport r = report(kOrders, "d.json", R"({"id": 1, "status": "Open"})", m);
    EXPECT_TRUE(has_violation(r, "$.status", "enum")) << dump(r);
  }
}

TEST_F(DataCheck, NullArrayElements) {
  const std::string data = full(R"("tags": ["a", null])");
  const DataReport s = report(kOrders, "d.json", data, kStrict);
  EXPECT_EQ(s.result, "failed") << dump(s);
  EXPECT_TRUE(has_violation(s, "$.tags[1]", "type")) << dump(s);
  EXPECT_EQ(report(kOrders, "d.json", data, kCompat).result, "passed");
}

TEST_F(DataCheck, OdcsItemsRequiredRejectsNullInCompat) {
  auto odcs = [](bool required) {
    return std::string(R"(apiVersion: v3.0.2
kind: DataContract
id: t
name: t
version: 1.0.0
status: active
schema:
  - name: m
    properties:
      - name: tags
        logicalType: array
        items:
          logicalType: string
)") + (required ? "          required: true\n" : "");
  };
  EXPECT_EQ(report(odcs(false), "d.json", R"({"tags": ["a", null]})", kCompat).result, "passed");
  const DataReport r = report(odcs(true), "d.json", R"({"tags": ["a", null]})", kCompat);
  EXPECT_EQ(r.result, "failed") << dump(r);
  EXPECT_TRUE(has_violation(r, "$.tags[1]", "type")) << dump(r);
}

TEST_F(DataCheck, IntegerOneDotZero) {
  const DataReport s = report(kOrders, "d.json", full(R"("id": 1.0)"), kStrict);
  EXPECT_EQ(s.result, "failed") << dump(s);
  EXPECT_TRUE(has_violation(s, "$.id", "type")) << dump(s);
  const DataReport c = report(kOrders, "d.json", full(R"("id": 1.0)"), kCompat);
  EXPECT_EQ(c.result, "passed") << dump(c);
  for (Mode m : {kStrict, kCompat}) {
    const DataReport r = report(kOrders, "d.json", full(R"("id": 1.5)"), m);
    EXPECT_TRUE(has_violation(r, "$.id", "type")) << dump(r);
  }
}

TEST_F(DataCheck, PrecisionAndScaleAreCheckedOnTheNumberAsWrittenInStrictOnly) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      amount:
        type: decimal
        precision: 6
        scale: 2
)");
  const std::string data = R"([{"amount": 1234.5}, {"amount": 12.50}, {"amount": 1.5e2}, {"amount": 12345.6},
                              {"amount": 0.001}, {"amount": 1e-2}])";
  const DataReport s = report(yaml, "d.json", data, kStrict);
  EXPECT_EQ(s.result, "failed") << dump(s);
  ASSERT_EQ(s.violations.size(), 2u) << dump(s);
  EXPECT_EQ(s.violations[0].record, 3);  // 5 digits before the point, 4 allowed
  EXPECT_EQ(s.violations[0].rule, "precision");
  EXPECT_EQ(s.violations[1].record, 4);  // 3 digits after the point, 2 allowed
  EXPECT_EQ(s.violations[1].rule, "scale");
  EXPECT_EQ(report(yaml, "d.json", data, kCompat).result, "passed");
}

TEST_F(DataCheck, IntegersBeyondTwoTo53AreComparedExactly) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      n:
        type: integer
        maximum: 9007199254740992
)");
  for (Mode m : {kStrict, kCompat}) {
    EXPECT_EQ(report(yaml, "d.json", R"({"n": 9007199254740992})", m).result, "passed");
    const DataReport over = report(yaml, "d.json", R"({"n": 9007199254740993})", m);
    EXPECT_EQ(over.result, "failed") << dump(over);
    EXPECT_TRUE(has_violation(over, "$.n", "maximum")) << dump(over);
  }
}

TEST_F(DataCheck, UnsignedIntegersUpToTwoTo64) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      u:
        type: integer
        minimum: 18446744073709551614
)");
  EXPECT_EQ(report(yaml, "d.json", R"({"u": 18446744073709551615})", kStrict).result, "passed");
  const DataReport under = report(yaml, "d.json", R"({"u": 18446744073709551613})", kStrict);
  EXPECT_TRUE(has_violation(under, "$.u", "minimum")) << dump(under);
  // Beyond int64 DuckDB cannot read the BIGINT column (compat only).
  const DataReport c = report(yaml, "d.json", R"({"u": 18446744073709551615})", kCompat);
  EXPECT_EQ(c.result, "failed") << dump(c);
  ASSERT_NE(find_check(c, "readable as BIGINT"), nullptr) << dump(c);
}

TEST_F(DataCheck, ImpossibleDate) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      d:
        type: date
)");
  const DataReport s = report(yaml, "d.json", R"({"d": "2023-02-31"})", kStrict);
  EXPECT_EQ(s.result, "failed") << dump(s);
  EXPECT_TRUE(has_violation(s, "$.d", "format")) << dump(s);
  const DataReport c = report(yaml, "d.json", R"({"d": "2023-02-31"})", kCompat);
  EXPECT_EQ(c.result, "failed") << dump(c);
  EXPECT_TRUE(c.violations.empty()) << "compat: the regex passes; the cast fails" << dump(c);
  const Check* cast = find_check(c, "readable as DATE");
  ASSERT_NE(cast, nullptr) << dump(c);
  EXPECT_EQ(cast->result, "failed");
  EXPECT_EQ(report(yaml, "d.json", R"({"d": "2024-02-29"})", kStrict).result, "passed");
}

TEST_F(DataCheck, UnknownFormatRefusedInStrictIgnoredInCompat) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      h:
        type: string
        format: hostname
)");
  auto s = check(yaml, "d.json", R"({"h": "not a host name!"})", kStrict);
  ASSERT_FALSE(s.ok()) << "strict must refuse a format it cannot check";
  EXPECT_EQ(s.error().kind, ErrorKind::input);
  EXPECT_NE(s.error().message.find("hostname"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find(contract_path() + ":9"), std::string::npos) << s.error().message;
  EXPECT_EQ(report(yaml, "d.json", R"({"h": "not a host name!"})", kCompat).result, "passed");
}

TEST_F(DataCheck, OptionalFieldAbsentFromEveryRecord) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      id:
        type: integer
        required: true
      note:
        type: string
)");
  const std::string data = "{\"id\": 1}\n{\"id\": 2}\n";
  EXPECT_EQ(report(yaml, "d.ndjson", data, kStrict).result, "passed");
  const DataReport c = report(yaml, "d.ndjson", data, kCompat);
  EXPECT_EQ(c.result, "failed") << dump(c);
  const Check* present = find_check(c, "note is present");
  ASSERT_NE(present, nullptr) << dump(c);
  EXPECT_EQ(present->result, "failed");
  // Present (even null) in one record is enough.
  EXPECT_EQ(report(yaml, "d.ndjson", "{\"id\": 1}\n{\"id\": 2, \"note\": null}\n", kCompat).result,
            "passed");
}

TEST_F(DataCheck, UniqueCountsNullsAsOneValue) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      u:
        type: string
        unique: true
)");
  for (Mode m : {kStrict, kCompat}) {
    const DataReport dup = report(yaml, "d.ndjson", "{\"u\": null}\n{\"u\": \"a\"}\n{}\n", m);
    EXPECT_EQ(dup.result, "failed") << dump(dup);
    const Check* u = find_check(dup, "m.u unique");
    ASSERT_NE(u, nullptr) << dump(dup);
    EXPECT_EQ(u->result, "failed");
    const DataReport ok =
        report(yaml, "d.ndjson", "{\"u\": null}\n{\"u\": \"a\"}\n{\"u\": \"b\"}\n", m);
    EXPECT_EQ(ok.result, "passed") << dump(ok);
    const DataReport vals =
        report(yaml, "d.ndjson", "{\"u\": \"a\"}\n{\"u\": \"b\"}\n{\"u\": \"a\"}\n", m);
    EXPECT_EQ(vals.result, "failed") << dump(vals);
  }
}

TEST_F(DataCheck, CompositePrimaryKey) {
  const std::string yaml = dcs(R"(models:
  m:
    primaryKey: [a, b]
    fields:
      a:
        type: integer
      b:
        type: string
)");
  for (Mode m : {kStrict, kCompat}) {
    const DataReport ok = report(
        yaml, "d.json", R"([{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 2, "b": "x"}])", m);
    EXPECT_EQ(ok.result, "passed") << dump(ok);
    const Check* pk = find_check(ok, "primary key (a, b)");
    ASSERT_NE(pk, nullptr) << dump(ok);
    EXPECT_EQ(pk->result, "passed");
    const DataReport dup = report(yaml, "d.json", R"([{"a": 1, "b": "x"}, {"a": 1, "b": "x"}])", m);
    EXPECT_EQ(dup.result, "failed") << dump(dup);
    const DataReport null_part =
        report(yaml, "d.json", R"([{"a": 1, "b": null}, {"a": 2, "b": "x"}])", m);
    EXPECT_EQ(null_part.result, "failed") << dump(null_part);
  }
}

TEST_F(DataCheck, FieldLevelPrimaryKey) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      id:
        type: integer
        primaryKey: true
)");
  EXPECT_EQ(report(yaml, "d.json", R"([{"id": 1}, {"id": 2}])", kStrict).result, "passed");
  EXPECT_EQ(report(yaml, "d.json", R"([{"id": 1}, {"id": 1}])", kStrict).result, "failed");
  EXPECT_EQ(report(yaml, "d.json", R"([{"id": 1}, {}])", kStrict).result, "failed");
}

std::string sql_contract(const std::string& query, const std::string& threshold) {
  return dcs(
      "models:\n  orders:\n    quality:\n      - type: sql\n        description: the rule\n        "
      "query: \"" +
      query + "\"\n        " + threshold + "\n    fields:\n      id:\n        type: integer\n");
}

TEST_F(DataCheck, SqlRulePassesAndFails) {
  const std::string data = R"([{"id": 1}, {"id": 2}, {"id": null}])";
  for (Mode m : {kStrict, kCompat}) {
    const DataReport pass =
        report(sql_contract("SELECT COUNT(*) FROM orders", "mustBe: 3"), "d.json", data, m);
    EXPECT_EQ(pass.result, "passed") << dump(pass);
    const Check* c = find_check(pass, "orders quality: the rule");
    ASSERT_NE(c, nullptr) << dump(pass);
    EXPECT_EQ(c->result, "passed");
    EXPECT_NE(c->location.find("contract.yaml:9"), std::string::npos) << c->location;
    const DataReport fail = report(
        sql_contract("SELECT COUNT(id) FROM orders", "mustBeGreaterThan: 2"), "d.json", data, m);
    EXPECT_EQ(fail.result, "failed") << dump(fail);
    const Check* f = find_check(fail, "orders quality: the rule");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->message.find("2"), std::string::npos) << f->message;
  }
  EXPECT_EQ(report(sql_contract("SELECT SUM(id) FROM orders", "mustBeBetween: [3, 3]"), "d.json",
                   data, kStrict)
                .result,
            "passed");
  EXPECT_EQ(report(sql_contract("SELECT SUM(id) FROM orders", "mustNotBeBetween: [0, 10]"),
                   "d.json", data, kStrict)
                .result,
            "failed");
}

TEST_F(DataCheck, SqlRuleThatWritesIsRefusedAndDoesNothing) {
  const std::string data = R"([{"id": 1}, {"id": 2}])";
  for (const std::string q :
       {"DELETE FROM orders", "UPDATE orders SET id = 5", "DROP TABLE orders",
        "INSERT INTO orders VALUES (9)", "CREATE TABLE x (a)", "PRAGMA writable_schema = 1"}) {
    const DataReport r = report(sql_contract(q, "mustBe: 0"), "d.json", data, kStrict);
    EXPECT_EQ(r.result, "failed") << q << "\n" << dump(r);
    const Check* c = find_check(r, "orders quality");
    ASSERT_NE(c, nullptr) << q;
    EXPECT_EQ(c->result, "failed") << q;
    EXPECT_FALSE(c->message.empty()) << q;
  }
}

TEST_F(DataCheck, SqlAttachRefusedAndCreatesNoFile) {
  const auto target = dir_.path() / "evil.db";
  const DataReport r =
      report(sql_contract("ATTACH DATABASE '" + target.string() + "' AS evil", "mustBe: 0"),
             "d.json", R"([{"id": 1}])", kStrict);
  EXPECT_EQ(r.result, "failed") << dump(r);
  EXPECT_FALSE(std::filesystem::exists(target)) << "ATTACH created a file";
  // Also not through a second statement hidden after a query.
  const DataReport two = report(
      sql_contract("SELECT COUNT(*) FROM orders; ATTACH DATABASE '" + target.string() + "' AS evil",
                   "mustBe: 1"),
      "d.json", R"([{"id": 1}])", kStrict);
  EXPECT_EQ(two.result, "failed") << dump(two);
  const Check* c = find_check(two, "orders quality");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->message.find("one statement"), std::string::npos) << c->message;
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST_F(DataCheck, SqlSyntaxErrorNamesSqlite) {
  const DataReport r = report(sql_contract("SELECT TOP 1 id FROM orders", "mustBe: 1"), "d.json",
                              R"([{"id": 1}])", kStrict);
  EXPECT_EQ(r.result, "failed") << dump(r);
  const Check* c = find_check(r, "orders quality");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(c->message.find("SQLite"), std::string::npos) << c->message;
}

TEST_F(DataCheck, SqlRulesSeeStringsNumbersAndBooleans) {
  const std::string yaml = dcs(R"(models:
  orders:
    quality:
      - type: sql
        query: "SELECT COUNT(*) FROM orders WHERE name = 'ann' AND ok = 1 AND price > 1.5"
        mustBe: 1
    fields:
      name:
        type: string
      ok:
        type: boolean
      price:
        type: number
)");
  const DataReport r = report(
      yaml, "d.json",
      R"([{"name": "ann", "ok": true, "price": 2.5}, {"name": "bob", "ok": true, "price": 9}])",
      kStrict);
  EXPECT_EQ(r.result, "passed") << dump(r);
}

TEST_F(DataCheck, LibraryMetrics) {
  const std::string yaml = dcs(R"(models:
  m:
    quality:
      - type: library
        metric: rowCount
        mustBe: 4
    fields:
      a:
        type: string
        quality:
          - type: library
            metric: nullValues
            mustBe: 1
          - type: library
            metric: missingValues
            arguments:
              missingValues: ["", "n/a"]
            mustBe: 3
          - type: library
            metric: invalidValues
            arguments:
              validValues: ["x", "y"]
            mustBe: 2
          - type: library
            metric: duplicateValues
            mustBe: 0
)");
  const std::string data = R"([{"a": "x"}, {"a": null}, {"a": ""}, {"a": "n/a"}])";
  const DataReport r = report(yaml, "d.json", data, kStrict);
  EXPECT_EQ(r.result, "passed") << dump(r);
  for (const std::string name :
       {"m quality: rowCount", "m.a quality: nullValues", "m.a quality: missingValues",
        "m.a quality: invalidValues", "m.a quality: duplicateValues"}) {
    const Check* c = find_check(r, name);
    ASSERT_NE(c, nullptr) << name << "\n" << dump(r);
    EXPECT_EQ(c->result, "passed") << name << ": " << c->message;
  }
  // One more row breaks rowCount and adds a duplicate.
  const DataReport f = report(
      yaml, "d.json", R"([{"a": "x"}, {"a": null}, {"a": ""}, {"a": "n/a"}, {"a": "x"}])", kStrict);
  EXPECT_EQ(f.result, "failed") << dump(f);
  EXPECT_EQ(find_check(f, "rowCount")->result, "failed");
  EXPECT_EQ(find_check(f, "duplicateValues")->result, "failed");
  EXPECT_NE(find_check(f, "rowCount")->message.find("5"), std::string::npos)
      << find_check(f, "rowCount")->message;
}

TEST_F(DataCheck, LibraryMetricPatternArgument) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      a:
        type: string
        quality:
          - type: library
            metric: invalidValues
            arguments:
              pattern: "^[A-Z]+$"
            mustBeLessOrEqualTo: 0
)");
  EXPECT_EQ(report(yaml, "d.json", R"([{"a": "AB"}, {"a": null}])", kStrict).result, "passed");
  EXPECT_EQ(report(yaml, "d.json", R"([{"a": "AB"}, {"a": "ab"}])", kStrict).result, "failed");
}

TEST_F(DataCheck, UncheckedQualityRulesWarnInStrictOnly) {
  const std::string yaml = dcs(R"(models:
  m:
    quality:
      - type: custom
        description: looks right to a human
      - type: text
        description: prose
      - type: library
        metric: freshness
        mustBeLessThan: 1
    fields:
      a:
        type: string
)");
  const DataReport s = report(yaml, "d.json", R"([{"a": "x"}])", kStrict);
  EXPECT_EQ(s.result, "warning") << dump(s);
  int warnings = 0;
  for (const Check& c : s.checks)
    if (c.result == "warning") {
      ++warnings;
      EXPECT_NE(c.message.find("not checked"), std::string::npos) << c.message;
      EXPECT_NE(c.location.find("contract.yaml:"), std::string::npos) << c.location;
    }
  EXPECT_EQ(warnings, 3) << dump(s);
  const DataReport c = report(yaml, "d.json", R"([{"a": "x"}])", kCompat);
  EXPECT_EQ(c.result, "passed") << dump(c);
  for (const Check& ch : c.checks) EXPECT_NE(ch.result, "warning") << ch.name;
}

TEST_F(DataCheck, CompatSkipsChecksAcrossRecordsAfterASchemaFailure) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      u:
        type: integer
        unique: true
)");
  const std::string data = R"([{"u": 1}, {"u": 1}, {"u": "x"}])";
  const DataReport s = report(yaml, "d.json", data, kStrict);
  ASSERT_NE(find_check(s, "m.u unique"), nullptr) << dump(s);
  EXPECT_EQ(find_check(s, "m.u unique")->result, "failed");
  const DataReport c = report(yaml, "d.json", data, kCompat);
  EXPECT_EQ(c.result, "failed");
  EXPECT_EQ(find_check(c, "m.u unique"), nullptr) << dump(c);
}

TEST_F(DataCheck, NdjsonBlankLineIsAnError) {
  for (Mode m : {kStrict, kCompat}) {
    const DataReport r = report(kOrders, "d.ndjson", "{\"id\": 1}\n\n{\"id\": 2}\n", m);
    EXPECT_EQ(r.result, "error") << dump(r);
    const Check* c = find_check(r, "orders records");
    ASSERT_NE(c, nullptr) << dump(r);
    EXPECT_EQ(c->result, "error");
    EXPECT_NE(c->message.find("line 2"), std::string::npos) << c->message;
    EXPECT_NE(c->message.find("empty line"), std::string::npos) << c->message;
  }
}

TEST_F(DataCheck, NotJsonIsAnErrorNamingTheLine) {
  const DataReport r = report(kOrders, "d.ndjson", "{\"id\": 1}\n{\"id\": 2\n", kStrict);
  EXPECT_EQ(r.result, "error") << dump(r);
  ASSERT_NE(find_check(r, "orders records"), nullptr);
  EXPECT_NE(find_check(r, "orders records")->message.find("line 2"), std::string::npos);
  const DataReport t = report(kOrders, "d.json", "{\"id\": 1} trailing", kStrict);
  EXPECT_EQ(t.result, "error") << dump(t);
}

TEST_F(DataCheck, RecordNumbersInNdjsonAndArrays) {
  const DataReport n =
      report(kOrders, "d.ndjson", "{\"id\": 1}\n{\"id\": \"x\"}\n{\"id\": 3}\n{}\n", kStrict);
  ASSERT_EQ(n.violations.size(), 2u) << dump(n);
  EXPECT_EQ(n.violations[0].record, 1);
  EXPECT_EQ(n.violations[0].path, "$.id");
  EXPECT_EQ(n.violations[0].rule, "type");
  EXPECT_EQ(n.violations[1].record, 3);
  EXPECT_EQ(n.violations[1].rule, "required");
  EXPECT_EQ(n.records, 4);
  EXPECT_NE(to_text(n).find("[record 1] $.id: type"), std::string::npos) << to_text(n);

  const DataReport a =
      report(kOrders, "d.json", R"([{"id": 1}, {"id": 2}, {"id": 3, "status": "nope"}])", kStrict);
  ASSERT_EQ(a.violations.size(), 1u) << dump(a);
  EXPECT_EQ(a.violations[0].record, 2);
  EXPECT_EQ(a.records, 3);
  EXPECT_EQ(to_json(a)["violations"][0]["record"], 2);

  const DataReport one = report(kOrders, "d.json", R"({"id": "x"})", kStrict);
  ASSERT_EQ(one.violations.size(), 1u);
  EXPECT_EQ(one.violations[0].record, -1);
  EXPECT_FALSE(to_json(one)["violations"][0].contains("record"));
}

TEST_F(DataCheck, ViolationCapAndOmitted) {
  std::string data;
  for (int i = 0; i < 5; ++i) data += "{\"id\": \"x\", \"zzz\": 1}\n";  // two violations each
  DataOptions o;
  o.cap = 3;
  const DataReport r = report(kOrders, "d.ndjson", data, kStrict, o);
  EXPECT_EQ(r.result, "failed");
  EXPECT_EQ(r.violations.size(), 3u);
  EXPECT_EQ(r.omitted, 7u);
  EXPECT_NE(to_text(r).find("... and 7 more"), std::string::npos) << to_text(r);
  EXPECT_EQ(to_json(r)["omitted"], 7);
  // Within one record too.
  const DataReport one = report(
      kOrders, "d.json", R"({"id": "x", "a": 1, "b": 2, "c": 3, "d": 4, "e": 5})", kStrict, o);
  EXPECT_EQ(one.violations.size(), 3u) << dump(one);
  EXPECT_EQ(one.omitted, 3u) << dump(one);
}

TEST_F(DataCheck, CompatReportsTheFirstViolationPerRecord) {
  const DataReport c = report(kOrders, "d.ndjson",
                              "{\"id\": \"x\", \"status\": \"nope\"}\n{\"status\": 5}\n", kCompat);
  EXPECT_EQ(c.violations.size(), 2u) << dump(c);
  EXPECT_EQ(c.omitted, 0u);
  const DataReport s = report(kOrders, "d.ndjson",
                              "{\"id\": \"x\", \"status\": \"nope\"}\n{\"status\": 5}\n", kStrict);
  EXPECT_EQ(s.violations.size(), 4u) << dump(s);
}

TEST_F(DataCheck, ServerPathWithModelSubstitution) {
  const std::string yaml = dcs(
      "servers:\n  local:\n    type: local\n    path: " + (dir_.path() / "{model}.json").string() +
      "\n    format: json\n    delimiter: array\nmodels:\n  a:\n    fields:\n      x:\n        "
      "type: integer\n  b:\n    fields:\n      y:\n        type: string\n");
  write("a.json", R"([{"x": 1}, {"x": 2}])");
  write("b.json", R"([{"y": "ok"}])");
  const DataReport r = report(yaml, "", "", kStrict);
  EXPECT_EQ(r.result, "passed") << dump(r);
  EXPECT_EQ(r.models, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0], (dir_.path() / "a.json").string());
  EXPECT_EQ(r.files[1], (dir_.path() / "b.json").string());
  EXPECT_EQ(r.records, 3);
  write("b.json", R"([{"y": 1}])");
  const DataReport bad = report(yaml, "", "", kStrict);
  EXPECT_EQ(bad.result, "failed") << dump(bad);
  ASSERT_EQ(bad.violations.size(), 1u);
  EXPECT_EQ(bad.violations[0].path, "$.y");
  // --model picks one.
  DataOptions o;
  o.model = "a";
  const DataReport only_a = report(yaml, "", "", kStrict, o);
  EXPECT_EQ(only_a.result, "passed");
  EXPECT_EQ(only_a.models, (std::vector<std::string>{"a"}));
}

TEST_F(DataCheck, NoServerStrictRefusesCompatWarns) {
  const std::string yaml = dcs("models:\n  m:\n    fields:\n      x:\n        type: integer\n");
  auto s = check(yaml, "", "", kStrict);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::input);
  EXPECT_NE(s.error().message.find("DATA"), std::string::npos) << s.error().message;
  const DataReport c = report(yaml, "", "", kCompat);
  EXPECT_EQ(c.result, "warning");
  ASSERT_FALSE(c.checks.empty());
  EXPECT_EQ(c.checks[0].message, "Servers block is missing");
}

TEST_F(DataCheck, NdjsonUnderServerPathReadOnlyInStrict) {
  const std::string yaml =
      dcs("servers:\n  local:\n    type: local\n    path: " + (dir_.path() / "data").string() +
          "\n    format: json\n    delimiter: new_line\nmodels:\n  m:\n    fields:\n      x:\n  "
          "      type: integer\n");
  write("data/a.json", "{\"x\": 1}\n");
  write("data/b.ndjson", "{\"x\": \"bad\"}\n");
  write("data/c.jsonl", "{\"x\": 3}\n");
  write("data/d.txt", "{\"x\": \"ignored\"}\n");
  const DataReport s = report(yaml, "", "", kStrict);
  EXPECT_EQ(s.files.size(), 3u) << dump(s);
  EXPECT_EQ(s.result, "failed") << dump(s);
  EXPECT_EQ(s.records, 3);
  const DataReport c = report(yaml, "", "", kCompat);
  ASSERT_EQ(c.files.size(), 1u) << dump(c);
  EXPECT_EQ(c.files[0], (dir_.path() / "data/a.json").string());
  EXPECT_EQ(c.result, "passed") << dump(c);
}

TEST_F(DataCheck, NoFilesUnderServerPathIsAnErrorInStrictAndAWarningInCompat) {
  const std::string yaml = dcs(
      "servers:\n  local:\n    type: local\n    path: " + (dir_.path() / "none/*.json").string() +
      "\nmodels:\n  m:\n    fields:\n      x:\n        type: integer\n");
  const DataReport strict = report(yaml, "", "", kStrict);
  EXPECT_EQ(strict.result, "error") << dump(strict);  // nothing checked is not a pass
  ASSERT_NE(find_check(strict, "m files"), nullptr);
  EXPECT_NE(find_check(strict, "m files")->message.find("No files found"), std::string::npos);
  const DataReport compat = report(yaml, "", "", Mode::compat);
  EXPECT_EQ(compat.result, "warning") << dump(compat);
}

TEST_F(DataCheck, ServerSelectionAndNonLocalServers) {
  const std::string yaml = dcs(
      "servers:\n  prod:\n    type: s3\n    path: s3://bucket/x.json\n  local:\n    type: local\n"
      "    path: " +
      (dir_.path() / "x.json").string() +
      "\nmodels:\n  m:\n    fields:\n      x:\n        type: integer\n");
  write("x.json", "{\"x\": 1}");
  auto first = check(yaml, "", "", kStrict);  // the first server is s3
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.error().message.find("s3"), std::string::npos) << first.error().message;
  DataOptions o;
  o.server = "local";
  EXPECT_EQ(report(yaml, "", "", kStrict, o).result, "passed");
  o.server = "nope";
  auto none = check(yaml, "", "", kStrict, o);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("nope"), std::string::npos);
}

TEST_F(DataCheck, UnknownModelIsAnError) {
  DataOptions o;
  o.model = "nope";
  auto r = check(kOrders, "d.json", "{}", kStrict, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nope"), std::string::npos);
  EXPECT_NE(r.error().message.find("orders"), std::string::npos) << "lists the models";
}

TEST_F(DataCheck, DelimiterOverrideAndSniffing) {
  // NDJSON content in a .txt file is sniffed as NDJSON.
  const DataReport n = report(kOrders, "d.txt", "{\"id\": 1}\n{\"id\": 2}\n", kStrict);
  EXPECT_EQ(n.result, "passed") << dump(n);
  EXPECT_EQ(n.records, 2);
  // Forced to one document, the same file is not JSON.
  DataOptions o;
  o.delimiter = Delimiter::none;
  EXPECT_EQ(report(kOrders, "d.txt", "{\"id\": 1}\n{\"id\": 2}\n", kStrict, o).result, "error");
  // An array read as one document fails the object type instead.
  const DataReport arr = report(kOrders, "d.json", R"([{"id": 1}])", kStrict, o);
  EXPECT_EQ(arr.result, "failed") << dump(arr);
  EXPECT_TRUE(has_violation(arr, "$", "type")) << dump(arr);
  o.delimiter = Delimiter::array;
  EXPECT_EQ(report(kOrders, "d.json", R"({"id": 1})", kStrict, o).result, "error");
}

TEST_F(DataCheck, MissingDataFileIsReported) {
  contract_ = *load(kOrders, kStrict);
  DataOptions o;
  o.data = (dir_.path() / "missing.json").string();
  auto r = check_data(contract_, o);
  if (r.ok()) {
    EXPECT_EQ(r->result, "error") << dump(*r);
  } else {
    EXPECT_NE(r.error().message.find("missing.json"), std::string::npos) << r.error().message;
  }
}

const std::string kIdOnly = dcs(R"(models:
  m:
    fields:
      id:
        type: integer
        required: true
)");

// A record that is valid JSON but not an object breaks the type rule; it is
// not "not JSON" (Python parses `42`).
TEST_F(DataCheck, ScalarRecordIsATypeViolation) {
  for (const std::string data : {"42", "\"text\"", "true", "null", "-1.5e3"}) {
    const DataReport one = report(kIdOnly, "d.json", data, kStrict);
    EXPECT_EQ(one.result, "failed") << data << "\n" << dump(one);
    EXPECT_TRUE(has_violation(one, "$", "type")) << data << "\n" << dump(one);
    const DataReport lines = report(kIdOnly, "d.ndjson", "{\"id\": 1}\n" + data + "\n", kStrict);
    EXPECT_EQ(lines.result, "failed") << data << "\n" << dump(lines);
    ASSERT_EQ(lines.violations.size(), 1u) << dump(lines);
    EXPECT_EQ(lines.violations[0].record, 1);
  }
}

// validate() (the loop's strict wrapper) agrees with its oracle on a
// document that is not an object.
TEST(DataCheckValidate, ScalarDocumentGivesType) {
  auto c = load_string(kIdOnly, "c.yaml");
  ASSERT_TRUE(c.ok());
  const Model& m = c->models[0];
  for (const nlohmann::json doc : {nlohmann::json(42), nlohmann::json("x"), nlohmann::json(true),
                                   nlohmann::json(nullptr), nlohmann::json::array({1})}) {
    const ValidationReport fast = validate(m, doc);
    const ValidationReport ref = validate_reference(m, doc);
    ASSERT_EQ(ref.violations.size(), 1u) << to_text(ref);
    ASSERT_EQ(fast.violations.size(), 1u) << doc.dump() << "\n" << to_text(fast);
    EXPECT_EQ(fast.violations[0].rule, "type");
    EXPECT_EQ(fast.violations[0].rule, ref.violations[0].rule) << doc.dump();
    EXPECT_EQ(fast.violations[0].path, "$");
  }
}

// Python reads -0 as the integer 0; strict must not call it "not an integer".
TEST_F(DataCheck, MinusZeroIsAnInteger) {
  EXPECT_EQ(report(kIdOnly, "d.json", R"({"id": -0})", kStrict).result, "passed");
  EXPECT_EQ(report(kIdOnly, "d.json", R"({"id": -0.0})", kStrict).result, "failed");
  EXPECT_EQ(report(kIdOnly, "d.json", R"({"id": -0.0})", kCompat).result, "passed");
  EXPECT_EQ(report(kIdOnly, "d.json", R"({"id": 1e2})", kStrict).result, "failed");
  EXPECT_EQ(report(kIdOnly, "d.json", R"({"id": 1e2})", kCompat).result, "passed");
}

TEST_F(DataCheck, JsonReportShape) {
  const DataReport r = report(kOrders, "d.json", R"([{"id": "x"}])", kStrict);
  const nlohmann::json j = to_json(r);
  EXPECT_EQ(j["result"], "failed");
  EXPECT_EQ(j["mode"], "strict");
  EXPECT_EQ(j["records"], 1);
  ASSERT_EQ(j["violations"].size(), 1u);
  const auto& v = j["violations"][0];
  for (const char* k : {"path", "rule", "expected", "actual", "location", "record"})
    EXPECT_TRUE(v.contains(k)) << k;
  EXPECT_EQ(v["actual"], "\"x\" (string)");
  EXPECT_EQ(v["location"], contract_path() + ":9");
  EXPECT_TRUE(j["checks"].is_array());
  EXPECT_EQ(worse("passed", "warning"), "warning");
  EXPECT_EQ(worse("failed", "warning"), "failed");
  EXPECT_EQ(worse("failed", "error"), "error");
  EXPECT_EQ(worse("error", "passed"), "error");
}

}  // namespace
}  // namespace bt::contract
