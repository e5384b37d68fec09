// Bugs a review found in the rewritten contract engine, now fixed. Each test
// states the behaviour docs/contract-modes.md (or plain correctness)
// promises, so the bug cannot come back unnoticed.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "contract/lint.h"
#include "contract/loader.h"
#include "contract/number.h"
#include "contract/records.h"
#include "support/data_check_fixture.h"

namespace bt::contract {
namespace {

using nlohmann::json;
using testing::dcs;

class ReviewFindings : public testing::DataCheckFixture {};

const std::string kModel = dcs(R"(models:
  m:
    fields:
      id:
        type: integer
        required: true
)");

bool has_violation(const DataReport& r, const std::string& path, const std::string& rule) {
  for (const Violation& v : r.violations)
    if (v.path == path && v.rule == rule) return true;
  return false;
}

// docs/contract-modes.md: "Integers beyond 2^53 and 2^64 | compared exactly
// (Python ints, h022)". An integer literal beyond 2^64 makes the whole file
// "not a JSON document" (simdjson 3.0.1 reports INCORRECT_TYPE, which
// read_number does not turn into a big integer), in both modes.
// Repro: echo '{"u": 18446744073709551616}' > d.json; bitter validate c.yaml d.json
// -> result error "not a JSON document: The JSON element does not have the
// requested type.", expected passed (u: integer, minimum 0).
TEST_F(ReviewFindings, IntegerBeyondTwoTo64IsAnExactInteger) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      u:
        type: integer
        required: true
        minimum: 18446744073709551615
)");
  for (Mode m : {Mode::strict, Mode::compat}) {
    const DataReport above = report(yaml, "d.json", R"({"u": 18446744073709551616})", m);
    EXPECT_NE(above.result, "error") << dump(above);
    EXPECT_FALSE(has_violation(above, "$.u", "minimum")) << dump(above);
    const DataReport neg = report(yaml, "d.ndjson", "{\"u\": -123456789012345678901234}\n", m);
    EXPECT_EQ(neg.result, "failed") << dump(neg);
    EXPECT_TRUE(has_violation(neg, "$.u", "minimum")) << dump(neg);
  }
}

// "a file with one value per line is NDJSON": the sniffer only looks at the
// first 4 KiB, so NDJSON whose first record is longer is read as one document.
// Repro: two 5 KiB JSON objects on two lines in d.json; bitter validate c.yaml d.json
// -> result error "extra data after the JSON value", expected passed.
TEST_F(ReviewFindings, SniffNdjsonWithLongFirstLine) {
  const std::string record = "{\"id\": 1, \"pad\": \"" + std::string(5000, 'p') + "\"}";
  const auto p = write("long.json", record + "\n" + record + "\n");
  auto d = sniff_delimiter(p);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, Delimiter::new_line);
}

// compare() of a big integer literal against infinity (a YAML bound such as
// `maximum: .inf`): snprintf("%.0f", inf) is "inf", whose digits are empty,
// so infinity compares as 0-digit number -> smaller than any big integer.
TEST(ReviewFindingsNumber, BigIntegerAgainstInfinity) {
  Number big;
  big.kind = Number::Kind::big;
  big.big = "123456789012345678901234";
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_LT(compare(big, Number::of(inf)), 0);
  EXPECT_GT(compare(big, Number::of(-inf)), 0);
}

// ODCS v3 puts `unit` on the quality rule (the bundled odcs-v3.schema.json:
// definitions/quality/properties/unit), which is where datacontract-cli reads
// it. The engine only looks at arguments.unit, so `unit: percent` is ignored
// and the metric is judged as a count.
// Repro: 1 null in 4 rows, nullValues mustBeLessThan: 2, unit: percent -> passed
// (count 1 < 2), expected failed (25 % >= 2).
TEST_F(ReviewFindings, RuleLevelUnitPercent) {
  const std::string odcs = R"(apiVersion: v3.0.2
kind: DataContract
id: t
name: t
version: 1.0.0
status: active
schema:
  - name: m
    properties:
      - name: a
        logicalType: string
        quality:
          - metric: nullValues
            mustBeLessThan: 2
            unit: percent
)";
  const DataReport r =
      report(odcs, "d.json", R"([{"a": "x"}, {"a": null}, {"a": "y"}, {"a": "z"}])", Mode::strict);
  EXPECT_EQ(r.result, "failed") << dump(r);
}

// docs/contract-modes.md: "anything else (custom, text, other metrics,
// top-level SodaCL quality) | a warning check saying it was not checked".
// Contract::quality is loaded but check_data never looks at it.
// Repro: a DCS contract with top-level `quality: {type: SodaCL, specification: ...}`
// -> bitter validate says passed, expected warning.
TEST_F(ReviewFindings, TopLevelSodaClQualityWarnsInStrict) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      id:
        type: integer
quality:
  type: SodaCL
  specification:
    checks for m:
      - row_count > 10
)");
  const DataReport r = report(yaml, "d.json", R"([{"id": 1}])", Mode::strict);
  EXPECT_EQ(r.result, "warning") << dump(r);
}

