// End-to-end: the real `bitter run` against a fake OpenAI-compatible server.
#include <signal.h>
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/e2e_fixture.h"
#include "support/processes.h"

namespace bt::testing {
namespace {

const std::string kContract = kEchoContract;

// The echo tool with a realistic bug: data.length is missing.
const std::string kToolWithoutLength = R"(def main [] {
  let input = $in | from json
  { success: true, data: { echo: $input.message, reversed: ($input.message | str reverse), was_dry_run: false } } | to json -r
}
)";

class LoopE2E : public FakeLlmTest {};

TEST_F(LoopE2E, HealsOnTheSecondAttemptAndFeedsBackTheErrorPath) {
  llm_.script({{200, nu_answer(kToolWithoutLength)}, {200, nu_answer(kGoodTool)}});
  auto r = run_bitter({"run", kContract, "--task", "Echo the input message back",
                       "--input", R"({"message":"hello world"})", "--llm", "openai", "--json"},
                      env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["state"], "SUCCESS");
  ASSERT_EQ(j["attempts"].size(), 2u);
  EXPECT_EQ(j["attempts"][0]["outcome"], "validate");
  EXPECT_EQ(j["output"]["data"]["length"], 11);
  EXPECT_EQ(j["output"]["data"]["reversed"], "dlrow olleh");

  auto requests = llm_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0]["model"], "fake-model");
  const std::string second = all_message_text(requests[1]);
  EXPECT_NE(second.find("$.data.length"), std::string::npos) << second;
  EXPECT_NE(second.find("Attempt 1 of 3"), std::string::npos) << second;
  EXPECT_EQ(all_message_text(requests[0]).find("$.data.length"), std::string::npos);

  // The accepted tool is kept; the workspaces are gone.
  EXPECT_TRUE(std::filesystem::exists(j["tool_path"].get<std::string>()));
  EXPECT_FALSE(std::filesystem::exists(home_.path() / "work" / j["execution_id"].get<std::string>()));
}

TEST_F(LoopE2E, AToolPrintingAbsurdlyNestedJsonIsFeedbackNotACrash) {
  // Generated code is hostile by assumption: its stdout must not be able to
  // overflow bitter's stack through a recursive JSON parser.
  const std::string deep = "def main [] {\n  print ((1..40000 | each { '[' } | str join) + (1..40000 | each { ']' } | str join))\n}\n";
  llm_.script({{200, nu_answer(deep)}, {200, nu_answer(kGoodTool)}});
  auto r = run_bitter({"run", kContract, "--task", "Echo the message", "--input", R"({"message":"x"})", "--llm",
                       "openai", "--json"},
                      env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["attempts"].size(), 2u);
  EXPECT_EQ(j["attempts"][0]["outcome"], "output");
  EXPECT_NE(j["attempts"][0]["summary"].get<std::string>().find("nests deeper than 128 levels"), std::string::npos)
      << j.dump(2);
}

TEST_F(LoopE2E, GivesUpAfterExactlyNAttemptsWithExit1) {
  llm_.script({{200, nu_answer(kToolWithoutLength)}}, /*repeat_last=*/true);
  auto r = run_bitter({"run", kContract, "--task", "Echo", "--input", R"({"message":"x"})",
                       "--llm", "openai", "--max-attempts", "4"},
                      env());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(llm_.requests().size(), 4u);
  EXPECT_NE(r.err.find("Escalation"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Fix the contract or the task"), std::string::npos);
  // Failed workspaces stay for inspection.
  EXPECT_TRUE(std::filesystem::exists(home_.path() / "work"));
}

TEST_F(LoopE2E, UnreachableLlmIsExit3WithoutRetryingForever) {
  int port;
  {
    FakeLlm gone;  // bind a port, then free it: nobody listens there now
    port = gone.port();
  }
  const auto started = std::chrono::steady_clock::now();
  auto r = run_bitter(
      {"run", kContract, "--task", "Echo", "--llm", "openai"},
      bitter_env(home_.path(), {"OPENAI_BASE_URL=http://127.0.0.1:" + std::to_string(port) + "/v1",
                                "BITTER_LLM_MODEL=m"}));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("unreachable"), std::string::npos) << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

// Unsandboxed (the tool can write pid files where we read them): the
// process-group and subreaper sweep must catch every process.
TEST_F(LoopE2E, ToolThatNeverEndsIsKilledWithEveryProcessItStarted) {
  TempDir pids;
  const std::string dir = pids.path().string();
  // Leaves a background child and a setsid escapee behind, then hangs.
  const std::string tool = "def main [] {\n  $nu.pid | save -f '" + dir + "/nu.pid'\n" +
                           "  ^sh -c 'sleep 1000 & echo $! > " + dir +
                           "/child.pid; setsid sleep 1000 & echo $! > " + dir +
                           "/escapee.pid; exec sleep 1000'\n}\n";
  llm_.script({{200, nu_answer(tool)}});
  const auto started = std::chrono::steady_clock::now();
  auto r = run_bitter({"run", kContract, "--task", "Echo", "--llm", "openai", "--max-attempts",
                       "1", "--timeout", "1", "--json", "--unsafe-no-sandbox",
                       // the code gate would stop this tool: audit mode
                       "--rules", (source_dir() / "tests/fixtures/gate/warn-only.yaml").string()},
                      env());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(15));
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["attempts"][0]["outcome"], "execute");
  EXPECT_NE(j["attempts"][0]["summary"].get<std::string>().find("did not finish"),
            std::string::npos);
  for (const char* name : {"nu.pid", "child.pid", "escapee.pid"}) {
    std::ifstream in(pids.path() / name);
    pid_t pid = 0;
    ASSERT_TRUE(in >> pid) << name << " was not written";
    EXPECT_FALSE(process_alive(pid)) << name << " " << pid << " survived";
    if (process_alive(pid)) ::kill(pid, SIGKILL);
  }
}

