// Runs a tool isolated, in the manner of nsjail/bubblewrap but inside bitter:
// a sandbox init (PID 1 of new pid/mount/net/ipc/uts and, where possible,
// user namespaces) builds the filesystem view (mounts.h), then forks the tool,
// which sets rlimits (limits.h), drops privileges (caps.h) and installs the
// seccomp filter (seccomp_filter.h) last, right before execve. The init reaps
// everything and reports the tool's status; when it exits, the kernel kills
// every process left in the pid namespace, so nothing the tool started
// survives. The parent talks to the init over pipes with fixed-size messages.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/caps.h"
#include "sandbox/limits.h"
#include "sandbox/mounts.h"
#include "sandbox/namespaces.h"
#include "util/result.h"

namespace bt::sandbox {

struct Isolation {
  Limits limits;
  std::string workspace;              // the only writable place, at its host path
  std::vector<std::string> ro_paths;  // e.g. the runtime binary, at its host path
  uint64_t tmp_bytes = 64ULL << 20;   // private /tmp
  uid_t uid = 65534;                  // the tool's uid/gid when bitter runs as root
  gid_t gid = 65534;
};

// Prepared in the parent before clone: the child only reads it.
struct IsolationPlan {
  MountPlan mounts;
  IdMaps maps;
  Identity identity;
  sock_fprog seccomp{};
  Limits limits;
  bool user_ns = true;
};
Result<IsolationPlan> prepare_isolation(const Isolation& iso);

// One message from the sandbox to the parent.
struct InitReport {
  enum Kind : int { kFailed = 1, kStarted = 2, kExited = 3 } kind;
  int step = 0;    // Step, when kFailed
  int op = -1;     // mount op index for kMounts
  int err = 0;     // errno
  int status = 0;  // wait status of the tool, when kExited
};
enum Step : int {
  kStepSync,
  kStepMounts,
  kStepHostname,
  kStepFork,
  kStepSetsid,
  kStepStdio,
  kStepChdir,
  kStepRlimits,
  kStepPrivileges,
  kStepSeccomp,
  kStepExec
};
// "mounting the filesystem view (bind /oldroot/usr to /newroot/usr read-only): Permission denied"
std::string describe_failure(const IsolationPlan& plan, const InitReport& r);

struct InitArgs {
  const IsolationPlan* plan;
  char* const* argv;
  char* const* envp;
  const char* cwd;
  int in, out, err;  // the tool's stdio
  int sync;          // read end: one byte from the parent once the id maps are written
  int report;        // write end for InitReport
};
// The child side after clone_into(); never returns.
[[noreturn]] void sandbox_init_main(const InitArgs& a);

struct SandboxSupport {
  bool user_ns = false, pid_ns = false, net_ns = false, mount_ns = false, seccomp = false;
  bool usable = false;             // a trial tool ran isolated
  std::vector<std::string> notes;  // why something is missing
};
// Tries each namespace in a throwaway child, compiles the filter, and runs
// /bin/true fully isolated (in a scratch workspace), for `bitter doctor` and
// the refusal in `bitter run`.
SandboxSupport probe_sandbox();

}  // namespace bt::sandbox
