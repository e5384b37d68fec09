// run_process: fork + execve with a CLOEXEC error pipe, then one poll loop in
// the parent that feeds stdin and drains stdout/stderr together, watches a
// pidfd for the child's exit and enforces the deadline; then the whole tree
// is killed (see reaper.h) and the child reaped with wait4 for its rusage.
#include "sandbox/process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "sandbox/fd.h"
#include "sandbox/isolate.h"
#include "sandbox/namespaces.h"
#include "sandbox/reaper.h"

namespace bt::sandbox {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kChunk = 64 << 10;  // one pipe buffer's worth per syscall
// After the child is gone and its tree killed, how long we keep reading for
// what is already in the pipes. Bounded because a descendant we could not
// kill may still hold the write ends open.
constexpr auto kDrainGrace = std::chrono::milliseconds(100);
// Exit polling interval when pidfd_open is unavailable (kernel < 5.3).
constexpr int kFallbackPollMs = 10;

// What the child reports through the error pipe when it cannot exec.
enum Stage : int { kSetup, kChdir, kExec };
struct ChildFailure {
  int stage;
  int err;
};

std::string errno_text(int err) { return std::strerror(err); }

// Both ends O_CLOEXEC so forks in other threads never inherit them, and
// never numbered 0-2 (possible if our own stdio was closed): the child's
// dup2 onto 0/1/2 would otherwise clobber one pipe with another.
Result<std::pair<Fd, Fd>> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return infra_error("pipe2: " + errno_text(errno));
  Fd ends[2] = {Fd(fds[0]), Fd(fds[1])};
  for (Fd& end : ends) {
    if (end.get() > 2) continue;
    const int moved = ::fcntl(end.get(), F_DUPFD_CLOEXEC, 3);
    if (moved < 0) return infra_error("fcntl: " + errno_text(errno));
    end.reset(moved);
  }
  return std::pair<Fd, Fd>(std::move(ends[0]), std::move(ends[1]));
}

void set_nonblocking(const Fd& fd) {
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
}

// Everything the child needs, prepared before fork: between fork and exec
// the child may only make async-signal-safe calls (no allocation, no locks).
struct ChildPlan {
  char* const* argv;
  char* const* envp;
  const char* cwd;  // nullptr: keep ours
  int in, out, err, report;
  int fd_limit;  // for the close loop when close_range is missing
};

void close_span(unsigned lo, unsigned hi, int fd_limit) {
  if (lo > hi) return;
  if (::close_range(lo, hi, 0) == 0) return;
  for (unsigned fd = lo; fd <= hi && fd < static_cast<unsigned>(fd_limit); ++fd) ::close(fd);
}

[[noreturn]] void child_after_fork(const ChildPlan& p) {
  auto fail = [&](int stage) {
    const ChildFailure f{stage, errno};
    (void)!::write(p.report, &f, sizeof f);
    ::_exit(127);
  };
  // Dispositions first, then the mask: unblocking while a handler of ours is
  // still installed could run it in the child. SIG_IGN survives execve, so
  // our ignored SIGPIPE must be reset explicitly.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);  // EINVAL ok
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // New session and process group, no controlling terminal: the tool cannot
  // read our tty and the whole group can be killed with kill(-pid).
  if (::setsid() < 0) fail(kSetup);
  if (::dup2(p.in, 0) < 0 || ::dup2(p.out, 1) < 0 || ::dup2(p.err, 2) < 0) fail(kSetup);
  // The report pipe is CLOEXEC and closes itself on a successful exec.
  close_span(3, static_cast<unsigned>(p.report) - 1, p.fd_limit);
  close_span(static_cast<unsigned>(p.report) + 1, ~0U, p.fd_limit);
  if (p.cwd != nullptr && ::chdir(p.cwd) != 0) fail(kChdir);
  ::execve(p.argv[0], p.argv, p.envp);
  fail(kExec);
  ::_exit(127);  // unreachable; keeps [[noreturn]] honest for the compiler
}

int fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<int>(std::min<rlim_t>(rl.rlim_cur, 1 << 20));
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// A pidfd becomes readable when the child exits, so poll() can wait for
// output and exit at once. -1 when the kernel lacks pidfd_open.
Fd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  (void)pid;
  return Fd();
#endif
}

