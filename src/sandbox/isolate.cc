#include "sandbox/isolate.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <utility>

#include "sandbox/fd.h"
#include "sandbox/process.h"
#include "sandbox/seccomp_filter.h"

namespace bt::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr const char* kStepNames[] = {"waiting for the parent",
                                      "mounting the filesystem view",
                                      "setting the hostname",
                                      "forking the tool",
                                      "starting a new session",
                                      "setting up stdio",
                                      "entering the working directory",
                                      "setting resource limits",
                                      "dropping privileges",
                                      "installing the seccomp filter",
                                      "executing the tool"};

void send(int fd, InitReport r) {
  (void)!eintr_retry([&] { return ::write(fd, &r, sizeof r); });
}

[[noreturn]] void fail(int fd, Step step, int err, int op = -1) {
  send(fd, {InitReport::kFailed, step, op, err, 0});
  ::_exit(127);
}

void close_from(unsigned lo, unsigned hi) {
  if (lo <= hi) ::close_range(lo, hi, 0);
}

// The tool process: stdio, rlimits, privileges, seccomp (last), execve.
// Failures go to `exec_fd` (CLOEXEC), read by the init.
[[noreturn]] void tool_main(const InitArgs& a, int exec_fd) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::setsid() < 0) fail(exec_fd, kStepSetsid, errno);
  if (::dup2(a.in, 0) < 0 || ::dup2(a.out, 1) < 0 || ::dup2(a.err, 2) < 0)
    fail(exec_fd, kStepStdio, errno);
  close_from(3, static_cast<unsigned>(exec_fd) - 1);
  close_from(static_cast<unsigned>(exec_fd) + 1, ~0U);
  if (a.cwd != nullptr && ::chdir(a.cwd) != 0) fail(exec_fd, kStepChdir, errno);
  if (int e = apply_rlimits(a.plan->limits)) fail(exec_fd, kStepRlimits, e);
  const char* step = "";
  if (int e = drop_privileges(a.plan->identity, &step)) fail(exec_fd, kStepPrivileges, e);
  if (int e = install_seccomp(a.plan->seccomp)) fail(exec_fd, kStepSeccomp, e);
  ::execve(a.argv[0], a.argv, a.envp);
  fail(exec_fd, kStepExec, errno);
}

struct ToolStart {
  const InitArgs* args;
  int exec_fd;
};
int tool_entry(void* p) {
  const auto* t = static_cast<const ToolStart*>(p);
  tool_main(*t->args, t->exec_fd);
}

}  // namespace

Result<IsolationPlan> prepare_isolation(const Isolation& iso) {
  IsolationPlan plan;
  auto mounts = plan_mounts({iso.workspace, iso.ro_paths, iso.tmp_bytes});
  if (!mounts) return mounts.error();
  plan.mounts = std::move(*mounts);
  auto prog = tool_seccomp_program();
  if (!prog) return prog.error();
  plan.seccomp = (*prog)->prog();
  plan.limits = iso.limits;
  const bool root = ::geteuid() == 0;
  plan.maps = id_maps_for(iso.uid, iso.gid);
  // As root the tool becomes a real unprivileged uid; unprivileged, it stays
  // ns root mapped to our own uid, with every capability dropped.
  plan.identity = {root, iso.uid, iso.gid};
  // The workspace (and what bitter put in it, e.g. tool.nu, 0600) becomes
  // the tool's: it is the one place the tool may read and write.
  if (root) {
    std::vector<std::string> paths = {iso.workspace};
    std::error_code ec;
    for (fs::recursive_directory_iterator it(iso.workspace, ec), end; !ec && it != end;
         it.increment(ec))
      paths.push_back(it->path().string());
    for (const auto& p : paths)
      if (::lchown(p.c_str(), iso.uid, iso.gid) != 0)
        return infra_error(
            fmt::format("sandbox: cannot hand {} to uid {}: {}", p, iso.uid, std::strerror(errno)));
  }
  return plan;
}

std::string describe_failure(const IsolationPlan& plan, const InitReport& r) {
  const int n = static_cast<int>(std::size(kStepNames));
  std::string what = r.step >= 0 && r.step < n ? kStepNames[r.step] : "sandbox setup";
  if (r.step == kStepMounts && r.op >= 0 && r.op < static_cast<int>(plan.mounts.ops.size()))
    what += " (" + plan.mounts.ops[static_cast<size_t>(r.op)].describe() + ")";
  return fmt::format("sandbox setup failed while {}: {}", what, std::strerror(r.err));
}

