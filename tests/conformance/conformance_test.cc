// The shared conformance corpus (../shared/conformance), run in place: every
// `datacontract test` case through `bitter validate --compat`, every lint case
// through `bitter lint --compat`, each from inside its own folder because
// server paths are relative to the working directory.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/bitter_process.h"

namespace bt::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path corpus() { return fs::path(BITTER_SHARED_DIR) / "conformance"; }

std::vector<std::string> cases(const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(corpus() / kind))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

class DatacontractCase : public ::testing::TestWithParam<std::string> {};
class LintCase : public ::testing::TestWithParam<std::string> {};

TEST_P(DatacontractCase, GivesTheExpectedResult) {
  const fs::path dir = corpus() / "datacontract" / GetParam();
  const json expected = read_json(dir / "expected.json");
  TempDir home;
  const auto run = run_bitter({"validate", "datacontract.yaml", "--compat", "--json"}, bitter_env(home.path()), dir);
  const json report = json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << "not JSON:\n" << run.out << run.err;
  EXPECT_EQ(report.value("result", ""), expected["result"].get<std::string>())
      << "why: " << expected["why"].get<std::string>() << "\nreport: " << report.dump(2) << "\n" << run.err;
  // The exit code follows the result as `datacontract test` does, except
  // that bitter keeps 2 for error (unusable input) apart from 1 (failed).
  const std::string r = expected["result"];
  const int want = r == "passed" || r == "warning" ? 0 : r == "failed" ? 1 : 2;
  EXPECT_EQ(run.exit_code, want);
}

TEST_P(LintCase, GivesTheExpectedVerdict) {
  const fs::path dir = corpus() / "lint" / GetParam();
  const json expected = read_json(dir / "expected.json");
  std::vector<std::string> args = {"lint", "datacontract.yaml", "--compat", "--json"};
  if (expected.contains("json_schema")) {
    args.push_back("--json-schema");
    args.push_back(expected["json_schema"]);
  }
  TempDir home;
  const auto run = run_bitter(args, bitter_env(home.path()), dir);
  const json report = json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << "not JSON:\n" << run.out << run.err;
  EXPECT_EQ(report["valid"], expected["valid"]) << "why: " << expected["why"] << "\nreport: " << report.dump(2);
  if (expected.contains("upstream_result")) EXPECT_EQ(report["result"], expected["upstream_result"]);
  EXPECT_EQ(run.exit_code, expected["valid"].get<bool>() ? 0 : 1);
}

std::string name_of(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  std::replace_if(n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(Shared, DatacontractCase, ::testing::ValuesIn(cases("datacontract")), name_of);
INSTANTIATE_TEST_SUITE_P(Shared, LintCase, ::testing::ValuesIn(cases("lint")), name_of);

// A corpus that silently shrank would pass every remaining case.
TEST(Corpus, IsComplete) {
  EXPECT_GE(cases("datacontract").size(), 80u);
  EXPECT_GE(cases("lint").size(), 17u);
}

}  // namespace
}  // namespace bt::testing