// A trailing comment is part of one statement; SQLite's tail after ';' is
// only a comment, yet the rule is refused as "more than one statement".
// Repro: query "SELECT COUNT(*) FROM m; -- count rows", mustBe: 1 -> failed.
TEST_F(ReviewFindings, SqlTrailingCommentIsStillOneStatement) {
  const std::string yaml = dcs(R"(models:
  m:
    quality:
      - type: sql
        query: "SELECT COUNT(*) FROM m; -- count rows"
        mustBe: 1
    fields:
      id:
        type: integer
)");
  const DataReport r = report(yaml, "d.json", R"([{"id": 1}])", Mode::strict);
  EXPECT_EQ(r.result, "passed") << dump(r);
}

// unique "as upstream (SQL GROUP BY)": 1 and 1.0 are one value in a DOUBLE
// column, but the engine keys values by their JSON text ("1" vs "1.0").
// Repro: number field with unique: true, records [{"p": 1}, {"p": 1.0}] -> passed.
TEST_F(ReviewFindings, UniqueTreatsOneAndOnePointZeroAsOneValue) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      p:
        type: number
        unique: true
)");
  for (Mode m : {Mode::strict, Mode::compat}) {
    const DataReport r = report(yaml, "d.json", R"([{"p": 1}, {"p": 1.0}])", m);
    EXPECT_EQ(r.result, "failed") << dump(r);
  }
}

// docs/contract-modes.md: "result is error if any record is not JSON". The
// On-Demand walk only parses what the plan descends into; values it skips
// (undeclared keys under additionalFields: true or in compat, free-form
// objects, arrays without items, the rest of a record after compat's first
// violation) are never checked for JSON syntax, so `tru`, `nul`, `01`, `1.`
// and a lone `-` pass. Python's json.loads (upstream) rejects every one.
// Repro: model with `additionalFields: true`; echo '{"u": 1, "x": tru}' > d.json;
// bitter validate c.yaml d.json -> "result: passed", exit 0; expected error, exit 2.
TEST_F(ReviewFindings, InvalidJsonInSkippedValuesIsAnError) {
  const std::string yaml = dcs(R"(models:
  m:
    additionalFields: true
    fields:
      u:
        type: integer
      free:
        type: object
      list:
        type: array
)");
  for (const std::string data : {R"({"u": 1, "x": tru})", R"({"u": 1, "free": {"k": nul}})",
                                 R"({"u": 1, "free": {"n": 01}})", R"({"u": 1, "list": [1.e5]})",
                                 R"({"u": 1, "list": [-]})", R"({"u": 1, "x": 1.})"}) {
    const DataReport strict = report(yaml, "d.json", data, Mode::strict);
    EXPECT_EQ(strict.result, "error") << data << "\n" << dump(strict);
    const DataReport lines = report(yaml, "d.ndjson", data + "\n", Mode::strict);
    EXPECT_EQ(lines.result, "error") << data << "\n" << dump(lines);
  }
}

// Strict: "anything bitter cannot check is reported, never passed silently".
// Checks across records only look at top-level fields, so `unique` and
// `quality` on a nested field are dropped without a word.
// Repro: field o (object) with child a {unique: true, quality: nullValues mustBe 0};
// records {"o":{"a":"x"}} twice and {"o":{"a":null}} -> "result: passed", exit 0.
TEST_F(ReviewFindings, NestedUniqueAndQualityAreNotSilentlyIgnored) {
  const std::string yaml = dcs(R"(models:
  m:
    fields:
      o:
        type: object
        fields:
          a:
            type: string
            unique: true
            quality:
              - type: library
                metric: nullValues
                mustBe: 0
)");
  const DataReport r = report(
      yaml, "d.ndjson",
      "{\"o\": {\"a\": \"x\"}}\n{\"o\": {\"a\": \"x\"}}\n{\"o\": {\"a\": null}}\n", Mode::strict);
  EXPECT_NE(r.result, "passed") << "checked (failed) or reported as not checked (warning)\n"
                                << dump(r);
}

// A model-level primaryKey naming a field the model does not declare is a
// typo strict lint should catch ("a typo is a rule lost"); instead lint says
// "valid (passed)" and validate fails every record with "null key part".
// Repro: `primaryKey: [nope]` on a model without field nope; bitter lint c.yaml -> exit 0.
TEST_F(ReviewFindings, PrimaryKeyNamingAnUndeclaredFieldIsALintError) {
  const std::string yaml = dcs(R"(models:
  m:
    primaryKey: [nope]
    fields:
      id:
        type: integer
)");
  const LintReport r = lint_string(yaml, "c.yaml", {});
  EXPECT_FALSE(r.valid) << to_text(r);
}

// Compat stops at the first violation of a record (fail fast) and never
// reads the rest, so a record that Python cannot even parse (a bad literal
// after the first violation) is reported as "failed" instead of "error"
// (upstream: json.loads raises; strict mode does say error).
// Repro: printf '{"id": "x", "b": tru}\n' > d.ndjson; bitter validate --compat c.yaml d.ndjson
// -> failed, expected error.
TEST_F(ReviewFindings, CompatTrailingGarbageAfterAViolationIsAnError) {
  const DataReport r = report(kModel, "d.json", R"({"id": "x"} trailing)", Mode::compat);
  EXPECT_EQ(r.result, "error") << dump(r);
  const DataReport bad_atom =
      report(kModel, "d.ndjson", "{\"id\": \"x\", \"b\": tru}\n", Mode::compat);
  EXPECT_EQ(bad_atom.result, "error") << dump(bad_atom);
}

}  // namespace
}  // namespace bt::contract
