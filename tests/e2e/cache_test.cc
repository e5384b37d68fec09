// End-to-end: the validated-tool cache. A hit skips the LLM but the tool
// still runs and is validated on the new input; a tool that fails there is
// evicted and the loop asks the LLM as if there had been no hit.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/e2e_fixture.h"

namespace bt::testing {
namespace {

using nlohmann::json;

// Correct for inputs that carry `n`, broken (nu error) for the others.
const std::string kToolNeedingN = R"(def main [] {
  let input = $in | from json
  let m = $input.message
  { success: true, data: { echo: $m, reversed: ($m | str reverse), length: $input.n, was_dry_run: false } } | to json -r
}
)";

class CacheE2E : public FakeLlmTest {
 protected:
  BitterRun run(const std::string& input, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", kEchoContract, "--task", "Echo the message", "--input", input,
                                     "--llm", "openai", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_bitter(args, env());
  }
};

TEST_F(CacheE2E, ASecondRunReusesTheToolButStillRunsAndValidatesIt) {
  llm_.script({{200, nu_answer(kGoodTool)}});
  auto first = run(R"({"message":"abc"})");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  const json one = json::parse(first.out);
  EXPECT_FALSE(one.contains("cached_from"));

  auto second = run(R"({"message":"hello"})");
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  const json two = json::parse(second.out);
  EXPECT_EQ(two["cached_from"], one["execution_id"]);
  EXPECT_EQ(two["output"]["data"]["reversed"], "olleh");  // computed now, on the new input
  EXPECT_EQ(llm_.requests().size(), 1u);

  auto ls = run_bitter({"cache", "ls", "--json"}, env());
  const json entries = json::parse(ls.out);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["hits"], 1);
  EXPECT_EQ(entries[0]["execution_id"], one["execution_id"]);
}

TEST_F(CacheE2E, AToolThatFailsOnTheNewInputIsEvictedAndTheLlmAsked) {
  llm_.script({{200, nu_answer(kToolNeedingN)}, {200, nu_answer(kGoodTool)}});
  auto first = run(R"({"message":"abc","n":3})");
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;

  auto second = run(R"({"message":"hello"})");
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  const json two = json::parse(second.out);
  EXPECT_FALSE(two.contains("cached_from"));
  EXPECT_EQ(two["output"]["data"]["length"], 5);
  EXPECT_EQ(llm_.requests().size(), 2u);
  ASSERT_EQ(two["attempts"].size(), 1u);  // the failed cache trial cost no attempt

  // The evicted entry was replaced by the tool that passed.
  auto ls = run_bitter({"cache", "ls", "--json"}, env());
  const json entries = json::parse(ls.out);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["execution_id"], two["execution_id"]);
  EXPECT_EQ(entries[0]["hits"], 0);
}

TEST_F(CacheE2E, NoCacheAndADifferentTaskBothAskTheLlm) {
  llm_.script({{200, nu_answer(kGoodTool)}}, /*repeat_last=*/true);
  ASSERT_EQ(run(R"({"message":"a"})").exit_code, 0);
  ASSERT_EQ(run(R"({"message":"b"})", {"--no-cache"}).exit_code, 0);
  EXPECT_EQ(llm_.requests().size(), 2u);
  auto other = run_bitter({"run", kEchoContract, "--task", "Echo the message, please", "--input",
                           R"({"message":"c"})", "--llm", "openai", "--json"},
                          env());
  ASSERT_EQ(other.exit_code, 0);
  EXPECT_EQ(llm_.requests().size(), 3u);
}

TEST_F(CacheE2E, PurgeEmptiesTheCache) {
  llm_.script({{200, nu_answer(kGoodTool)}});
  ASSERT_EQ(run(R"({"message":"a"})").exit_code, 0);
  auto purge = run_bitter({"cache", "purge"}, env());
  EXPECT_EQ(purge.exit_code, 0);
  EXPECT_NE(purge.out.find("removed 1"), std::string::npos) << purge.out;
  auto ls = run_bitter({"cache", "ls"}, env());
  EXPECT_NE(ls.out.find("empty"), std::string::npos) << ls.out;
  EXPECT_EQ(run_bitter({"cache"}, env()).exit_code, 2);  // a subcommand is required
}

}  // namespace
}  // namespace bt::testing
