#include "sandbox/namespaces.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "sandbox/fd.h"

namespace bt::sandbox {
namespace {

Status write_proc(pid_t pid, const char* file, const std::string& text) {
  const std::string path = fmt::format("/proc/{}/{}", pid, file);
  Fd fd(eintr_retry([&] { return ::open(path.c_str(), O_WRONLY | O_CLOEXEC); }));
  if (!fd.valid()) return infra_error(fmt::format("open {}: {}", path, std::strerror(errno)));
  // Each map must arrive in one write() call.
  const ssize_t n = eintr_retry([&] { return ::write(fd.get(), text.data(), text.size()); });
  if (n != static_cast<ssize_t>(text.size()))
    return infra_error(fmt::format("write {} '{}': {}", path, text, std::strerror(errno)));
  return {};
}

}  // namespace

unsigned long namespace_flags(bool user_ns) {
  unsigned long f = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
  return user_ns ? f | CLONE_NEWUSER : f;
}

pid_t clone_into(unsigned long flags) {
  // Raw clone with no new stack behaves like fork(); glibc's clone() wrapper
  // would want a stack and a function.
  return static_cast<pid_t>(::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, 0));
}

pid_t vfork_into(int (*fn)(void*), void* arg) {
  // Enough for the child's few calls and the dynamic linker's lazy binding
  // (which saves the vector registers); the lowest page stays a guard.
  constexpr size_t kStack = 256 << 10, kGuard = 4096;
  void* stack = ::mmap(nullptr, kStack, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return -1;
  ::mprotect(stack, kGuard, PROT_NONE);
  sigset_t all, old;
  sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, &old);
  const pid_t pid =
      ::clone(fn, static_cast<char*>(stack) + kStack, CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
  const int err = errno;
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  ::munmap(stack, kStack);
  errno = err;
  return pid;
}

IdMaps id_maps_for(uid_t tool_uid, gid_t tool_gid) {
  IdMaps m;
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (uid == 0) {
    m.uid_map = fmt::format("0 0 1\n{} {} 1\n", tool_uid, tool_uid);
    m.gid_map = fmt::format("0 0 1\n{} {} 1\n", tool_gid, tool_gid);
  } else {
    m.uid_map = fmt::format("0 {} 1\n", uid);
    m.gid_map = fmt::format("0 {} 1\n", gid);
    m.deny_setgroups = true;
  }
  return m;
}

Status write_id_maps(pid_t pid, const IdMaps& maps) {
  if (maps.deny_setgroups)
    if (auto s = write_proc(pid, "setgroups", "deny"); !s) return s;
  if (auto s = write_proc(pid, "uid_map", maps.uid_map); !s) return s;
  return write_proc(pid, "gid_map", maps.gid_map);
}

}  // namespace bt::sandbox
