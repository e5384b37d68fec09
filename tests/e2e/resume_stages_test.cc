// End-to-end (issue 6): kill -9 the real `bitter run` while it is inside each
// stage of an attempt, and inside the feedback step between attempts, then
// `bitter resume` with the same BITTER_HOME. The fake LLM counts requests: an
// answer the journal already holds must never be requested again.
//
// Generate, syntax and execute are slow in natural ways: the LLM holds its
// answer, the nu parser evaluates a `const`, the tool sleeps; for the last two
// the nu child is running when bitter dies. The other steps take
// microseconds (the code gate reads 4 MB of source in 0.1 s, while nu needs
// 12 s to parse it), so they are held by the engine's test knob
// BITTER_TEST_HOLD_STAGE (engine/context.h), which logs a marker we wait for:
// extract, scan, output, validate, the feedback step between attempts, and
// "finish" (the attempt recorded as passed, the execution not yet).
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/e2e_fixture.h"
#include "support/processes.h"
#include "support/started_bitter.h"

namespace bt::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// Echo tools: good, one that prints a document the contract rejects (no
// was_dry_run), one whose source the nu parser needs a while for (a const
// it evaluates at parse time), and one that sleeps.
std::string echo_tool(const std::string& before, const std::string& data) {
  return before +
         "def main [] {\n"
         "  let input = $in | from json\n"
         "  let m = $input.message\n"
         "  { success: true, data: { " +
         data +
         " } } | to json -r\n"
         "}\n";
}
const std::string kFull =
    "echo: $m, reversed: ($m | str reverse), length: ($m | str length), was_dry_run: false";
const std::string kRejected = "echo: $m, reversed: ($m | str reverse), length: ($m | str length)";
const std::string kSlowParse = "const warm_up = (1..2000000 | math sum)\n\n";

struct StageCase {
  std::string name;  // the stage killed in (the test name)
  std::function<std::vector<FakeAnswer>()> script;
  std::string hold;        // BITTER_TEST_HOLD_STAGE, "" = slow by nature
  int attempt = 1;         // the attempt being run at the kill
  std::string last_row;    // its last stage row at the kill ("" = none yet)
  std::string child_flag;  // the nu child that must be running at the kill ("" = none)
  size_t requests_at_kill = 1, requests_in_the_end = 1;
  int attempts = 1;             // in the end
  std::string outcome_at_kill;  // of that attempt ("" = not finished)
};

std::ostream& operator<<(std::ostream& os, const StageCase& c) { return os << c.name; }

