// The sandbox against hostile tools: each test runs a small script (sh, bash,
// python3 or nu) isolated and checks that what it tried did not work.
#include "sandbox/isolate.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "sandbox/fd.h"
#include "sandbox/process.h"
#include "sandbox/runtime.h"
#include "support/processes.h"

namespace bt::sandbox {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using bt::testing::processes_with;

struct Scratch {
  fs::path dir;
  Scratch() {
    char tmpl[] = "/tmp/bt-isolate-test-XXXXXX";
    dir = fs::canonical(::mkdtemp(tmpl));
    fs::create_directories(dir / "work" / "a");
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path ws() const { return dir / "work" / "a"; }
};

ProcessSpec isolated(const fs::path& ws, std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.cwd = ws.string();
  spec.env = minimal_env(ws);
  spec.timeout = 20s;
  Isolation iso;
  iso.workspace = ws.string();
  iso.limits.memory_bytes = 512ULL << 20;
  iso.limits.fsize_bytes = 1 << 20;
  iso.limits.nproc = 32;
  iso.limits.cpu_seconds = 10;
  spec.isolation = iso;
  return spec;
}

ProcessResult run(const ProcessSpec& spec) {
  auto r = run_process(spec);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : ProcessResult{};
}

ProcessResult sh(const fs::path& ws, const std::string& script) {
  return run(isolated(ws, {"/bin/sh", "-c", script}));
}

TEST(Isolate, TrueRunsAndReportsExitCode) {
  Scratch s;
  auto r = sh(s.ws(), "echo hi; echo err >&2; exit 3");
  EXPECT_EQ(r.out, "hi\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(r.isolated);
  EXPECT_EQ(r.limit_hit, "");
}

TEST(Isolate, ToolIsPidOneChildInItsOwnNamespaces) {
  Scratch s;
  auto r = sh(s.ws(), "echo $$; hostname; id -u; pwd");
  EXPECT_EQ(r.out, "2\nsandbox\n65534\n" + s.ws().string() + "\n") << r.err;
}

// What the kernel says about the tool itself (grep, which leaves its signal
// mask alone, unlike a shell): no capability in any set, no way to regain
// one, the filter installed, and no signal blocked or ignored.
TEST(Isolate, ToolStartsWithNoPrivilegesAndDefaultSignals) {
  Scratch s;
  auto r = run(isolated(
      s.ws(),
      {"/bin/grep", "-E", "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|SigBlk|SigIgn):",
       "/proc/self/status"}));
  EXPECT_EQ(r.out,
            "SigBlk:\t0000000000000000\n"
            "SigIgn:\t0000000000000000\n"
            "CapInh:\t0000000000000000\n"
            "CapPrm:\t0000000000000000\n"
            "CapEff:\t0000000000000000\n"
            "CapBnd:\t0000000000000000\n"
            "CapAmb:\t0000000000000000\n"
            "NoNewPrivs:\t1\n"
            "Seccomp:\t2\n")
      << r.err;
}

ProcessResult py(const fs::path& ws, const std::string& code) {
  return run(isolated(ws, {"/usr/bin/python3", "-I", "-c", code}));
}

std::string nu_path() {
  auto nu = find_nu("");
  EXPECT_TRUE(nu.found) << "nu not found; set BITTER_NU";
  return nu.found ? nu.found->string() : "/nonexistent/nu";
}

ProcessSpec nu_spec(const fs::path& ws, const std::string& code, const std::string& input) {
  std::ofstream(ws / "tool.nu") << code;
  const std::string nu = nu_path();
  auto spec = isolated(ws, {nu, "--no-config-file", "--stdin", (ws / "tool.nu").string()});
  spec.isolation->ro_paths = {nu};
  spec.stdin_data = input;
  return spec;
}

TEST(Isolate, NoNetworkEvenToTheHostLoopback) {
  Scratch s;
  Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener.get(), 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  for (const char* host : {"127.0.0.1", "127.0.0.2"}) {
    auto r = run(isolated(s.ws(), {"/bin/bash", "-c",
                                   "exec 3<>/dev/tcp/" + std::string(host) + "/" +
                                       std::to_string(port) + " && echo connected"}));
    EXPECT_NE(r.exit_code, 0) << host;
    EXPECT_EQ(r.out, "") << host;
    EXPECT_NE(r.err.find("Network is unreachable"), std::string::npos) << host << ": " << r.err;
  }
}

TEST(Isolate, OnlyLoopbackInterfaceAndItIsDown) {
  Scratch s;
  auto r = py(s.ws(),
              "import socket\n"
              "print(sorted(n for _, n in socket.if_nameindex()))\n"
              "import fcntl, struct\n"
              "f = fcntl.ioctl(socket.socket(), 0x8913, struct.pack('256s', b'lo'))\n"
              "print('up' if struct.unpack('H', f[16:18])[0] & 1 else 'down')\n");
  EXPECT_EQ(r.out, "['lo']\ndown\n") << r.err;
}

TEST(Isolate, HostSecretsAndHomeAreInvisible) {
  Scratch s;
  auto r =
      sh(s.ws(), "cat /etc/shadow; ls /root; ls " + s.dir.string() + "/work/..; ls /; echo done");
  EXPECT_NE(r.err.find("/etc/shadow: No such file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/root"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("shadow"), std::string::npos);
  EXPECT_NE(r.out.find("done"), std::string::npos);
  // The root holds only what the sandbox put there.
  EXPECT_EQ(r.out.find("home"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("root"), std::string::npos) << r.out;
}

TEST(Isolate, WritesOutsideTheWorkspaceFailOrStayPrivate) {
  Scratch s;
  const std::string tmp_name = "bt-isolate-private-" + std::to_string(::getpid());
  auto r = sh(s.ws(),
              "echo x > /usr/evil; echo x > ../escape; echo x > /evil; "
              "echo x > /tmp/" +
                  tmp_name + " && echo tmp-ok; echo x > inside && echo ws-ok");
  EXPECT_NE(r.err.find("/usr/evil: Read-only file system"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("../escape"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/evil"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("tmp-ok"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("ws-ok"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists("/usr/evil"));
  EXPECT_FALSE(fs::exists(s.dir / "work" / "escape"));
  EXPECT_FALSE(fs::exists("/tmp/" + tmp_name));
  EXPECT_TRUE(fs::exists(s.ws() / "inside"));
}

TEST(Isolate, OtherWorkspacesAreInvisible) {
  Scratch s;
  fs::create_directories(s.dir / "work" / "b");
  std::ofstream(s.dir / "work" / "b" / "secret") << "other execution";
  std::ofstream(s.dir / "journal.db") << "journal";
  auto r = sh(s.ws(), "ls -a ..; cat ../b/secret; ls " + s.dir.string());
  EXPECT_EQ(r.out.find("secret"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("journal"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("b\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("No such file"), std::string::npos) << r.err;
}

TEST(Isolate, ForkBombIsBounded) {
  Scratch s;
  // Every copy of the bomb is a fork of this bash, so its command line carries
  // the marker: we count exactly the bomb's processes, not other tests' tools.
  const std::string marker = "bomb-marker-" + std::to_string(::getpid());
  auto spec = isolated(
      s.ws(), {"/bin/bash", "-c", ": " + marker + "; b() { b | b & }; b; sleep 1; echo survived"});
  spec.timeout = 3s;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run(spec);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  EXPECT_NE(r.err.find("Resource temporarily unavailable"), std::string::npos)
      << r.err.substr(0, 500);
  // Nothing of the bomb is left on the host.
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(processes_with(marker), 0);
}

TEST(Isolate, MemoryLimitIsReportedAsMemory) {
  Scratch s;
  auto r = py(s.ws(), "x = bytearray(3 << 30)\nprint('allocated')");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.limit_hit, "memory") << r.describe() << r.err;
  EXPECT_NE(r.describe().find("memory limit of 512 MB"), std::string::npos) << r.describe();
}

TEST(Isolate, FileSizeLimitIsReported) {
  Scratch s;
  auto r = sh(s.ws(), "exec head -c 3000000 /dev/zero > big");
  EXPECT_EQ(r.term_signal, SIGXFSZ) << r.describe();
  EXPECT_EQ(r.limit_hit, "file_size");
  EXPECT_LE(fs::file_size(s.ws() / "big"), 1u << 20);
  EXPECT_NE(r.describe().find("wrote more than 1048576 bytes to a file"), std::string::npos);
}

TEST(Isolate, StdoutFloodIsTruncatedAndFast) {
  Scratch s;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = sh(s.ws(), "head -c 100000000 /dev/zero");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  EXPECT_TRUE(r.stdout_truncated);
  EXPECT_EQ(r.limit_hit, "output");
  EXPECT_NE(r.out.find("[bitter: output truncated at"), std::string::npos);
}

TEST(Isolate, SleepForeverIsKilledAtTheDeadline) {
  Scratch s;
  auto spec = isolated(s.ws(), {"/bin/sh", "-c", "sleep 1000.7071"});
  spec.timeout = 500ms;
  auto r = run(spec);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.limit_hit, "timeout");
  EXPECT_LT(r.wall, 3s);
  EXPECT_EQ(processes_with("1000.7071"), 0);
}

TEST(Isolate, NothingTheToolStartedSurvivesIt) {
  Scratch s;
  auto r = sh(s.ws(), "sleep 1000.123 & setsid sleep 1000.123 & (sleep 1000.123 &) ; echo left");
  EXPECT_EQ(r.out, "left\n") << r.err;
  EXPECT_EQ(r.exit_code, 0);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(processes_with("1000.123"), 0);
}

TEST(Isolate, SeccompDeniesNamespacesMountPtraceAndKeys) {
  Scratch s;
  // Each of these would work for an unprivileged user without the filter
  // (user namespaces, PTRACE_TRACEME, add_key), so EPERM is the filter.
  auto r = py(s.ws(),
              "import ctypes, os\n"
              "libc = ctypes.CDLL(None, use_errno=True)\n"
              "for name, call in [('unshare', lambda: libc.unshare(0x10000000)),\n"
              "                   ('ptrace', lambda: libc.ptrace(0, 0, 0, 0)),\n"
              "                   ('mount', lambda: libc.mount(b'x', b'/tmp', b'tmpfs', 0, 0)),\n"
              "                   ('keyctl', lambda: libc.syscall(250, 0, 0)),\n"
              "                   ('bpf', lambda: libc.syscall(321, 0, 0, 0))]:\n"
              "    rc = call()\n"
              "    print(name, rc, os.strerror(ctypes.get_errno()))\n");
  EXPECT_EQ(r.out,
            "unshare -1 Operation not permitted\nptrace -1 Operation not permitted\n"
            "mount -1 Operation not permitted\nkeyctl -1 Operation not permitted\n"
            "bpf -1 Operation not permitted\n")
      << r.err;
  auto u = sh(s.ws(), "unshare -U true");
  EXPECT_NE(u.exit_code, 0);
  EXPECT_NE(u.err.find("Operation not permitted"), std::string::npos) << u.err;
}

TEST(Isolate, TiocstiIsDeniedEvenWithHighBitsSet) {
  Scratch s;
  auto r = py(s.ws(),
              "import fcntl, termios\n"
              "for req in (termios.TIOCSTI, (1 << 32) | termios.TIOCSTI):\n"
              "    try:\n"
              "        fcntl.ioctl(0, req, b'x')\n"
              "        print('allowed')\n"
              "    except OSError as e:\n"
              "        print(e.strerror)\n");
  EXPECT_EQ(r.out, "Operation not permitted\nOperation not permitted\n") << r.err;
}

TEST(Isolate, EnvironmentIsOnlyWhatWeGave) {
  Scratch s;
  ::setenv("OPENAI_API_KEY", "sk-test-must-not-leak", 1);
  auto r = sh(s.ws(), "env");
  ::unsetenv("OPENAI_API_KEY");
  EXPECT_EQ(r.out.find("sk-test"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("HOME=" + s.ws().string()), std::string::npos) << r.out;
}

TEST(Isolate, ConcurrentRunsCannotSeeEachOther) {
  Scratch s;
  fs::create_directories(s.dir / "work" / "b");
  ProcessResult ra, rb;
  auto script = [&](const std::string& me, const std::string& other) {
    return "echo " + me + " > marker; sleep 0.5; ls; cat " +
           (s.dir / "work" / other / "marker").string();
  };
  std::thread ta([&] { ra = sh(s.dir / "work" / "a", script("a", "b")); });
  std::thread tb([&] { rb = sh(s.dir / "work" / "b", script("b", "a")); });
  ta.join();
  tb.join();
  EXPECT_EQ(ra.out, "marker\n") << ra.err;
  EXPECT_EQ(rb.out, "marker\n") << rb.err;
  EXPECT_NE(ra.err.find("No such file"), std::string::npos);
  EXPECT_NE(rb.err.find("No such file"), std::string::npos);
}

// Both tools run as the same uid; each sandbox's process limit must still
// be its own, or one execution's fork bomb would leave every other one
// unable to start a process.
TEST(Isolate, OneToolsForkBombLeavesAnotherItsOwnProcesses) {
  Scratch s;
  fs::create_directories(s.dir / "work" / "b");
  ProcessResult bomb, other;
  std::thread ta([&] {
    bomb = py(s.ws(),
              "import os, time\n"
              "kids = 0\n"
              "try:\n"
              "    while kids < 200:\n"
              "        if os.fork() == 0:\n"
              "            time.sleep(6); os._exit(0)\n"
              "        kids += 1\n"
              "except OSError as e:\n"
              "    print('bounded at', kids, e.strerror)\n"
              "open('full', 'w').close()\n"
              "time.sleep(3)\n");
  });
  for (int i = 0; i < 1000 && !fs::exists(s.ws() / "full"); ++i) std::this_thread::sleep_for(10ms);
  const bool full = fs::exists(s.ws() / "full");
  if (full)
    other = sh(s.dir / "work" / "b",
               "i=0; while [ $i -lt 8 ]; do sleep 0.2 & i=$((i+1)); done; wait; echo ok");
  ta.join();
  ASSERT_TRUE(full) << "the bomb never filled its quota: " << bomb.out << bomb.err;
  EXPECT_EQ(bomb.out.rfind("bounded at", 0), 0u) << bomb.out << bomb.err;
  EXPECT_EQ(other.out, "ok\n") << other.err;
  EXPECT_EQ(other.err, "");
}

TEST(Isolate, NuToolRunsWithItsInput) {
  Scratch s;
  auto r = run(nu_spec(s.ws(),
                       "def main [] { let x = $in | from json; { got: $x.message, pwd: $env.PWD } "
                       "| to json -r }\n",
                       R"({"message":"hi"})"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"got":"hi","pwd":")" + s.ws().string() + "\"}\n") << r.err;
}

TEST(Isolate, NuOverAllocatingIsReportedAsMemory) {
  Scratch s;
  auto r = run(nu_spec(s.ws(), "def main [] { '' | fill -c x -w 2000000000 | str length }\n", ""));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.limit_hit, "memory") << r.describe() << "\n" << r.err;
}

TEST(Isolate, SetupProblemsAreInfraErrorsSayingWhy) {
  Scratch s;
  auto missing = run_process(isolated(s.dir / "nope", {"/bin/true"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::infra);
  EXPECT_NE(missing.error().message.find("is not a directory"), std::string::npos);
  auto noexec = run_process(isolated(s.ws(), {"/usr/bin/no-such-tool"}));
  ASSERT_FALSE(noexec.ok());
  EXPECT_EQ(noexec.error().message,
            "cannot start /usr/bin/no-such-tool: No such file or directory");
}

TEST(Isolate, ProbeFindsEverythingOnThisMachine) {
  auto p = probe_sandbox();
  std::string notes;
  for (const auto& n : p.notes) notes += n + "\n";
  EXPECT_TRUE(p.usable) << notes;
  EXPECT_TRUE(p.user_ns && p.pid_ns && p.net_ns && p.mount_ns && p.seccomp) << notes;
}

}  // namespace
}  // namespace bt::sandbox