// Has the child exited? WNOWAIT leaves it a zombie, so its pid, and with it
// the process group id we are about to kill, stays reserved.
bool exited_nowait(pid_t pid) {
  siginfo_t si{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         si.si_pid == pid;
}

struct Capture {
  Fd fd;
  std::string* text;
  size_t cap;
  bool* truncated;

  // One read per wakeup. Beyond the cap we keep reading and discard, so a
  // flooding child never blocks on a full pipe and the deadline still holds.
  void pump() {
    char buf[kChunk];
    const ssize_t n = eintr_retry([&] { return ::read(fd.get(), buf, sizeof buf); });
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) return fd.reset();  // EOF, or an error we cannot do better with
    const size_t room = cap - std::min(cap, text->size());
    const size_t keep = std::min(room, static_cast<size_t>(n));
    text->append(buf, keep);
    if (keep < static_cast<size_t>(n)) *truncated = true;
  }
};

int ms_until(Clock::time_point t) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
}

// Reads both captures until EOF on both or until `until`.
void drain(Capture (&caps)[2], Clock::time_point until) {
  for (;;) {
    pollfd pfds[2];
    int n = 0;
    Capture* owner[2];
    for (Capture& c : caps) {
      if (!c.fd.valid()) continue;
      pfds[n] = {c.fd.get(), POLLIN, 0};
      owner[n++] = &c;
    }
    if (n == 0) return;
    const int r = ::poll(pfds, static_cast<nfds_t>(n), ms_until(until));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return;
    for (int i = 0; i < n; ++i)
      if (pfds[i].revents != 0) owner[i]->pump();
  }
}

void mark_truncated(std::string& text, bool truncated, size_t cap) {
  if (truncated) text += fmt::format("\n[bitter: output truncated at {} bytes]", cap);
}

struct Child {
  pid_t pid = 0;
  Fd stdin_fd, stdout_fd, stderr_fd;  // our ends, non-blocking
  Fd report;                          // isolated: the init's final InitReport
};

void kill_pid(pid_t pid, const Fd& pidfd) {
#ifdef SYS_pidfd_send_signal
  // Through the pidfd the signal cannot reach a process that reused the pid.
  if (pidfd.valid() && ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0) == 0)
    return;
#endif
  ::kill(pid, SIGKILL);
}

// The sandboxed start: clone the init into new namespaces, write its id maps,
// let it go, and wait until it reports the tool started or why it could not.
Result<Child> start_isolated(const ProcessSpec& spec) {
  auto plan = prepare_isolation(*spec.isolation);
  if (!plan) return plan.error();
  auto in = make_pipe(), out = make_pipe(), err = make_pipe(), report = make_pipe(),
       sync = make_pipe();
  for (auto* p : {&in, &out, &err, &report, &sync})
    if (!*p) return p->error();
  const auto argv = c_strings(spec.argv);
  const auto envp = c_strings(spec.env);
  const InitArgs args{&*plan,           argv.data(),       envp.data(),
                      spec.cwd.empty() ? nullptr : spec.cwd.c_str(),
                      in->first.get(),  out->second.get(), err->second.get(),
                      sync->first.get(), report->second.get()};
  Child child;
  {
    auto held = lock_children();
    child.pid = clone_into(namespace_flags(true));
    // Root without user namespaces (disabled by sysctl): the other
    // namespaces and the uid change still isolate the tool.
    if (child.pid < 0 && ::geteuid() == 0 && (errno == EPERM || errno == EINVAL || errno == ENOSPC)) {
      plan->user_ns = false;
      child.pid = clone_into(namespace_flags(false));
    }
    if (child.pid == 0) sandbox_init_main(args);
    if (child.pid < 0) return infra_error("sandbox: clone into new namespaces: " + errno_text(errno));
    register_child(held, child.pid);
  }
  in->first.reset();
  out->second.reset();
  err->second.reset();
  report->second.reset();
  sync->first.reset();
  auto abandon = [&](Error e) -> Result<Child> {
    ::kill(child.pid, SIGKILL);
    eintr_retry([&] { return ::waitpid(child.pid, nullptr, 0); });
    forget_child(child.pid);
    return e;
  };
  if (plan->user_ns)
    if (auto s = write_id_maps(child.pid, plan->maps); !s)
      return abandon(infra_error("sandbox: " + s.error().message));
  const char go = 1;
  if (eintr_retry([&] { return ::write(sync->second.get(), &go, 1); }) != 1)
    return abandon(infra_error("sandbox: cannot signal the init: " + errno_text(errno)));
  InitReport r{};
  const ssize_t got = eintr_retry([&] { return ::read(report->first.get(), &r, sizeof r); });
  if (got != static_cast<ssize_t>(sizeof r))
    return abandon(infra_error(fmt::format("cannot start {}: the sandbox init died during setup",
                                           spec.argv[0])));
  if (r.kind == InitReport::kFailed) {
    const std::string why = r.step == kStepExec
                                ? fmt::format("cannot start {}: {}", spec.argv[0], errno_text(r.err))
                                : fmt::format("cannot start {}: {}", spec.argv[0],
                                              describe_failure(*plan, r));
    return abandon(infra_error(why));
  }
  child.stdin_fd = std::move(in->second);
  child.stdout_fd = std::move(out->first);
  child.stderr_fd = std::move(err->first);
  child.report = std::move(report->first);
  for (const Fd* fd : {&child.stdin_fd, &child.stdout_fd, &child.stderr_fd}) set_nonblocking(*fd);
  return child;
}