FakeAnswer answer(const std::string& tool, milliseconds delay = milliseconds(0)) {
  return {200, nu_answer(tool), "", "stop", {}, delay};
}
const milliseconds kHeld(20'000);  // an LLM that holds its answer until the kill

const std::vector<StageCase> kCases = {
    {"generate",
     [] {
       return std::vector{answer(echo_tool("", kFull), kHeld), answer(echo_tool("", kFull))};
     },
     "", 1, "", "", 1, 2, 1},
    {"extract", [] { return std::vector{answer(echo_tool("", kFull))}; }, "extract", 1, "generate"},
    {"syntax", [] { return std::vector{answer(echo_tool(kSlowParse, kFull))}; }, "", 1, "extract",
     "--ide-check 20 "},
    {"scan", [] { return std::vector{answer(echo_tool("", kFull))}; }, "scan", 1, "syntax"},
    {"execute", [] { return std::vector{answer(kSlowGoodTool)}; }, "", 1, "scan", "--stdin "},
    {"output", [] { return std::vector{answer(echo_tool("", kFull))}; }, "output", 1, "execute"},
    {"validate", [] { return std::vector{answer(echo_tool("", kFull))}; }, "validate", 1, "output"},
    // Attempt 1's tool is rejected; killed while its feedback is being put
    // together: attempt 1 is redone from its recorded answer, then attempt 2
    // asks the LLM for the first time.
    {"feedback",
     [] {
       return std::vector{answer(echo_tool("", kRejected)), answer(echo_tool("", kFull))};
     },
     "feedback", 1, "validate", "", 1, 2, 2},
    // Killed after attempt 1's feedback was recorded, while attempt 2 waits
    // for its answer: attempt 1 is not redone, attempt 2 asks again.
    {"generate_after_feedback",
     [] {
       return std::vector{answer(echo_tool("", kRejected)), answer(echo_tool("", kFull), kHeld),
                          answer(echo_tool("", kFull))};
     },
     "", 2, "", "", 2, 3, 2},
    // The attempt passed and is recorded so, the execution is not yet: the
    // tool that passed is not bought again, and the end is SUCCESS.
    {"finish", [] { return std::vector{answer(echo_tool("", kFull))}; }, "finish", 1, "validate",
     "", 1, 1, 1, "passed"},
};

const std::vector<std::string> kPipeline = {"generate", "extract", "syntax",  "scan",
                                            "execute",  "output",  "validate"};

std::vector<std::string> names(const json& stages) {
  std::vector<std::string> out;
  for (const auto& s : stages) out.push_back(s["stage"]);
  return out;
}

class KillNineInAStage : public FakeLlmTest, public ::testing::WithParamInterface<StageCase> {
 protected:
  json show(const std::string& id) {
    auto r = run_bitter({"show", id, "--json"}, env());
    return json::parse(r.out, nullptr, false);
  }
  json list() {
    auto r = run_bitter({"list", "--json"}, env());
    return json::parse(r.out, nullptr, false);
  }
  // Live processes of this test's executions: every tool and syntax check
  // has a path under BITTER_HOME on its command line.
  int leftovers() { return processes_with(home_.path().string() + "/"); }
};

TEST_P(KillNineInAStage, ResumesOnceAndNeverRebuysAnAnswer) {
  const StageCase& c = GetParam();
  llm_.script(c.script());
  auto run_env = env();
  if (!c.hold.empty()) run_env.push_back("BITTER_TEST_HOLD_STAGE=" + c.hold);
  TempDir logs;
  StartedBitter run({"run", kEchoContract, "--task", "Echo the message", "--input",
                     R"({"message":"abc"})", "--llm", "openai", "--max-attempts", "3", "--json"},
                    run_env, logs.path());
  ASSERT_GT(run.pid(), 0);

  // Wait until bitter is inside the stage: its marker (knob), its nu child,
  // or the LLM request it is waiting for; the journal is checked below.
  const std::string marker = "BITTER_TEST_HOLD_STAGE: holding " + c.hold + " ";
  const std::string child = c.child_flag + home_.path().string() + "/";
  const bool inside = eventually(
      [&] {
        if (!run.running()) return true;  // ended on its own: fails below
        if (!c.hold.empty()) return run.stderr_text().find(marker) != std::string::npos;
        if (!c.child_flag.empty()) return processes_with(child) > 0;
        return llm_.requests().size() >= c.requests_at_kill;
      },
      milliseconds(30'000));
  ASSERT_TRUE(run.running()) << "bitter ended before it could be killed in " << c.name << ":\n"
                             << run.stdout_text() << run.stderr_text();
  ASSERT_TRUE(inside) << "bitter never reached " << c.name << ":\n" << run.stderr_text();
  const int status = run.kill9();
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  EXPECT_EQ(llm_.requests().size(), c.requests_at_kill);
  // The sandbox dies with bitter: no tool or syntax check outlives it. (The
  // nu child of syntax or execute would run on for a second or more.)
  EXPECT_TRUE(eventually([&] { return leftovers() == 0; }, milliseconds(500)))
      << leftovers() << " process(es) of the killed run survive it";

  // The journal says where it died: the stage before this one is recorded,
  // this one is not.
  const json rows = list();
  ASSERT_TRUE(rows.is_array() && rows.size() == 1u) << rows.dump(2);
  const std::string id = rows[0]["id"];
  EXPECT_EQ(rows[0]["state"], "FAILED");
  EXPECT_EQ(rows[0]["reason"].get<std::string>().rfind("interrupted", 0), 0u) << rows[0].dump(2);
  const json before = show(id);
  ASSERT_EQ(before["attempt_details"].size(), static_cast<size_t>(c.attempt)) << before.dump(2);
  const json& at_kill = before["attempt_details"][c.attempt - 1];
  EXPECT_EQ(at_kill["outcome"], c.outcome_at_kill) << at_kill.dump(2);
  const auto killed_rows = names(at_kill["stages"]);
  if (c.last_row.empty()) {
    EXPECT_TRUE(killed_rows.empty()) << at_kill.dump(2);
  } else {
    ASSERT_FALSE(killed_rows.empty()) << at_kill.dump(2);
    EXPECT_EQ(killed_rows.back(), c.last_row) << "killed in the wrong place:\n" << at_kill.dump(2);
  }
  const json earlier_attempts = c.attempt > 1 ? before["attempt_details"][0] : json();

  // Resume: it ends SUCCESS once, with no request for an answer on record.
  auto r = run_bitter({"resume", "--json"}, env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const json out = json::parse(r.out, nullptr, false);
  EXPECT_EQ(out["state"], "SUCCESS") << r.out;
  EXPECT_EQ(out["output"]["data"]["reversed"], "cba") << r.out;
  EXPECT_EQ(llm_.requests().size(), c.requests_in_the_end) << "an LLM answer was requested again";
  EXPECT_EQ(leftovers(), 0);

  auto again = run_bitter({"resume"}, env());
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("nothing to resume"), std::string::npos) << again.out;
  const json after_rows = list();
  ASSERT_EQ(after_rows.size(), 1u) << after_rows.dump(2);  // no second execution, none RUNNING
  EXPECT_EQ(after_rows[0]["state"], "SUCCESS");

  // The stage rows: what the killed run recorded stays as it was; the
  // resumed attempt runs the whole pipeline once more, from the recorded
  // answer when there is one; finished attempts are not redone.
  const json shown = show(id);
  EXPECT_EQ(shown["attempts"], c.attempts) << shown.dump(2);
  ASSERT_EQ(shown["attempt_details"].size(), static_cast<size_t>(c.attempts)) << shown.dump(2);
  if (c.attempt > 1) {
    EXPECT_EQ(shown["attempt_details"][0], earlier_attempts) << "a finished attempt was redone";
  }
  const json& resumed = shown["attempt_details"][c.attempt - 1];
  const auto all = names(resumed["stages"]);
  ASSERT_GE(all.size(), killed_rows.size());
  EXPECT_EQ(
      std::vector<std::string>(all.begin(), all.begin() + static_cast<long>(killed_rows.size())),
      killed_rows)
      << "the rows written before the kill changed";
  EXPECT_EQ(
      std::vector<std::string>(all.begin() + static_cast<long>(killed_rows.size()), all.end()),
      kPipeline)
      << resumed.dump(2);
  const json& regenerated = resumed["stages"][killed_rows.size()]["detail"];
  const bool answer_on_record = !killed_rows.empty();  // its generate row holds the answer
  EXPECT_EQ(regenerated.value("resumed", false), answer_on_record) << regenerated.dump(2);
  for (size_t k = c.attempt; k < shown["attempt_details"].size(); ++k)
    EXPECT_EQ(names(shown["attempt_details"][k]["stages"]), kPipeline)
        << shown["attempt_details"][k].dump(2);
  for (size_t k = 0; k + 1 < shown["attempt_details"].size(); ++k)
    EXPECT_EQ(shown["attempt_details"][k]["outcome"], "validate");
  EXPECT_EQ(shown["attempt_details"].back()["outcome"], "passed");

  // Killed while waiting for an answer: the request is made again, the same.
  if (!answer_on_record) {
    const auto asked = llm_.requests();
    ASSERT_EQ(asked.size(), c.requests_at_kill + 1);
    EXPECT_EQ(all_message_text(asked.back()), all_message_text(asked[c.requests_at_kill - 1]));
  }

  // After a failed attempt, the next request carries its feedback, even when
  // the process that wrote that feedback was killed.
  if (c.attempts > 1) {
    const std::string feedback = shown["attempt_details"][0]["feedback"];
    EXPECT_NE(feedback.find("was_dry_run"), std::string::npos) << feedback;
    EXPECT_NE(all_message_text(llm_.requests().back()).find(feedback), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(ResilienceE2E, KillNineInAStage, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<StageCase>& i) { return i.param.name; });

}  // namespace
}  // namespace bt::testing
