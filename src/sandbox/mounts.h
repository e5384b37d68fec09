// The tool's filesystem view, built in its own mount namespace: a read-only
// tmpfs root with /usr (and the /bin, /lib... links or binds), a fresh /proc,
// /dev with null/zero/random/urandom only, a private size-capped /tmp, the
// runtime binary read-only and the workspace read-write at their host paths.
// Nothing else of the host (data dir, other workspaces, $HOME, /etc/shadow)
// exists in it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace bt::sandbox {

struct MountRequest {
  std::string workspace;              // bound read-write at the same path
  std::vector<std::string> ro_paths;  // files or dirs, read-only at the same path
  uint64_t tmp_bytes = 64ULL << 20;   // size of the private /tmp
};

struct MountOp {
  enum Kind { kMkdir, kFile, kBind, kSymlink, kTmpfs, kProc, kReadOnlyRoot } kind;
  std::string src, dst, data;  // paths already prefixed with /oldroot, /newroot
  bool read_only = true;
  std::string describe() const;  // "bind /usr read-only", for error messages
};

struct MountPlan {
  std::vector<MountOp> ops;
};

// Parent side: resolves symlinks, checks that the sources exist and lists
// every step, so the child only runs syscalls on ready-made strings.
Result<MountPlan> plan_mounts(const MountRequest& req);

// Child side, in the new mount namespace (and pid namespace, for /proc).
// Async-signal-safe. Returns 0, or errno with *failed_op set to the index of
// the failing op (-1: one of the fixed pivot steps, named by *step).
int apply_mounts(const MountPlan& plan, int* failed_op, const char** step);

}  // namespace bt::sandbox
