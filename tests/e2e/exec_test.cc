// End-to-end: `bitter exec FILE`, the real binary running one tool in the
// sandbox: runtime choice, input, limits, the --json report, exit codes.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/exec_process.h"

namespace bt::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Reads one JSON object from stdin and prints twice its "n".
const std::string kDoubler = "import json, sys\nprint(json.load(sys.stdin)['n'] * 2)\n";

class ExecE2E : public ::testing::Test {
 protected:
  fs::path tool(const std::string& name, const std::string& code) {
    return write_file(tools_.path(), name, code);
  }
  BitterRun exec(std::vector<std::string> args, const std::string& stdin_data = "") {
    args.insert(args.begin(), "exec");
    return call_bitter({args, bitter_env(home_.path()), stdin_data});
  }
  // `bitter exec ... --json`, parsed; fails the test if the output is not JSON.
  json exec_json(std::vector<std::string> args, int want_exit, const std::string& stdin_data = "") {
    args.push_back("--json");
    auto r = exec(std::move(args), stdin_data);
    EXPECT_EQ(r.exit_code, want_exit) << r.out << r.err;
    auto j = json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.out << r.err;
    return j.is_object() ? j : json::object();
  }
  TempDir home_, tools_;
};

TEST_F(ExecE2E, RuntimeComesFromTheExtension) {
  // Each line only its own runtime can print.
  const auto sh = tool("t.sh", "echo \"bash ${BASH_VERSINFO[0]}\"\n");
  const auto py = tool("t.py", "import sys\nprint('python', sys.version_info[0])\n");
  const auto nu = tool("t.nu", "print $\"nu (1 + 1)\"\n");
  EXPECT_EQ(exec_json({sh}, 0)["stdout"], "bash 5\n");
  EXPECT_EQ(exec_json({py}, 0)["stdout"], "python 3\n");
  EXPECT_EQ(exec_json({nu}, 0)["stdout"], "nu 2\n");
}

TEST_F(ExecE2E, RuntimeFlagOverridesTheExtension) {
  const auto txt = tool("script.txt", "echo \"bash ${BASH_VERSINFO[0]}\"\n");
  EXPECT_EQ(exec_json({txt, "--runtime", "bash"}, 0)["stdout"], "bash 5\n");
  const auto py_named = tool("really-bash.py", "echo \"bash ${BASH_VERSINFO[0]}\"\n");
  EXPECT_EQ(exec_json({py_named, "--runtime", "bash"}, 0)["stdout"], "bash 5\n");
  const auto nu_code = tool("script", "print $\"nu (2 + 2)\"\n");
  EXPECT_EQ(exec_json({nu_code, "--runtime", "nu"}, 0)["stdout"], "nu 4\n");
}