// Sandboxed, the tool sees neither our temp dir nor host pids, so we look for
// its processes by a marker argument on the host instead.
TEST_F(LoopE2E, SandboxedToolThatNeverEndsLeavesNoProcessBehind) {
  const std::string marker = "1000." + std::to_string(::getpid());
  ASSERT_EQ(processes_with(marker), 0);
  const std::string tool = "def main [] {\n  ^sh -c 'sleep " + marker + " & setsid sleep " +
                           marker + " & (sleep " + marker + " &); exec sleep " + marker +
                           "'\n}\n";
  llm_.script({{200, nu_answer(tool)}});
  const auto started = std::chrono::steady_clock::now();
  auto r = run_bitter({"run", kContract, "--task", "Echo", "--llm", "openai", "--max-attempts",
                       "1", "--timeout", "1", "--json",
                       "--rules", (source_dir() / "tests/fixtures/gate/warn-only.yaml").string()},
                      env());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(15));
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["attempts"][0]["outcome"], "execute");
  EXPECT_NE(j["attempts"][0]["summary"].get<std::string>().find("did not finish"),
            std::string::npos);
  EXPECT_EQ(processes_with(marker), 0) << "a process of the sandboxed tool survived";
}

TEST_F(LoopE2E, SandboxedToolHasNoNetworkAndSaysSo) {
  const std::string tool = "def main [] {\n  http get http://127.0.0.1:9/\n}\n";
  llm_.script({{200, nu_answer(tool)}});
  auto r = run_bitter({"run", kContract, "--task", "Echo", "--llm", "openai", "--max-attempts",
                       "1", "--json", "--rules", (source_dir() / "tests/fixtures/gate/warn-only.yaml").string()},
                      env());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto show = run_bitter({"show", nlohmann::json::parse(r.out)["execution_id"], "--json"}, env());
  EXPECT_NE(show.out.find("unreachable"), std::string::npos) << show.out;
}