// Forks and execs; returns once execve has succeeded or reports why not.
Result<Child> start_child(const ProcessSpec& spec) {
  if (spec.isolation) return start_isolated(spec);
  auto in = make_pipe(), out = make_pipe(), err = make_pipe(), report = make_pipe();
  for (auto* p : {&in, &out, &err, &report})
    if (!*p) return p->error();

  const auto argv = c_strings(spec.argv);
  const auto envp = c_strings(spec.env);
  const ChildPlan plan{
      argv.data(),          envp.data(),       spec.cwd.empty() ? nullptr : spec.cwd.c_str(),
      in->first.get(),      out->second.get(), err->second.get(),
      report->second.get(), fd_limit()};

  Child child;
  {
    auto held = lock_children();
    child.pid = ::fork();
    if (child.pid == 0) child_after_fork(plan);
    if (child.pid < 0) return infra_error("fork: " + errno_text(errno));
    register_child(held, child.pid);
  }
  in->first.reset();
  out->second.reset();
  err->second.reset();
  report->second.reset();

  // EOF means execve succeeded (the CLOEXEC write end vanished with it).
  ChildFailure failure{};
  const ssize_t got =
      eintr_retry([&] { return ::read(report->first.get(), &failure, sizeof failure); });
  if (got == static_cast<ssize_t>(sizeof failure)) {
    eintr_retry([&] { return ::waitpid(child.pid, nullptr, 0); });
    forget_child(child.pid);
    const std::string why = errno_text(failure.err);
    if (failure.stage == kChdir)
      return infra_error(fmt::format("cannot start {}: cannot enter working directory {}: {}",
                                     spec.argv[0], spec.cwd, why));
    if (failure.stage == kSetup)
      return infra_error(fmt::format("cannot start {}: child setup failed: {}", spec.argv[0], why));
    return infra_error(fmt::format("cannot start {}: {}", spec.argv[0], why));
  }
  child.stdin_fd = std::move(in->second);
  child.stdout_fd = std::move(out->first);
  child.stderr_fd = std::move(err->first);
  for (const Fd* fd : {&child.stdin_fd, &child.stdout_fd, &child.stderr_fd}) set_nonblocking(*fd);
  return child;
}

// Feeds stdin and drains both captures in one poll loop, so a child that
// fills stdout before it reads stdin (or the reverse) keeps making progress.
enum class Ended { exited, deadline, cancelled };
Ended supervise(pid_t pid, const Fd& pidfd, const std::string& input, Fd& stdin_fd,
                Capture (&caps)[2], Clock::time_point deadline, const CancelToken* cancel) {
  size_t written = 0;
  if (input.empty()) stdin_fd.reset();  // the child sees EOF at once
  Ended ended = Ended::exited;
  for (;;) {
    if (!pidfd.valid() && exited_nowait(pid)) break;
    if (Clock::now() >= deadline) {
      ended = Ended::deadline;
      break;
    }
    if (cancel && cancel->cancelled()) {
      ended = Ended::cancelled;
      break;
    }
    pollfd pfds[5];
    int n = 0;
    int idx_in = -1, idx_pid = -1, idx_cap[2] = {-1, -1};
    // The token's eventfd only wakes the poll; the check above decides.
    if (cancel && cancel->fd() >= 0) pfds[n++] = {cancel->fd(), POLLIN, 0};
    if (stdin_fd.valid()) idx_in = n, pfds[n++] = {stdin_fd.get(), POLLOUT, 0};
    for (int i = 0; i < 2; ++i)
      if (caps[i].fd.valid()) idx_cap[i] = n, pfds[n++] = {caps[i].fd.get(), POLLIN, 0};
    if (pidfd.valid()) idx_pid = n, pfds[n++] = {pidfd.get(), POLLIN, 0};
    int wait_ms = ms_until(deadline);
    if (!pidfd.valid() || (cancel && cancel->fd() < 0)) wait_ms = std::min(wait_ms, kFallbackPollMs);
    const int r = ::poll(pfds, static_cast<nfds_t>(n), wait_ms);
    // EINTR; nothing else can fail with valid fds, and the deadline bounds us.
    if (r < 0) continue;
    if (idx_in >= 0 && pfds[idx_in].revents != 0) {
      // POLLERR here means the child closed its stdin: write fails with
      // EPIPE (SIGPIPE is ignored) and we stop feeding. That is not an error.
      const size_t len = std::min(kChunk, input.size() - written);
      const ssize_t w =
          eintr_retry([&] { return ::write(stdin_fd.get(), input.data() + written, len); });
      if (w > 0) written += static_cast<size_t>(w);
      if ((w < 0 && errno != EAGAIN) || written == input.size()) stdin_fd.reset();
    }
    for (int i = 0; i < 2; ++i)
      if (idx_cap[i] >= 0 && pfds[idx_cap[i]].revents != 0) caps[i].pump();
    if (idx_pid >= 0 && pfds[idx_pid].revents != 0) break;
  }
  stdin_fd.reset();
  return ended;
}

}  // namespace