TEST_F(ExecE2E, BadUsageIsExit2WithAClearMessage) {
  const auto rb = tool("t.rb", "puts 1\n");
  auto r = exec({rb});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "bitter: error: cannot tell the runtime of " + rb.string() +
                       ": its extension is '.rb', not .nu, .py or .sh; pass --runtime "
                       "nu|python3|bash\n");
  const auto bare = tool("tool", "echo 1\n");
  r = exec({bare});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "bitter: error: cannot tell the runtime of " + bare.string() +
                       ": it has no extension (.nu, .py or .sh); pass --runtime nu|python3|bash\n");

  r = exec({rb, "--runtime", "ruby"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--runtime must be nu, python3 or bash"), std::string::npos) << r.err;

  const std::string missing = (tools_.path() / "missing.sh").string();
  r = exec({missing});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "bitter: error: cannot read " + missing + ": No such file or directory\n");

  const auto sh = tool("t.sh", "echo hi\n");
  r = exec({sh, "--input", "@" + (tools_.path() / "no-input.json").string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no-input.json"), std::string::npos) << r.err;
  r = exec({sh, "--timeout", "0"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--timeout must be positive"), std::string::npos) << r.err;
  r = exec({sh, "--memory", "8"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--memory must be at least 16"), std::string::npos) << r.err;

  // With --json the error is a JSON object too.
  auto j = exec_json({missing}, 2);
  EXPECT_EQ(j["exit_code"], 2);
  EXPECT_NE(j["error"].get<std::string>().find("missing.sh"), std::string::npos) << j.dump();
  // Nothing ran: no workspace was made.
  EXPECT_EQ(exec_workspaces(home_.path()), 0);
}

TEST_F(ExecE2E, InputIsJsonOrAFile) {
  const auto py = tool("double.py", kDoubler);
  EXPECT_EQ(exec_json({py, "--input", R"({"n": 21})"}, 0)["stdout"], "42\n");
  const auto input = write_file(tools_.path(), "in.json", R"({"n": 5})");
  EXPECT_EQ(exec_json({py, "--input", "@" + input.string()}, 0)["stdout"], "10\n");
}

TEST_F(ExecE2E, WithoutInputTheToolReadsOurStdin) {
  const auto py = tool("double.py", kDoubler);
  EXPECT_EQ(exec_json({py}, 0, R"({"n": 4})")["stdout"], "8\n");
  // Any bytes, not only JSON, pass through unchanged.
  const auto sh = tool("cat.sh", "exec /usr/bin/wc -c\n");
  EXPECT_EQ(exec_json({sh}, 0, std::string(100000, 'x'))["stdout"], "100000\n");
  // --input wins over our stdin.
  EXPECT_EQ(exec_json({py, "--input", R"({"n": 1})"}, 0, R"({"n": 4})")["stdout"], "2\n");
}

TEST_F(ExecE2E, TimeoutIsReportedAsALimitHit) {
  const auto sh = tool("hang.sh", "echo started\nexec /bin/sleep 30\n");
  const auto t0 = std::chrono::steady_clock::now();
  auto j = exec_json({sh, "--timeout", "0.5"}, 1);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_EQ(j["timed_out"], true);
  EXPECT_EQ(j["limit_hit"], "timeout");
  EXPECT_EQ(j["summary"], "timed out after 500 ms (killed)");
  EXPECT_EQ(j["stdout"], "started\n");
  EXPECT_GE(j["wall_ms"].get<long>(), 500);
  // A failed run keeps its workspace for inspection and says where.
  ASSERT_TRUE(j.contains("workspace")) << j.dump(2);
  EXPECT_TRUE(fs::exists(fs::path(j["workspace"].get<std::string>()) / "hang.sh"));

  auto r = exec({sh, "--timeout", "0.5"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "started\n");
  EXPECT_NE(r.err.find("bitter: timed out after 500 ms (killed)"), std::string::npos) << r.err;
}

TEST_F(ExecE2E, MemoryLimitIsAppliedAndReported) {
  // 400 MB, touched: far beyond 128 MB, well within the default 1024 MB.
  const auto py = tool("big.py", "b = b'x' * (400 << 20)\nprint(len(b))\n");
  auto small = exec_json({py, "--memory", "128"}, 1);
  EXPECT_EQ(small["limit_hit"], "memory") << small.dump(2);
  EXPECT_NE(small["summary"].get<std::string>().find("memory limit of 128 MB"), std::string::npos)
      << small.dump(2);
  EXPECT_NE(small["stderr"].get<std::string>().find("MemoryError"), std::string::npos);
  EXPECT_EQ(small["stdout"], "");

  auto roomy = exec_json({py}, 0);
  EXPECT_EQ(roomy["stdout"], std::to_string(400 << 20) + "\n");
  EXPECT_EQ(roomy["limit_hit"], "");
  EXPECT_GE(roomy["max_rss_kb"].get<long>(), 400L << 10);
}

TEST_F(ExecE2E, JsonReportsOutputStatusAndResourceUse) {
  const auto sh = tool("fails.sh", "echo out\necho err >&2\nexit 3\n");
  auto j = exec_json({sh}, 3);  // the tool's own exit status
  EXPECT_EQ(j["stdout"], "out\n");
  EXPECT_EQ(j["stderr"], "err\n");
  EXPECT_EQ(j["exit_code"], 3);
  EXPECT_EQ(j["signal"], "");
  EXPECT_EQ(j["timed_out"], false);
  EXPECT_EQ(j["limit_hit"], "");
  EXPECT_EQ(j["summary"], "exit 3");
  EXPECT_EQ(j["stdout_truncated"], false);
  EXPECT_EQ(j["isolated"], true);
  for (const char* k : {"wall_ms", "cpu_ms", "max_rss_kb"})
    EXPECT_TRUE(j[k].is_number_integer()) << k << ": " << j.dump(2);
  EXPECT_GT(j["max_rss_kb"].get<long>(), 0);

  // CPU time is the tool's: ~0.4 s of busy loop.
  const auto busy =
      tool("busy.py",
           "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass\n");
  auto b = exec_json({busy}, 0);
  EXPECT_GE(b["cpu_ms"].get<long>(), 350) << b.dump(2);
  EXPECT_GE(b["wall_ms"].get<long>(), 350) << b.dump(2);

  // Killed by a signal: named, a failure (exit 1), workspace kept.
  const auto sig = tool("term.sh", "kill -TERM $$\n");
  auto s = exec_json({sig}, 1);
  EXPECT_EQ(s["signal"], "SIGTERM");
  EXPECT_EQ(s["summary"], "killed by SIGTERM");
  EXPECT_TRUE(s.contains("workspace"));
}

TEST_F(ExecE2E, PlainOutputIsTheToolsWithASummaryOnStderr) {
  const auto sh = tool("ok.sh", "echo '{\"a\": 1}'\necho note >&2\n");
  auto r = exec({sh});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"a\": 1}\n");
  EXPECT_EQ(r.err.rfind("note\nbitter: exit 0 (wall ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(", sandboxed)"), std::string::npos) << r.err;
  // A clean run leaves no workspace behind.
  EXPECT_EQ(exec_workspaces(home_.path()), 0);
}

TEST_F(ExecE2E, TheToolSeesOnlyItsWorkspaceUnlessUnsafe) {
  const auto secret = write_file(tools_.path(), "secret.txt", "s3cret");
  const auto sh = tool("peek.sh", "/bin/cat " + secret.string() + " || echo blind\n");
  auto isolated = exec_json({sh}, 0);
  EXPECT_EQ(isolated["stdout"], "blind\n");
  EXPECT_EQ(isolated["isolated"], true);

  auto r = exec({sh, "--unsafe-no-sandbox", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["stdout"], "s3cret");
  EXPECT_EQ(j["isolated"], false);
  EXPECT_NE(r.err.find("warning: --unsafe-no-sandbox"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace bt::testing
