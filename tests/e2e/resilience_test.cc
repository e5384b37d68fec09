// End-to-end: a flaky or dead LLM endpoint and the execution deadline, with
// the real binary against the fake OpenAI-compatible server.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/e2e_fixture.h"
#include "support/started_bitter.h"

namespace bt::testing {
namespace {

using std::chrono::milliseconds;
using nlohmann::json;

class ResilienceE2E : public FakeLlmTest {
 protected:
  std::vector<std::string> env_with(std::vector<std::string> extra) {
    auto e = env();
    e.insert(e.end(), extra.begin(), extra.end());
    return e;
  }
  json show(const std::string& id) {
    auto r = run_bitter({"show", id, "--json"}, env());
    return json::parse(r.out, nullptr, false);
  }
};

const std::vector<std::string> kRun = {"run", kEchoContract, "--task", "Echo the message", "--input",
                                       R"({"message":"hi"})", "--llm", "openai", "--json"};

TEST_F(ResilienceE2E, TransientFaultsAreRetriedWithoutSpendingAnAttempt) {
  llm_.script({{429, "", R"({"error":{"message":"slow down"}})", "stop", {{"Retry-After", "1"}}},
               {500, "", R"({"error":{"message":"boom"}})"},
               {200, "", "this is not JSON at all"},
               {200, nu_answer(kGoodTool)}});
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_bitter(kRun, env_with({"BITTER_LLM_BACKOFF_MS=5", "BITTER_LLM_BACKOFF_CAP_MS=20"}));
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json out = json::parse(r.out);
  ASSERT_EQ(out["attempts"].size(), 1u);  // three faults, one attempt
  EXPECT_EQ(llm_.requests().size(), 4u);
  EXPECT_GE(took, milliseconds(1000)) << "Retry-After: 1 was not honoured";

  const json shown = show(out["execution_id"]);
  int retries = 0;
  for (const auto& a : shown["attempt_details"])
    for (const auto& s : a["stages"])
      if (s["stage"] == "llm_retry") ++retries;
  EXPECT_EQ(retries, 3) << shown.dump(2);
}

TEST_F(ResilienceE2E, TheBreakerOpensAndTheNextRunFailsFastWithoutARequest) {
  llm_.script({{503, "", R"({"error":{"message":"down"}})"}}, /*repeat_last=*/true);
  const auto env = env_with({"BITTER_LLM_BACKOFF_MS=1", "BITTER_LLM_RETRIES=5", "BITTER_BREAKER_THRESHOLD=3",
                             "BITTER_BREAKER_OPEN_S=600"});
  auto first = run_bitter(kRun, env);
  EXPECT_EQ(first.exit_code, 3) << first.out << first.err;
  EXPECT_EQ(llm_.requests().size(), 3u);  // the breaker stopped the retries at the threshold
  EXPECT_NE(first.out.find("circuit breaker open"), std::string::npos) << first.out;

  auto second = run_bitter(kRun, env);
  EXPECT_EQ(second.exit_code, 3);
  EXPECT_EQ(llm_.requests().size(), 3u) << "an open breaker must not send requests";
  EXPECT_NE(second.out.find("next probe at"), std::string::npos) << second.out;

  auto doctor = run_bitter({"doctor", "--json"}, env);
  const json d = json::parse(doctor.out, nullptr, false);
  ASSERT_TRUE(d.contains("breakers")) << doctor.out;
  ASSERT_EQ(d["breakers"].size(), 1u);
  EXPECT_EQ(d["breakers"][0]["state"], "open");
  EXPECT_EQ(d["breakers"][0]["endpoint"], llm_.base_url());
}

TEST_F(ResilienceE2E, AHangingLlmIsCutOffByTheDeadline) {
  llm_.script({{200, nu_answer(kGoodTool), "", "stop", {}, milliseconds(20'000)}});
  const auto t0 = std::chrono::steady_clock::now();
  auto args = kRun;
  args.insert(args.end(), {"--deadline", "1.5"});
  auto r = run_bitter(args, env());
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(took, milliseconds(5000));
  const json out = json::parse(r.out, nullptr, false);
  const json shown = show(out.value("execution_id", ""));
  EXPECT_EQ(shown["state"], "FAILED") << shown.dump(2);
  EXPECT_EQ(shown["reason"].get<std::string>().rfind("deadline", 0), 0u) << shown.dump(2);
}

TEST_F(ResilienceE2E, ASlowToolIsKilledAtTheDeadlineNotAtItsOwnTimeout) {
  const std::string slow = "def main [] {\n  sleep 30sec\n  {} | to json -r\n}\n";
  llm_.script({{200, nu_answer(slow)}});
  const auto t0 = std::chrono::steady_clock::now();
  auto args = kRun;
  args.insert(args.end(), {"--deadline", "3", "--timeout", "20"});
  auto r = run_bitter(args, env());
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(took, milliseconds(8000));
  const json out = json::parse(r.out, nullptr, false);
  const json shown = show(out.value("execution_id", ""));
  EXPECT_NE(shown["reason"].get<std::string>().find("deadline"), std::string::npos) << shown.dump(2);
  EXPECT_NE(shown["reason"].get<std::string>().find("execute"), std::string::npos) << shown.dump(2);
}

TEST_F(ResilienceE2E, LimitsThatCannotWorkAreRefusedBeforeAnyLlmCall) {
  llm_.script({{200, nu_answer(kGoodTool)}}, /*repeat_last=*/true);
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--timeout", "inf"}, {"--timeout", "1e-9"}, {"--deadline", "1e400"},
        {"--deadline", "0.0004"}, {"--generate-timeout", "-1"}, {"--memory", "0"}}) {
    auto args = kRun;
    args.insert(args.end(), bad.begin(), bad.end());
    auto r = run_bitter(args, env());
    EXPECT_EQ(r.exit_code, 2) << bad[0] << " " << bad[1] << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find(bad[0]), std::string::npos) << "the message must name the option\n" << r.out;
  }
  EXPECT_TRUE(llm_.requests().empty());
}

TEST_F(ResilienceE2E, BudgetsThatCannotFitAreReportedAtSubmission) {
  auto args = kRun;
  args.insert(args.end(), {"--deadline", "60", "--strict-budget"});
  auto r = run_bitter(args, env());
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("more than the deadline of 60 s"), std::string::npos) << r.out;
  EXPECT_TRUE(llm_.requests().empty());
}

TEST_F(ResilienceE2E, KillNineLeavesTheAnswerRecordedAndTheExecutionSettled) {
  const std::string slow = "def main [] {\n  sleep 30sec\n  {} | to json -r\n}\n";
  llm_.script({{200, nu_answer(slow)}});
  // Start bitter, wait until the tool runs (the LLM was asked), kill -9 it.
  TempDir logs;
  StartedBitter run({"run", kEchoContract, "--task", "Echo", "--input", R"({"message":"x"})", "--llm", "openai",
                     "--timeout", "30", "--json"},
                    env(), logs.path());
  ASSERT_GT(run.pid(), 0);
  for (int i = 0; i < 500 && llm_.requests().empty(); ++i) std::this_thread::sleep_for(milliseconds(10));
  std::this_thread::sleep_for(milliseconds(700));  // into the execute stage
  const int status = run.kill9();
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << run.stdout_text() << run.stderr_text();

  auto list = run_bitter({"list", "--json"}, env());
  const json rows = json::parse(list.out, nullptr, false);
  ASSERT_TRUE(rows.is_array() && rows.size() == 1u) << list.out << list.err;
  EXPECT_EQ(rows[0]["state"], "FAILED");
  EXPECT_EQ(rows[0]["reason"].get<std::string>().rfind("interrupted", 0), 0u) << rows[0].dump(2);
  const json shown = show(rows[0]["id"]);
  ASSERT_EQ(shown["attempt_details"].size(), 1u) << shown.dump(2);
  EXPECT_NE(shown["attempt_details"][0]["llm_text"].get<std::string>().find("sleep 30sec"), std::string::npos);
}

// Runs `bitter run ... --timeout 31` and kill -9s it `after` the LLM got
// `requests` requests; returns when it is dead.
void run_and_kill(FakeLlm& llm, const std::vector<std::string>& env, size_t requests, milliseconds after) {
  TempDir logs;
  StartedBitter run({"run", kEchoContract, "--task", "Echo", "--input", R"({"message":"abc"})", "--llm", "openai",
                     "--timeout", "31", "--json"},
                    env, logs.path());
  ASSERT_GT(run.pid(), 0);
  for (int i = 0; i < 1000 && llm.requests().size() < requests; ++i) std::this_thread::sleep_for(milliseconds(10));
  std::this_thread::sleep_for(after);
  const int status = run.kill9();
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << run.stdout_text() << run.stderr_text();
}

TEST_F(ResilienceE2E, ResumeAfterKillInExecuteDoesNotAskTheLlmAgain) {
  llm_.script({{200, nu_answer(kSlowGoodTool)}});
  run_and_kill(llm_, env(), 1, milliseconds(800));
  ASSERT_EQ(llm_.requests().size(), 1u);

  auto r = run_bitter({"resume", "--json"}, env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json out = json::parse(r.out);
  EXPECT_EQ(out["state"], "SUCCESS");
  EXPECT_EQ(out["output"]["data"]["reversed"], "cba");
  EXPECT_EQ(llm_.requests().size(), 1u) << "the recorded answer was requested again";

  // Resumed once: a second resume finds nothing, and the execution is done.
  auto again = run_bitter({"resume"}, env());
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("nothing to resume"), std::string::npos) << again.out;
  const json shown = show(out["execution_id"]);
  EXPECT_EQ(shown["state"], "SUCCESS");
  EXPECT_EQ(shown["attempts"], 1);
}

TEST_F(ResilienceE2E, ResumeAfterKillInGenerateAsksAgainAndFinishes) {
  llm_.script({{200, nu_answer(kGoodTool), "", "stop", {}, milliseconds(5000)}, {200, nu_answer(kGoodTool)}});
  run_and_kill(llm_, env(), 1, milliseconds(300));
  auto r = run_bitter({"resume", "--json"}, env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out)["state"], "SUCCESS");
  EXPECT_EQ(llm_.requests().size(), 2u);  // no answer had been recorded
}

TEST_F(ResilienceE2E, OnlyInterruptedExecutionsCanBeResumed) {
  llm_.script({{200, nu_answer(kGoodTool)}});
  auto done = run_bitter(kRun, env());
  ASSERT_EQ(done.exit_code, 0) << done.err;
  const std::string id = json::parse(done.out)["execution_id"];
  auto r = run_bitter({"resume", id}, env());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("only interrupted executions"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace bt::testing