std::string signal_name(int sig) {
  if (const char* abbrev = ::sigabbrev_np(sig)) return std::string("SIG") + abbrev;
  return fmt::format("signal {}", sig);
}

std::string ProcessResult::limit_description() const {
  return limit_text(limit_hit, limits, stdout_cap);
}

std::string ProcessResult::describe() const {
  if (cancelled) return "cancelled (killed)";
  if (timed_out) return fmt::format("timed out after {} ms (killed)", timeout.count());
  std::string d = term_signal != 0 ? "killed by " + signal_name(term_signal)
                                   : fmt::format("exit {}", exit_code);
  if (!limit_hit.empty()) d += ": " + limit_description();
  return d;
}

Result<ProcessResult> run_process(const ProcessSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty() || spec.argv[0][0] != '/')
    return internal_error("run_process needs an absolute program path, got '" +
                          (spec.argv.empty() ? std::string() : spec.argv[0]) + "'");
  prepare_process_wide();

  ProcessResult res;
  res.timeout = spec.timeout;
  const auto start = Clock::now();
  auto child = start_child(spec);
  if (!child) return child.error();
  res.pid = child->pid;
  res.isolated = spec.isolation.has_value();
  res.stdout_cap = spec.stdout_cap;
  if (spec.isolation) res.limits = spec.isolation->limits;
  Capture caps[2] = {
      {std::move(child->stdout_fd), &res.out, spec.stdout_cap, &res.stdout_truncated},
      {std::move(child->stderr_fd), &res.err, spec.stderr_cap, &res.stderr_truncated}};
  const Fd pidfd = open_pidfd(res.pid);
  const Ended ended = supervise(res.pid, pidfd, spec.stdin_data, child->stdin_fd, caps,
                                start + spec.timeout, spec.cancel);
  const bool exited = ended == Ended::exited;
  res.timed_out = ended == Ended::deadline;
  res.cancelled = ended == Ended::cancelled;

  // The order matters: kill while the unreaped child still pins its pid and
  // process group id, reap, then hunt the orphans, then take what is left in
  // the pipes. Isolated, the child is the pid namespace's init: killing it
  // makes the kernel kill everything inside.
  if (res.isolated)
    kill_pid(res.pid, pidfd);
  else
    kill_tree(res.pid, exited);
  int status = 0;
  rusage ru{};
  eintr_retry([&] { return ::wait4(res.pid, &status, 0, &ru); });
  forget_child(res.pid);
  if (res.isolated) {
    // The init reports the tool's own status; without a report it was
    // killed (deadline), which is what its own status says.
    InitReport r{};
    if (::read(child->report.get(), &r, sizeof r) == static_cast<ssize_t>(sizeof r) &&
        r.kind == InitReport::kExited)
      status = r.status;
  } else {
    kill_orphans();
  }
  drain(caps, Clock::now() + kDrainGrace);

  if (WIFEXITED(status)) res.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) res.term_signal = WTERMSIG(status);
  res.wall = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  res.cpu = std::chrono::seconds(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            std::chrono::microseconds(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  res.max_rss_kb = ru.ru_maxrss;
  RunFacts facts{res.term_signal, res.exit_code, res.timed_out, res.stdout_truncated,
                 res.max_rss_kb, &res.err};
  res.limit_hit = classify_limit(facts, res.isolated ? res.limits : Limits{0, 0, 0, 0, 0});
  if (res.cancelled) res.limit_hit.clear();  // we killed it; it broke no limit
  mark_truncated(res.out, res.stdout_truncated, spec.stdout_cap);
  mark_truncated(res.err, res.stderr_truncated, spec.stderr_cap);
  return res;
}

}  // namespace bt::sandbox
