// End-to-end: what `bitter run` and `bitter exec` do with the data dir before
// they start: the janitor sweeps old failed workspaces, and the disk
// pre-flight stops them, before any LLM request, when space is short.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/e2e_fixture.h"
#include "support/exec_process.h"

namespace bt::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;

// More than any file system here has: 100 PB.
const std::string kHugeMinimum = "BITTER_MIN_FREE_MB=100000000000";

class WorkspaceE2E : public FakeLlmTest {
 protected:
  fs::path work() const { return home_.path() / "work"; }
  // A failed execution's workspace as the loop leaves it, last modified `age` ago.
  fs::path leftover(const std::string& id, hours age) {
    const fs::path dir = work() / id / "1" / "0";
    fs::create_directories(dir);
    std::ofstream(dir / "tool.nu") << "print 1\n";
    fs::last_write_time(work() / id, fs::file_time_type::clock::now() - age);
    return work() / id;
  }
  BitterRun exec_ok(const std::vector<std::string>& extra_env) {
    const auto sh = write_file(tools_.path(), "ok.sh", "echo ok\n");
    return call_bitter({{"exec", sh.string()}, bitter_env(home_.path(), extra_env)});
  }
  BitterRun run_echo(const std::vector<std::string>& extra_env) {
    auto e = env();
    e.insert(e.end(), extra_env.begin(), extra_env.end());
    return run_bitter({"run", kEchoContract, "--task", "Echo the input message back", "--input",
                       R"({"message":"hi"})", "--llm", "openai", "--json"},
                      e);
  }
  TempDir tools_;
};

TEST_F(WorkspaceE2E, ExecSweepsFailedWorkspacesOlderThanTheRetention) {
  const auto old = leftover("old-failed", hours(50));
  const auto young = leftover("young-failed", hours(10));
  std::ofstream(work() / "notes.txt") << "not a workspace";
  fs::last_write_time(work() / "notes.txt", fs::file_time_type::clock::now() - hours(1000));

  auto r = exec_ok({"BITTER_WORKSPACE_RETENTION_HOURS=24"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok\n");
  EXPECT_FALSE(fs::exists(old));
  EXPECT_TRUE(fs::exists(young / "1" / "0" / "tool.nu"));
  EXPECT_TRUE(fs::exists(work() / "notes.txt"));
}

TEST_F(WorkspaceE2E, RunSweepsAtStartUpWithTheDefaultRetentionOf72Hours) {
  const auto old = leftover("old-failed", hours(73));
  const auto young = leftover("young-failed", hours(71));
  llm_.script({{200, nu_answer(kGoodTool)}});
  auto r = run_echo({});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(fs::exists(old));
  EXPECT_TRUE(fs::exists(young));
}

TEST_F(WorkspaceE2E, ALongerRetentionKeepsThem) {
  const auto old = leftover("old-failed", hours(100));
  const auto ancient = leftover("ancient-failed", hours(24 * 365));
  auto r = exec_ok({"BITTER_WORKSPACE_RETENTION_HOURS=9999999"});  // "for ever"
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(old));
  EXPECT_TRUE(fs::exists(ancient));
  r = exec_ok({"BITTER_WORKSPACE_RETENTION_HOURS=200"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(old));
  EXPECT_FALSE(fs::exists(ancient));
}

TEST_F(WorkspaceE2E, RunStopsBeforeAnyLlmRequestWhenTheDiskIsShort) {
  llm_.script({{200, nu_answer(kGoodTool)}});
  auto r = run_echo({kHugeMinimum});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  const std::string said = r.out + r.err;
  EXPECT_NE(said.find("MB free on the file system of " + home_.path().string()), std::string::npos)
      << said;
  EXPECT_NE(said.find("needs at least 100000000000 MB"), std::string::npos) << said;
  EXPECT_NE(said.find("BITTER_MIN_FREE_MB"), std::string::npos) << said;
  EXPECT_TRUE(llm_.requests().empty()) << "the LLM was asked although the run could not go on";
  EXPECT_FALSE(fs::exists(work()));

  // The default minimum (100 MB) is there: the same run goes through.
  auto ok = run_echo({});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(llm_.requests().size(), 1u);
}

TEST_F(WorkspaceE2E, ExecStopsBeforeRunningTheToolWhenTheDiskIsShort) {
  auto r = exec_ok({kHugeMinimum});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(r.out, "");  // the tool did not run
  EXPECT_NE(r.err.find("BITTER_MIN_FREE_MB"), std::string::npos) << r.err;
  EXPECT_EQ(exec_workspaces(home_.path()), 0);
}

}  // namespace
}  // namespace bt::testing
