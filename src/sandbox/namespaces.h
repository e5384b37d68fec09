// Creating the tool's namespaces: one clone() of a child that is PID 1 of a
// fresh pid namespace and lives in new user (when available), mount, net,
// ipc and uts namespaces; and the uid/gid maps the parent writes for it.
#pragma once

#include <sys/types.h>

#include <string>

#include "util/result.h"

namespace bt::sandbox {

// CLONE_NEWNS|NEWPID|NEWNET|NEWIPC|NEWUTS, plus CLONE_NEWUSER when asked.
unsigned long namespace_flags(bool user_ns);

// fork() into new namespaces: returns 0 in the child, the child's pid (as we
// see it) in the parent, -1 with errno on failure. The child must stick to
// async-signal-safe calls, as after fork().
pid_t clone_into(unsigned long flags);

// posix_spawn-style start of a child that execs at once: it runs fn(arg) on a
// stack of its own in our memory (CLONE_VM), and we are suspended until it
// has called execve or exited (CLONE_VFORK). No page tables are copied, and
// none are torn down again at its execve. Only for single-threaded callers
// (the sandbox init): fn must stick to async-signal-safe calls, as after
// vfork(), and our signals are blocked meanwhile so no handler of ours runs
// in it. Returns the child's pid, or -1 with errno.
pid_t vfork_into(int (*fn)(void*), void* arg);

// The maps for a user namespace. As root we map ns root to host root, so the
// sandbox init can still reach root-owned 0700 directories to bind-mount
// them, and the tool's uid to itself, so the tool runs as a real unprivileged
// host uid (which is what makes RLIMIT_NPROC count). Unprivileged, we can only
// map our own ids, and must deny setgroups first.
struct IdMaps {
  std::string uid_map, gid_map;
  bool deny_setgroups = false;
};
IdMaps id_maps_for(uid_t tool_uid, gid_t tool_gid);

// Parent side, while the child waits: writes /proc/<pid>/{setgroups,uid_map,gid_map}.
Status write_id_maps(pid_t pid, const IdMaps& maps);

}  // namespace bt::sandbox
