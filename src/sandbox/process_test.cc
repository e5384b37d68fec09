#include "sandbox/process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace bt::sandbox {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

ProcessSpec sh(const std::string& script, std::string stdin_data = {}) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.cwd = "/";
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.stdin_data = std::move(stdin_data);
  spec.timeout = 20s;
  return spec;
}

ProcessResult run_ok(const ProcessSpec& spec) {
  auto r = run_process(spec);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ProcessResult{};
}

// Dead means gone from /proc or a zombie (exited, not yet reaped). Polls for
// a moment: a SIGKILLed process needs a little time to be torn down.
bool pid_dead(pid_t pid) {
  const auto until = Clock::now() + 1s;
  for (;;) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in || stat.empty()) return true;
    const auto rparen = stat.rfind(')');
    if (rparen != std::string::npos && stat.size() > rparen + 2 && stat[rparen + 2] == 'Z')
      return true;
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(10ms);
  }
}

std::string tmp_dir() {
  char tmpl[] = "/tmp/bt-process-test-XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  EXPECT_NE(d, nullptr);
  return std::filesystem::canonical(d).string();
}

TEST(Process, StdinRoundTrip) {
  ProcessSpec spec;
  spec.argv = {"/bin/cat"};
  spec.stdin_data = "{\"a\": 1}\n";
  auto r = run_ok(spec);
  EXPECT_EQ(r.out, "{\"a\": 1}\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.term_signal, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_GT(r.pid, 0);
  EXPECT_EQ(r.describe(), "exit 0");
}

TEST(Process, EmptyStdinIsEof) {
  ProcessSpec spec;
  spec.argv = {"/bin/cat"};
  spec.timeout = 5s;
  auto r = run_ok(spec);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.out, "");
}

TEST(Process, ExitCodes) {
  auto r = run_ok(sh("echo oops >&2; exit 3"));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "oops\n");
  EXPECT_EQ(r.describe(), "exit 3");
}

TEST(Process, SignalDeath) {
  auto r = run_ok(sh("kill -SEGV $$"));
  EXPECT_EQ(r.term_signal, SIGSEGV);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.describe(), "killed by SIGSEGV");
  EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");
  EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
}

TEST(Process, ExecFailureIsInfraError) {
  ProcessSpec spec;
  spec.argv = {"/nonexistent/bitter-tool"};
  auto r = run_process(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::infra);
  EXPECT_EQ(r.error().message, "cannot start /nonexistent/bitter-tool: No such file or directory");

  const std::string dir = tmp_dir();
  const std::string file = dir + "/not-executable";
  std::ofstream(file) << "#!/bin/sh\n";
  ::chmod(file.c_str(), 0644);
  spec.argv = {file};
  r = run_process(spec);
  ASSERT_FALSE(r.ok());
  // Even root cannot execute a file without any x bit.
  EXPECT_EQ(r.error().message, "cannot start " + file + ": Permission denied");

  spec.argv = {"/bin/true"};
  spec.cwd = dir + "/missing";
  r = run_process(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cannot enter working directory " + dir + "/missing"),
            std::string::npos)
      << r.error().message;
  std::filesystem::remove_all(dir);

  spec.argv = {"true"};
  r = run_process(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::internal);
}

TEST(Process, LargeIoBothDirectionsDoesNotDeadlock) {
  // 1 MiB to stdout and 1 MiB to stderr before reading any stdin: without
  // concurrent draining both sides would block on full pipes.
  auto spec =
      sh("head -c 1048576 /dev/zero | tr '\\0' a; head -c 1048576 /dev/zero | tr '\\0' b >&2; "
         "wc -c | tr -d ' ' >&2",
         std::string(1 << 20, 'x'));
  spec.stdout_cap = 2 << 20;
  spec.stderr_cap = 2 << 20;
  const auto t0 = Clock::now();
  auto r = run_ok(spec);
  EXPECT_LT(Clock::now() - t0, 10s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string(1 << 20, 'a'));
  EXPECT_EQ(r.err, std::string(1 << 20, 'b') + "1048576\n");
  EXPECT_FALSE(r.stdout_truncated);
  EXPECT_FALSE(r.stderr_truncated);
}

