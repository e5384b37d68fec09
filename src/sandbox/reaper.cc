#include "sandbox/reaper.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "sandbox/fd.h"

namespace bt::sandbox {
namespace {

struct ProcInfo {
  pid_t pid = 0, ppid = 0, pgrp = 0, sid = 0;
};

// Direct children started by run_process and not yet reaped. A multiset
// because a pid freed by one thread's wait4 can be handed to another thread's
// fork before the first thread has called forget_child.
struct Registry {
  std::mutex mu;
  std::multiset<pid_t> live;
};

Registry& registry() {
  static Registry r;
  return r;
}

// Sweeps are serialized: the sweeper reaps its victims by pid, and two
// sweepers reaping the same pid could see it reused in between.
std::mutex& sweep_mutex() {
  static std::mutex mu;
  return mu;
}

bool read_stat(pid_t pid, ProcInfo& info) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  Fd fd(eintr_retry([&] { return ::open(path, O_RDONLY | O_CLOEXEC); }));
  if (!fd.valid()) return false;  // it exited meanwhile
  char buf[1024];
  const ssize_t n = eintr_retry([&] { return ::read(fd.get(), buf, sizeof buf - 1); });
  if (n <= 0) return false;
  buf[n] = '\0';
  // "pid (comm) state ppid pgrp session ...": comm may contain spaces and
  // parentheses, so parse from the last ')'.
  const char* rparen = std::strrchr(buf, ')');
  if (rparen == nullptr) return false;
  char state = 0;
  int ppid = 0, pgrp = 0, sid = 0;
  if (std::sscanf(rparen + 1, " %c %d %d %d", &state, &ppid, &pgrp, &sid) != 4) return false;
  info = {pid, ppid, pgrp, sid};
  return true;
}

std::vector<ProcInfo> snapshot() {
  std::vector<ProcInfo> procs;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/proc"), &::closedir);
  if (!dir) return procs;
  while (const dirent* e = ::readdir(dir.get())) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    ProcInfo info;
    if (read_stat(static_cast<pid_t>(pid), info)) procs.push_back(info);
  }
  return procs;
}

// The roots and everything below them, following ppid links in one snapshot.
std::vector<pid_t> subtree(const std::vector<ProcInfo>& procs, const std::vector<pid_t>& roots) {
  std::unordered_multimap<pid_t, pid_t> children;
  for (const auto& p : procs) children.emplace(p.ppid, p.pid);
  std::vector<pid_t> out = roots;
  for (size_t i = 0; i < out.size(); ++i) {
    auto [b, e] = children.equal_range(out[i]);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
  }
  return out;
}

// Reaps one SIGKILLed orphan, waiting at most until `until`: a process stuck
// in uninterruptible sleep must not hang the run; the next sweep retries.
void reap(pid_t pid, std::chrono::steady_clock::time_point until) {
  for (;;) {
    const pid_t r = eintr_retry([&] { return ::waitpid(pid, nullptr, WNOHANG); });
    if (r != 0 || std::chrono::steady_clock::now() >= until) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

void prepare_process_wide() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ign, nullptr);
    // Best effort: without it (very old kernels) escapees end up under init
    // and only the process-group and snapshot kills reach them.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  });
}

std::unique_lock<std::mutex> lock_children() { return std::unique_lock(registry().mu); }

void register_child(const std::unique_lock<std::mutex>& held, pid_t pid) {
  (void)held;  // proof that the caller holds registry().mu
  registry().live.insert(pid);
}

void forget_child(pid_t pid) {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  if (auto it = r.live.find(pid); it != r.live.end()) r.live.erase(it);
}

void kill_tree(pid_t child, bool child_exited) {
  // Snapshot first: once the child dies its children are reparented to us
  // and can no longer be found below it (kill_orphans finds them instead).
  std::vector<pid_t> victims;
  if (!child_exited) victims = subtree(snapshot(), {child});
  ::kill(-child, SIGKILL);  // the child called setsid(), so pgid == pid
  // There is a tiny window in which a snapshot pid exits and is reused by an
  // unrelated process; pids are not recycled that fast in practice.
  for (pid_t pid : victims) ::kill(pid, SIGKILL);
}

void kill_orphans() {
  std::lock_guard sweep(sweep_mutex());
  const pid_t self = ::getpid();
  const pid_t own_sid = ::getsid(0);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  // Each round kills what exists; a descendant forked during a round is
  // reparented to us when its parent dies and found by the next round.
  for (int round = 0; round < 32; ++round) {
    const auto procs = snapshot();
    std::vector<pid_t> orphans;
    {
      auto& r = registry();
      std::lock_guard lock(r.mu);
      for (const auto& p : procs) {
        if (p.ppid != self || r.live.count(p.pid) != 0) continue;
        if (p.sid == own_sid || r.live.count(p.sid) != 0) continue;
        orphans.push_back(p.pid);
      }
    }
    if (orphans.empty()) return;
    for (pid_t pid : subtree(procs, orphans)) ::kill(pid, SIGKILL);
    for (pid_t pid : orphans) reap(pid, until);
  }
}

}  // namespace bt::sandbox
