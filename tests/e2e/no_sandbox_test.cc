// End-to-end: bitter on a host that forbids namespaces. The real binary runs
// under tests/support/no_namespaces.cc, a seccomp filter that makes every
// namespace-creating clone/unshare fail with EPERM, as Docker's default
// profile and systemd's RestrictNamespaces= do. There `bitter doctor` says
// isolation is unavailable and run/exec refuse to run code unless
// --unsafe-no-sandbox is given.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/e2e_fixture.h"
#include "support/exec_process.h"

namespace bt::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kNoNamespaces = {NO_NAMESPACES_BINARY};

class NoSandboxE2E : public FakeLlmTest {
 protected:
  BitterRun bitter(std::vector<std::string> args, bool forbid = true) {
    return call_bitter(
        {std::move(args), env(), "", forbid ? kNoNamespaces : std::vector<std::string>{}});
  }
  // A tool that leaves a mark on the host when it runs there.
  fs::path marking_tool() {
    return write_file(tools_.path(), "mark.sh",
                      "echo ran > " + mark().string() + "\necho tool-output\n");
  }
  fs::path mark() const { return tools_.path() / "ran"; }
  std::vector<std::string> run_args() {
    return {"run",     kEchoContract,         "--task", "Echo the input message back",
            "--input", R"({"message":"hi"})", "--llm",  "openai",
            "--json"};
  }
  TempDir tools_;
};

TEST_F(NoSandboxE2E, DoctorSaysIsolationIsUnavailable) {
  auto r = bitter({"doctor", "--json"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  const auto j = json::parse(r.out)["sandbox"];
  EXPECT_EQ(j["usable"], false) << j.dump(2);
  for (const char* ns : {"user_ns", "pid_ns", "net_ns", "mount_ns"}) EXPECT_EQ(j[ns], false) << ns;
  EXPECT_NE(j["notes"].dump().find("Operation not permitted"), std::string::npos) << j.dump(2);

  // The same binary without the filter: the difference is the host, not bitter.
  auto here = bitter({"doctor", "--json"}, /*forbid=*/false);
  EXPECT_EQ(json::parse(here.out)["sandbox"]["usable"], true) << here.out;
}

TEST_F(NoSandboxE2E, ExecRefusesAndTheToolDoesNotRun) {
  auto r = bitter({"exec", marking_tool().string()});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(fs::exists(mark())) << "the tool ran without the sandbox";
  EXPECT_NE(r.err.find("sandbox"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Operation not permitted"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bitter doctor"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--unsafe-no-sandbox"), std::string::npos) << r.err;
}

TEST_F(NoSandboxE2E, ExecRunsUnisolatedOnlyWithTheUnsafeFlag) {
  auto r = bitter({"exec", marking_tool().string(), "--unsafe-no-sandbox", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["stdout"], "tool-output\n");
  EXPECT_EQ(j["isolated"], false);
  EXPECT_TRUE(fs::exists(mark()));
  EXPECT_NE(r.err.find("warning: --unsafe-no-sandbox"), std::string::npos) << r.err;
}

TEST_F(NoSandboxE2E, RunRefusesBeforeAnyLlmRequest) {
  llm_.script({{200, nu_answer(kGoodTool)}});
  auto r = bitter(run_args());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  const std::string all = r.out + r.err;
  EXPECT_NE(all.find("the sandbox is not available here"), std::string::npos) << all;
  EXPECT_NE(all.find("Operation not permitted"), std::string::npos) << all;
  EXPECT_NE(all.find("--unsafe-no-sandbox"), std::string::npos) << all;
  EXPECT_TRUE(llm_.requests().empty()) << "the LLM was asked for code that could not be run";
}

TEST_F(NoSandboxE2E, RunWithTheUnsafeFlagRunsUnisolatedAndSaysSo) {
  llm_.script({{200, nu_answer(kGoodTool)}});
  auto args = run_args();
  args.push_back("--unsafe-no-sandbox");
  auto r = bitter(args);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(json::parse(r.out)["output"]["data"]["echo"], "hi");
  EXPECT_EQ(llm_.requests().size(), 1u);
  EXPECT_NE(r.err.find("--unsafe-no-sandbox: generated tools run with bitter's privileges"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace bt::testing