TEST(Process, OutputCapTruncatesButKeepsDraining) {
  auto spec = sh("head -c 100000000 /dev/zero; echo tail >&2");
  spec.stdout_cap = 1 << 20;
  const auto t0 = Clock::now();
  auto r = run_ok(spec);
  EXPECT_LT(Clock::now() - t0, 10s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0);  // the child was never blocked or killed
  EXPECT_TRUE(r.stdout_truncated);
  EXPECT_FALSE(r.stderr_truncated);
  EXPECT_EQ(r.out, std::string(1 << 20, '\0') + "\n[bitter: output truncated at 1048576 bytes]");
  EXPECT_EQ(r.err, "tail\n");
}

TEST(Process, TimeoutKillsWithinDeadline) {
  auto spec = sh("echo started; sleep 30");
  spec.timeout = 500ms;
  const auto t0 = Clock::now();
  auto r = run_ok(spec);
  const auto took = Clock::now() - t0;
  EXPECT_TRUE(r.timed_out);
  EXPECT_GE(took, 500ms);
  EXPECT_LT(took, 800ms);
  EXPECT_EQ(r.term_signal, SIGKILL);
  EXPECT_EQ(r.out, "started\n");
  EXPECT_EQ(r.describe(), "timed out after 500 ms (killed)");
  EXPECT_TRUE(pid_dead(r.pid));
}

TEST(Process, CancelKillsTheTreeAtOnce) {
  auto spec = sh("sleep 100 & echo $!; sleep 30");
  spec.timeout = 20s;
  auto token = CancelToken::make();
  spec.cancel = token.get();
  std::thread canceller([&] {
    std::this_thread::sleep_for(300ms);
    token->cancel("killed by request");
  });
  const auto t0 = Clock::now();
  auto r = run_ok(spec);
  canceller.join();
  EXPECT_LT(Clock::now() - t0, 3s);
  EXPECT_TRUE(r.cancelled);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.limit_hit, "");
  EXPECT_EQ(r.describe(), "cancelled (killed)");
  EXPECT_TRUE(pid_dead(r.pid));
  const pid_t grandchild = std::atoi(r.out.c_str());
  ASSERT_GT(grandchild, 0) << r.out;
  EXPECT_TRUE(pid_dead(grandchild));
}

TEST(Process, BackgroundGrandchildHoldingStdoutIsKilled) {
  const auto t0 = Clock::now();
  auto r = run_ok(sh("sleep 100 & echo $!; echo hi"));
  EXPECT_LT(Clock::now() - t0, 3s);
  EXPECT_EQ(r.exit_code, 0);
  std::istringstream lines(r.out);
  pid_t grandchild = 0;
  std::string hi;
  lines >> grandchild >> hi;
  ASSERT_GT(grandchild, 0) << r.out;
  EXPECT_EQ(hi, "hi");
  EXPECT_TRUE(pid_dead(grandchild));
}

TEST(Process, SetsidEscapeeIsKilled) {
  // The escapee starts its own session (so kill(-pgid) misses it), drops our
  // pipes and writes its pid to a file; the child waits for that file.
  const std::string dir = tmp_dir();
  const std::string pidfile = dir + "/pid";
  auto spec =
      sh("setsid sh -c 'echo $$ > \"$0.tmp\"; mv \"$0.tmp\" \"$0\"; exec sleep 100' \"$1\" "
         "</dev/null >/dev/null 2>&1 &\n"
         "while [ ! -s \"$1\" ]; do sleep 0.01; done; echo spawned");
  spec.argv.push_back("sh");
  spec.argv.push_back(pidfile);
  const auto t0 = Clock::now();
  auto r = run_ok(spec);
  EXPECT_LT(Clock::now() - t0, 5s);
  EXPECT_EQ(r.out, "spawned\n");
  pid_t escapee = 0;
  std::ifstream(pidfile) >> escapee;
  ASSERT_GT(escapee, 0);
  EXPECT_TRUE(pid_dead(escapee));
  std::filesystem::remove_all(dir);
}

