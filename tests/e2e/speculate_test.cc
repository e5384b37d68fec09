// End-to-end: speculative candidates (--speculate K) and killing a running
// execution (SIGINT/SIGTERM → KILLED), with the real binary against the fake
// OpenAI-compatible server.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sandbox/process.h"
#include "support/e2e_fixture.h"
#include "support/processes.h"

namespace bt::testing {
namespace {

using std::chrono::milliseconds;
using nlohmann::json;

// The echo tool without data.length: fails the contract.
const std::string kNoLength = R"(def main [] {
  let m = ($in | from json).message
  { success: true, data: { echo: $m, reversed: ($m | str reverse), was_dry_run: false } } | to json -r
}
)";

class SpeculateE2E : public FakeLlmTest {
 protected:
  json show(const std::string& id) {
    auto r = run_bitter({"show", id, "--json"}, env());
    return json::parse(r.out, nullptr, false);
  }
  static int candidate_of(const json& request) { return request.value("seed", 0) % 1000; }
};

void write_text(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

std::vector<std::string> run_args(std::vector<std::string> extra) {
  std::vector<std::string> a = {"run", kEchoContract, "--task", "Echo the message", "--input",
                                R"({"message":"hi"})", "--llm", "openai", "--json"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

TEST_F(SpeculateE2E, TheFirstCandidateToPassWinsAndTheOthersAreCancelled) {
  // Candidate 2 answers well at once; 0 and 1 hang for 20 s. Waiting for
  // them would take 20 s: the winner must cancel their requests.
  llm_.respond([](const json& req) -> FakeAnswer {
    if (candidate_of(req) == 2) return {200, nu_answer(kGoodTool)};
    FakeAnswer slow{200, nu_answer(kGoodTool)};
    slow.delay = milliseconds(20'000);
    return slow;
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_bitter(run_args({"--speculate", "3"}), env());
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_LT(took, milliseconds(10'000)) << "the losing candidates were waited for";
  const json out = json::parse(r.out);
  EXPECT_EQ(out["state"], "SUCCESS");
  EXPECT_EQ(out["attempts"].size(), 1u);

  // Three requests, each with its own seed and approach.
  const auto requests = llm_.requests();
  ASSERT_EQ(requests.size(), 3u);
  std::set<int> seeds;
  std::set<std::string> prompts;
  for (const auto& q : requests) {
    seeds.insert(q.value("seed", -1));
    prompts.insert(all_message_text(q));
  }
  EXPECT_EQ(seeds.size(), 3u);
  EXPECT_EQ(prompts.size(), 3u) << "candidates were asked the same thing";

  // The journal says who won and why the others stopped.
  const json shown = show(out["execution_id"]);
  int cancelled = 0;
  bool winner_validated = false;
  for (const auto& s : shown["attempt_details"][0]["stages"]) {
    if (s["stage"] == "cancelled") {
      ++cancelled;
      EXPECT_NE(s["candidate"], 2) << s.dump();
      EXPECT_NE(s["detail"]["summary"].get<std::string>().find("candidate 2 passed first"), std::string::npos);
    }
    if (s["stage"] == "validate" && s["ok"] == true) winner_validated = s["candidate"] == 2;
  }
  EXPECT_EQ(cancelled, 2) << shown.dump(2);
  EXPECT_TRUE(winner_validated) << shown.dump(2);
}

TEST_F(SpeculateE2E, LosersRunningTheirToolAreKilledAndWriteNothingLate) {
  // Candidates 0 and 1 answer at once with a tool that runs for 30 s;
  // candidate 2 answers a good tool a little later and wins while the
  // others' tools are running. Their processes must die with the race.
  const std::string slow = "def main [] {\n  sleep 30sec\n  {} | to json -r\n}\n";
  llm_.respond([&](const json& req) -> FakeAnswer {
    if (candidate_of(req) != 2) return {200, nu_answer(slow)};
    FakeAnswer later{200, nu_answer(kGoodTool)};
    later.delay = milliseconds(800);
    return later;
  });
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_bitter(run_args({"--speculate", "3", "--timeout", "40"}), env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(15'000)) << "the losers' tools were waited for";
  const json out = json::parse(r.out);
  const std::string id = out["execution_id"];
  // No process of this execution (its workspace path holds the id) is left.
  EXPECT_EQ(processes_with(id), 0) << "a losing candidate's tool survived";
  // The losers were cancelled while executing, and nothing is written after the end.
  const json shown = show(id);
  const json& stages = shown["attempt_details"][0]["stages"];
  int cancelled_in_execute = 0;
  for (const auto& s : stages)
    if (s["stage"] == "cancelled" && s["detail"]["stage"] == "execute") ++cancelled_in_execute;
  EXPECT_EQ(cancelled_in_execute, 2) << stages.dump(1);
  std::this_thread::sleep_for(milliseconds(500));
  EXPECT_EQ(show(id)["attempt_details"][0]["stages"].size(), stages.size()) << "a stage was written after the end";
}

TEST_F(SpeculateE2E, WhenAllCandidatesFailTheNextAttemptHearsEachOfThem) {
  int calls = 0;
  llm_.respond([&calls](const json&) -> FakeAnswer {
    // Attempt 1 (the first two requests): both candidates miss data.length.
    return {200, nu_answer(++calls <= 2 ? kNoLength : kGoodTool)};
  });
  auto r = run_bitter(run_args({"--speculate", "2"}), env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json out = json::parse(r.out);
  ASSERT_EQ(out["attempts"].size(), 2u) << out.dump(2);
  EXPECT_EQ(out["attempts"][0]["outcome"], "validate");

  const auto requests = llm_.requests();
  ASSERT_GE(requests.size(), 3u);
  const std::string second = all_message_text(requests[2]);
  EXPECT_NE(second.find("All 2 candidates of attempt 1"), std::string::npos) << second;
  EXPECT_NE(second.find("--- candidate 0 ---"), std::string::npos);
  EXPECT_NE(second.find("--- candidate 1 ---"), std::string::npos);
  EXPECT_NE(second.find("length"), std::string::npos);
}

TEST_F(SpeculateE2E, SpeculateOutsideItsRangeIsRefusedBeforeAnyRequest) {
  llm_.script({{200, nu_answer(kGoodTool)}});
  for (const char* bad : {"0", "9"}) {
    auto r = run_bitter(run_args({"--speculate", bad}), env());
    EXPECT_EQ(r.exit_code, 2) << bad << r.out << r.err;
  }
  EXPECT_TRUE(llm_.requests().empty());
}

// Starts `bitter run` (marked by --timeout 40+sig so pkill finds only it, not
// the run of a test beside it), waits until the LLM was asked, waits
// `after`, sends `sig`; returns its result.
sandbox::ProcessResult run_and_signal(FakeLlm& llm, const std::vector<std::string>& env, int sig, milliseconds after,
                                      std::vector<std::string> extra = {}) {
  sandbox::ProcessSpec spec;
  spec.argv = {BITTER_BINARY, "run", kEchoContract, "--task", "Echo", "--input", R"({"message":"abc"})", "--llm",
               "openai", "--timeout", std::to_string(40 + sig), "--json"};
  spec.argv.insert(spec.argv.end(), extra.begin(), extra.end());
  spec.env = env;
  spec.cwd = source_dir().string();
  spec.timeout = milliseconds(60'000);
  std::thread signaller([&] {
    for (int i = 0; i < 1000 && llm.requests().empty(); ++i) std::this_thread::sleep_for(milliseconds(10));
    std::this_thread::sleep_for(after);
    (void)std::system(
        fmt::format("pkill -{} -f 'bitter run .*--timeout {} '", sig, 40 + sig).c_str());
  });
  auto r = sandbox::run_process(spec);
  signaller.join();
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : sandbox::ProcessResult{};
}

TEST_F(SpeculateE2E, SigintDuringTheLlmRequestEndsTheExecutionKilled) {
  FakeAnswer hang{200, nu_answer(kGoodTool)};
  hang.delay = milliseconds(30'000);
  llm_.script({hang});
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_and_signal(llm_, env(), SIGINT, milliseconds(200));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(10'000)) << "the request was not aborted";
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  const json out = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(out.is_object()) << r.out << r.err;
  EXPECT_EQ(out["state"], "KILLED");

  auto list = run_bitter({"list", "--json"}, env());
  const json rows = json::parse(list.out, nullptr, false);
  ASSERT_TRUE(rows.is_array() && rows.size() == 1u) << list.out;
  EXPECT_EQ(rows[0]["state"], "KILLED");
  EXPECT_EQ(rows[0]["reason"], "killed: received SIGINT") << rows[0].dump(2);
}

TEST_F(SpeculateE2E, SigtermDuringExecuteKillsTheToolAndEveryProcessItStarted) {
  // The code gate would block the shell; audit mode lets it run so the
  // sandbox and the kill are what is tested.
  const std::string slow = "def main [] {\n  ^sh -c 'sleep 4517 & sleep 4518'\n  {} | to json -r\n}\n";
  llm_.script({{200, nu_answer(slow)}});
  const auto rules = home_.path() / "audit.yaml";
  write_text(rules, "rules:\n  - id: \"*\"\n    severity: warn\n");
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run_and_signal(llm_, env(), SIGTERM, milliseconds(1500), {"--root", "/", "--rules", rules.string()});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(15'000));
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  const json out = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(out.is_object()) << r.out << r.err;
  EXPECT_EQ(out["state"], "KILLED");
  EXPECT_EQ(out["error"], "received SIGTERM");
  // No sleep the tool started outlives the kill.
  EXPECT_EQ(processes_with("sleep 4517"), 0) << "an orphan survived";
  EXPECT_EQ(processes_with("sleep 4518"), 0) << "an orphan survived";
}

}  // namespace
}  // namespace bt::testing