// Closes every descriptor from 3 up except `keep` (unsorted, small). The
// init never execs, so without this it would hold bitter's own descriptors,
// among them the write end of the tool's stdin: the tool would never see EOF.
void close_all_but(int (&keep)[5]) {
  for (int i = 1; i < 5; ++i)
    for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j) std::swap(keep[j - 1], keep[j]);
  unsigned lo = 3;
  for (int fd : keep) {
    if (fd < 3) continue;
    if (static_cast<unsigned>(fd) > lo) close_from(lo, static_cast<unsigned>(fd) - 1);
    lo = static_cast<unsigned>(fd) + 1;
  }
  close_from(lo, ~0U);
}

void sandbox_init_main(const InitArgs& a) {
  // If bitter dies, the init dies, and with it the whole pid namespace.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  int keep[5] = {a.in, a.out, a.err, a.sync, a.report};
  close_all_but(keep);
  char go = 0;
  if (eintr_retry([&] { return ::read(a.sync, &go, 1); }) != 1) ::_exit(127);
  ::close(a.sync);
  int op = -1;
  const char* step = "";
  if (int e = apply_mounts(a.plan->mounts, &op, &step)) fail(a.report, kStepMounts, e, op);
  if (::sethostname("sandbox", 7) != 0) fail(a.report, kStepHostname, errno);
  ::setsid();  // off our terminal's session; failure is harmless

  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) fail(a.report, kStepFork, errno);
  // Not fork(): glibc's fork runs atfork handlers and takes locks another
  // thread of bitter may have held at the time of our clone. vfork-style, the
  // tool does not copy our page tables (a copy of bitter's) only to drop them
  // at execve; we are single-threaded and wait for that execve anyway.
  ToolStart start{&a, exec_pipe[1]};
  const pid_t tool = vfork_into(tool_entry, &start);
  if (tool < 0) fail(a.report, kStepFork, errno);
  ::close(exec_pipe[1]);
  // Our copies of the tool's stdio must go, or the parent never sees EOF.
  ::close(a.in);
  ::close(a.out);
  ::close(a.err);
  InitReport failure{};
  const ssize_t got = eintr_retry([&] { return ::read(exec_pipe[0], &failure, sizeof failure); });
  if (got == static_cast<ssize_t>(sizeof failure)) {
    send(a.report, failure);
    ::_exit(127);
  }
  send(a.report, {InitReport::kStarted, 0, -1, 0, 0});
  // Reap everything; when the tool itself ends, report and leave: the kernel
  // then kills whatever the tool left behind in this pid namespace.
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(-1, &status, __WALL);
    if (r == tool) {
      send(a.report, {InitReport::kExited, 0, -1, 0, status});
      ::_exit(0);
    }
    if (r < 0 && errno == ECHILD) ::_exit(0);
  }
}

SandboxSupport probe_sandbox() {
  SandboxSupport s;
  struct Probe {
    bool* ok;
    unsigned long flag;
    const char* name;
  };
  const Probe probes[] = {{&s.user_ns, CLONE_NEWUSER, "user namespace"},
                          {&s.pid_ns, CLONE_NEWPID, "pid namespace"},
                          {&s.net_ns, CLONE_NEWNET, "network namespace"},
                          {&s.mount_ns, CLONE_NEWNS, "mount namespace"}};
  for (const auto& p : probes) {
    // Unprivileged, the others need a user namespace to be created in.
    const unsigned long flags =
        p.flag == CLONE_NEWUSER || ::geteuid() == 0 ? p.flag : p.flag | CLONE_NEWUSER;
    const pid_t pid = clone_into(flags);
    if (pid == 0) ::_exit(0);
    if (pid < 0) {
      s.notes.push_back(fmt::format("{}: {}", p.name, std::strerror(errno)));
      continue;
    }
    int status = 0;
    eintr_retry([&] { return ::waitpid(pid, &status, 0); });
    *p.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  auto prog = tool_seccomp_program();
  s.seccomp = prog.ok();
  if (!prog) s.notes.push_back("seccomp: " + prog.error().message);

  // The real thing, end to end, in a scratch workspace.
  char tmpl[] = "/tmp/bitter-probe-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    s.notes.push_back(std::string("trial run: mkdtemp: ") + std::strerror(errno));
    return s;
  }
  ProcessSpec spec;
  spec.argv = {"/bin/true"};
  spec.cwd = tmpl;
  spec.timeout = std::chrono::seconds(10);
  Isolation iso;
  iso.workspace = tmpl;
  spec.isolation = iso;
  auto r = run_process(spec);
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  if (!r)
    s.notes.push_back("trial run: " + r.error().message);
  else if (r->exit_code != 0)
    s.notes.push_back("trial run: /bin/true ended with " + r->describe() + ": " + r->err);
  s.usable = r.ok() && r->exit_code == 0 && s.pid_ns && s.net_ns && s.mount_ns && s.seccomp;
  return s;
}

}  // namespace bt::sandbox