TEST(Process, ChildClosingStdinDoesNotKillUs) {
  auto r = run_ok(sh("exec 0<&-; echo done", std::string(10 << 20, 'x')));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "done\n");
}

TEST(Process, EnvironmentIsExactlyWhatWasPassed) {
  ::setenv("BITTER_TEST_SECRET", "sk-should-not-leak", 1);
  ProcessSpec spec;
  spec.argv = {"/usr/bin/env"};
  spec.env = {"A=1", "B=two words"};
  auto r = run_ok(spec);
  ::unsetenv("BITTER_TEST_SECRET");
  EXPECT_EQ(r.out, "A=1\nB=two words\n");
}

TEST(Process, CwdHonoured) {
  const std::string dir = tmp_dir();
  ProcessSpec spec;
  spec.argv = {"/bin/pwd"};
  spec.cwd = dir;
  auto r = run_ok(spec);
  EXPECT_EQ(r.out, dir + "\n");
  std::filesystem::remove_all(dir);
}

TEST(Process, ChildStartsClean) {
  // A leaked descriptor of ours (not CLOEXEC) must not reach the child.
  const int leaked = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(leaked, 3);
  ProcessSpec spec;
  spec.argv = {"/bin/ls", "/proc/self/fd"};
  auto r = run_ok(spec);
  ::close(leaked);
  EXPECT_EQ(r.out, "0\n1\n2\n3\n");  // 3 is ls's own handle on the directory

  // Signals: nothing ignored (we ignore SIGPIPE ourselves), nothing blocked.
  spec.argv = {"/bin/grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"};
  r = run_ok(spec);
  EXPECT_EQ(r.out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");

  // Own session and process group: pid == pgrp == session.
  spec.argv = {"/bin/cat", "/proc/self/stat"};
  r = run_ok(spec);
  std::istringstream stat(r.out.substr(r.out.rfind(')') + 2));
  char state = 0;
  long ppid = 0, pgrp = 0, session = 0;
  stat >> state >> ppid >> pgrp >> session;
  EXPECT_EQ(pgrp, r.pid);
  EXPECT_EQ(session, r.pid);
  EXPECT_EQ(ppid, ::getpid());
}

TEST(Process, ConcurrentRunsKeepTheirOwnOutput) {
  constexpr int kThreads = 6;
  std::vector<std::thread> threads;
  std::vector<std::string> outs(kThreads), errs(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([i, &outs, &errs] {
      for (int round = 0; round < 3; ++round) {
        const std::string data(100000 + i, static_cast<char>('a' + i));
        // A background sleeper in every run exercises the orphan sweeps
        // running concurrently with other threads' live children.
        auto r = run_process(sh("sleep 50 & cat; echo " + std::to_string(i) + " >&2", data));
        if (!r) return;
        if (r->out != data) outs[i] = "mismatch: " + r->out.substr(0, 40);
        errs[i] += r->err;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(outs[i], "") << i;
    const std::string n = std::to_string(i) + "\n";
    EXPECT_EQ(errs[i], n + n + n) << i;
  }
}

TEST(Process, RusageForBusyChild) {
  auto r = run_ok(sh("i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; echo $i"));
  EXPECT_EQ(r.out, "100000\n");
  EXPECT_GT(r.cpu.count(), 0);
  EXPECT_GT(r.max_rss_kb, 0);
  EXPECT_GT(r.wall.count(), 0);
}

}  // namespace
}  // namespace bt::sandbox
