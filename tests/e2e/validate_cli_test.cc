// Black-box checks of `bitter validate` and `bitter lint`: exit codes, the
// --json report shape, clear messages for bad input, and --help.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/bitter_process.h"

namespace bt::testing {
namespace {

using nlohmann::json;

const std::string kContract = R"(dataContractSpecification: 1.1.0
id: t
info:
  title: t
  version: 1.0.0
models:
  orders:
    fields:
      id:
        type: integer
        required: true
        minimum: 1
      status:
        type: string
        enum: [open, closed]
      u:
        type: string
        unique: true
)";

class ValidateCli : public ::testing::Test {
 protected:
  std::vector<std::string> env() { return bitter_env(home_.path()); }
  std::string write(const std::string& name, const std::string& text) {
    auto p = home_.path() / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  BitterRun run(const std::vector<std::string>& args) {
    return run_bitter(args, env(), home_.path());
  }
  static json parse(const BitterRun& r) {
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON:\n" << r.out << "\nstderr:\n" << r.err;
    return j;
  }
  TempDir home_;
};

TEST_F(ValidateCli, PassedExitsZero) {
  const auto c = write("c.yaml", kContract);
  const auto d = write("d.json", R"([{"id": 1, "status": "open", "u": "a"}, {"id": 2, "u": "b"}])");
  const BitterRun r = run({"validate", c, d});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("result: passed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 records"), std::string::npos) << r.out;
}

TEST_F(ValidateCli, FailedExitsOneWithPathAndLine) {
  const auto c = write("c.yaml", kContract);
  const auto d = write("d.ndjson", "{\"id\": 1}\n{\"id\": 0, \"status\": \"gone\"}\n");
  const BitterRun r = run({"validate", c, d});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("[record 1] $.id: minimum"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[record 1] $.status: enum"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(c + ":9"), std::string::npos) << "names the contract line: " << r.out;
  EXPECT_NE(r.out.find("result: failed"), std::string::npos) << r.out;
}

TEST_F(ValidateCli, ErrorExitsTwo) {
  const auto c = write("c.yaml", kContract);
  const auto d = write("d.ndjson", "{\"id\": 1}\nnot json\n");
  const BitterRun r = run({"validate", c, d});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("line 2"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("result: error"), std::string::npos) << r.out;
}

TEST_F(ValidateCli, WarningExitsZero) {
  const auto c =
      write("c.yaml", std::string(kContract) +
                          "    quality:\n      - type: custom\n        description: eyeball it\n");
  const auto d = write("d.json", R"([{"id": 1}])");
  const BitterRun r = run({"validate", c, d, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(parse(r)["result"], "warning") << r.out;
}

TEST_F(ValidateCli, JsonReportShape) {
  const auto c = write("c.yaml", kContract);
  const auto d = write("d.json", R"([{"id": 1, "u": "a"}, {"id": "x", "u": "a"}])");
  const BitterRun r = run({"validate", c, d, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const json j = parse(r);
  EXPECT_EQ(j["result"], "failed");
  EXPECT_EQ(j["mode"], "strict");
  EXPECT_EQ(j["records"], 2);
  EXPECT_EQ(j["files"], json::array({d}));
  EXPECT_EQ(j["models"], json::array({"orders"}));
  ASSERT_TRUE(j["violations"].is_array());
  ASSERT_EQ(j["violations"].size(), 1u) << j.dump(2);
  const json& v = j["violations"][0];
  EXPECT_EQ(v["path"], "$.id");
  EXPECT_EQ(v["rule"], "type");
  EXPECT_EQ(v["expected"], "integer");
  EXPECT_EQ(v["actual"], "\"x\" (string)");
  EXPECT_EQ(v["location"], c + ":9");
  EXPECT_EQ(v["record"], 1);
  EXPECT_EQ(j["omitted"], 0);
  ASSERT_TRUE(j["checks"].is_array());
  bool unique_failed = false;
  for (const json& ch : j["checks"]) {
    for (const char* k : {"name", "result", "message", "location"})
      EXPECT_TRUE(ch.contains(k)) << ch.dump();
    if (ch["name"] == "orders.u unique") unique_failed = ch["result"] == "failed";
  }
  EXPECT_TRUE(unique_failed) << j["checks"].dump(2);
}

TEST_F(ValidateCli, MaxErrorsCapsTheList) {
  const auto c = write("c.yaml", kContract);
  std::string data;
  for (int i = 0; i < 10; ++i) data += "{\"id\": 0}\n";
  const auto d = write("d.ndjson", data);
  const BitterRun r = run({"validate", c, d, "--json", "--max-errors", "4"});
  EXPECT_EQ(r.exit_code, 1);
  const json j = parse(r);
  EXPECT_EQ(j["violations"].size(), 4u);
  EXPECT_EQ(j["omitted"], 6);
}

TEST_F(ValidateCli, MissingDataFileIsAClearUsageError) {
  const auto c = write("c.yaml", kContract);
  for (const std::string name : {"missing.json", "missing.ndjson"}) {
    const std::string d = (home_.path() / name).string();
    const BitterRun r = run({"validate", c, d});
    EXPECT_EQ(r.exit_code, 2) << name << "\n" << r.out << r.err;
    EXPECT_NE((r.out + r.err).find(d), std::string::npos) << "names the file: " << r.out << r.err;
    EXPECT_NE((r.out + r.err).find("No such file"), std::string::npos) << r.out << r.err;
    EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
  }
}

TEST_F(ValidateCli, MissingContractIsAUsageError) {
  const BitterRun r =
      run({"validate", (home_.path() / "nope.yaml").string(), write("d.json", "{}")});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("nope.yaml"), std::string::npos) << r.err;
}

TEST_F(ValidateCli, UnknownModelExitsTwo) {
  const auto c = write("c.yaml", kContract);
  const auto d = write("d.json", R"({"id": 1})");
  const BitterRun r = run({"validate", c, d, "--model", "nope"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("orders"), std::string::npos) << "lists the models: " << r.err;
  const BitterRun j = run({"validate", c, d, "--model", "nope", "--json"});
  EXPECT_EQ(j.exit_code, 2);
  EXPECT_EQ(parse(j)["exit_code"], 2);
}

TEST_F(ValidateCli, DelimiterOverride) {
  const auto c = write("c.yaml", kContract);
  const auto d = write("d.txt", "{\"id\": 1, \"u\": \"a\"}\n{\"id\": 2, \"u\": \"b\"}\n");
  EXPECT_EQ(run({"validate", c, d}).exit_code, 0);  // sniffed: one per line
  EXPECT_EQ(run({"validate", c, d, "--delimiter", "new_line"}).exit_code, 0);
  EXPECT_EQ(run({"validate", c, d, "--delimiter", "none"}).exit_code, 2);  // not one document
  const auto a = write("a.json", R"([{"id": 1, "u": "a"}, {"id": 2, "u": "b"}])");
  const BitterRun arr = run({"validate", c, a, "--delimiter", "array", "--json"});
  EXPECT_EQ(arr.exit_code, 0) << arr.out;
  EXPECT_EQ(parse(arr)["records"], 2);
  const BitterRun bad = run({"validate", c, a, "--delimiter", "comma"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
}

TEST_F(ValidateCli, CompatMode) {
  const auto c = write("c.yaml", kContract);
  const auto d = write("d.json", R"([{"id": 1.0, "extra": true, "status": "open", "u": "x"}])");
  EXPECT_EQ(run({"validate", c, d}).exit_code, 1);
  const BitterRun r = run({"validate", c, d, "--compat", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(parse(r)["mode"], "compat");
}

TEST_F(ValidateCli, ValidateHelpMentionsExitCodes) {
  const BitterRun r = run({"validate", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 passed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 error"), std::string::npos) << r.out;
}

TEST_F(ValidateCli, LintExitCodesAndText) {
  const auto good = write("good.yaml", kContract);
  const BitterRun ok = run({"lint", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("valid (passed)"), std::string::npos) << ok.out;
  const auto bad = write("bad.yaml", std::string(kContract) + "      v:\n        type: strnig\n");
  const BitterRun r = run({"lint", bad});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(bad + ":20"), std::string::npos) << r.out;  // the `type:` line
  EXPECT_NE(r.out.find("strnig"), std::string::npos) << r.out;
  const BitterRun missing = run({"lint", (home_.path() / "nope.yaml").string()});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE((missing.out + missing.err).find("nope.yaml"), std::string::npos);
}

TEST_F(ValidateCli, LintJsonShape) {
  const auto warn = write("w.yaml", std::string(kContract) + "        colour: red\n");
  const BitterRun r = run({"lint", warn, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const json j = parse(r);
  EXPECT_EQ(j["valid"], true);
  EXPECT_EQ(j["result"], "warning");
  EXPECT_EQ(j["spec"], "dcs");
  ASSERT_EQ(j["problems"].size(), 1u) << j.dump(2);
  EXPECT_EQ(j["problems"][0]["severity"], "warning");
  EXPECT_EQ(j["problems"][0]["location"], warn + ":19");
  EXPECT_TRUE(j["problems"][0]["message"].is_string());
  const BitterRun compat = run({"lint", warn, "--json", "--compat"});
  EXPECT_EQ(compat.exit_code, 0);
  EXPECT_EQ(parse(compat)["result"], "passed");
}

TEST_F(ValidateCli, LintHelpMentionsExitCodes) {
  const BitterRun r = run({"lint", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Exit codes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 valid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 invalid"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace bt::testing