TEST_F(LoopE2E, ConcurrentExecutionsEachSeeOnlyTheirOwnWorkspace) {
  // The tool leaves a marker in its working directory, waits, then reports
  // what it finds there: another execution's marker would show up.
  const std::string tool = R"(def main [] {
  let input = $in | from json
  $input.message | save marker.txt
  sleep 1sec
  let seen = (open marker.txt)
  let files = (ls | get name | sort | str join ",")
  { success: true, data: { echo: $seen, reversed: ($seen | str reverse), length: ($seen | str length), was_dry_run: false }, trace_id: $env.PWD, error: $files } | to json -r
}
)";
  FakeLlm other;
  llm_.script({{200, nu_answer(tool)}});
  other.script({{200, nu_answer(tool)}});
  BitterRun a, b;
  std::thread ta([&] {
    a = run_bitter({"run", kContract, "--task", "Echo", "--input", R"({"message":"alpha"})",
                    "--llm", "openai", "--json", "--keep"},
                   env());
  });
  std::thread tb([&] {
    b = run_bitter({"run", kContract, "--task", "Echo", "--input", R"({"message":"bravo"})",
                    "--llm", "openai", "--json", "--keep"},
                   bitter_env(home_.path(), {"OPENAI_BASE_URL=" + other.base_url(),
                                             "BITTER_LLM_MODEL=fake-model"}));
  });
  ta.join();
  tb.join();
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["output"]["data"]["echo"], "alpha");
  EXPECT_EQ(jb["output"]["data"]["echo"], "bravo");
  EXPECT_EQ(ja["output"]["error"], "marker.txt,tool.nu");
  EXPECT_EQ(jb["output"]["error"], "marker.txt,tool.nu");
  EXPECT_NE(ja["output"]["trace_id"], jb["output"]["trace_id"]);
  EXPECT_NE(ja["execution_id"], jb["execution_id"]);
  const std::string wa = ja["output"]["trace_id"], wb = jb["output"]["trace_id"];
  EXPECT_EQ(wa.rfind((home_.path() / "work").string(), 0), 0u) << wa;
  EXPECT_NE(wa.find(ja["execution_id"].get<std::string>()), std::string::npos);
  EXPECT_NE(wb.find(jb["execution_id"].get<std::string>()), std::string::npos);
}

TEST_F(LoopE2E, SyntaxErrorsAndMissingCodeBecomeFeedback) {
  llm_.script({{200, "I cannot write code today."},
               {200, nu_answer("def main [] {\n  let x = ($in | from json\n}\n")},
               {200, nu_answer(kGoodTool)}});
  auto r = run_bitter({"run", kContract, "--task", "Echo", "--input", R"({"message":"ab"})",
                       "--llm", "openai", "--json"},
                      env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["attempts"][0]["outcome"], "extract");
  EXPECT_EQ(j["attempts"][1]["outcome"], "syntax");
  auto requests = llm_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_NE(all_message_text(requests[1]).find("failed at stage \"extract\""), std::string::npos);
  const std::string third = all_message_text(requests[2]);
  EXPECT_NE(third.find("failed at stage \"syntax\""), std::string::npos) << third;
  EXPECT_NE(third.find("line "), std::string::npos);
}

TEST_F(LoopE2E, CutOffAnswerIsFeedbackNotSuccess) {
  llm_.script({{200, nu_answer(kGoodTool), "", "length"}, {200, nu_answer(kGoodTool)}});
  auto r = run_bitter({"run", kContract, "--task", "Echo", "--input", R"({"message":"ab"})",
                       "--llm", "openai", "--json"},
                      env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["attempts"][0]["outcome"], "generate");
  EXPECT_EQ(j["attempts"].size(), 2u);
}

TEST_F(LoopE2E, JournalRecordsEveryAttemptForShowAndList) {
  llm_.script({{200, nu_answer(kToolWithoutLength)}, {200, nu_answer(kGoodTool)}});
  auto r = run_bitter({"run", kContract, "--task", "Echo", "--input", R"({"message":"hey"})",
                       "--llm", "openai", "--json"},
                      env());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string id = nlohmann::json::parse(r.out)["execution_id"];

  auto show = run_bitter({"show", id.substr(0, 8), "--json"}, env());
  ASSERT_EQ(show.exit_code, 0) << show.err;
  auto s = nlohmann::json::parse(show.out);
  EXPECT_EQ(s["id"], id);
  EXPECT_EQ(s["state"], "SUCCESS");
  ASSERT_EQ(s["attempt_details"].size(), 2u);
  const auto& first = s["attempt_details"][0];
  EXPECT_EQ(first["outcome"], "validate");
  EXPECT_NE(first["feedback"].get<std::string>().find("$.data.length"), std::string::npos);
  std::vector<std::string> stages;
  for (const auto& st : first["stages"]) stages.push_back(st["stage"]);
  EXPECT_EQ(stages, (std::vector<std::string>{"generate", "extract", "syntax", "scan", "execute",
                                              "output", "validate"}));
  EXPECT_EQ(first["stages"][6]["detail"]["violations"][0]["path"], "$.data.length");

  auto human = run_bitter({"show", id}, env());
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("attempt 2: passed"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("input_gate"), std::string::npos) << human.out;

  auto list = run_bitter({"list", "--json"}, env());
  ASSERT_EQ(list.exit_code, 0);
  auto l = nlohmann::json::parse(list.out);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0]["id"], id);
  EXPECT_EQ(l[0]["state"], "SUCCESS");
}

}  // namespace
}  // namespace bt::testing
