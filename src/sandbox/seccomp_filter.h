// The syscall filter a tool runs under: everything allowed except what a data
// tool never needs and a sandbox escape often does (namespaces, mounts,
// ptrace, keyrings, bpf, io_uring, module loading, clock setting, TIOCSTI).
// Denied calls fail with EPERM, so the tool reports "Operation not permitted".
#pragma once

#include <linux/filter.h>

#include <vector>

#include "util/result.h"

namespace bt::sandbox {

struct SeccompProgram {
  std::vector<sock_filter> code;
  sock_fprog prog() const {
    return {static_cast<unsigned short>(code.size()), const_cast<sock_filter*>(code.data())};
  }
};

// Compiled once with libseccomp (which allocates, so never after fork) and
// cached; the child only installs the finished BPF.
Result<const SeccompProgram*> tool_seccomp_program();

// Async-signal-safe: PR_SET_SECCOMP with the program. Needs no_new_privs (or
// CAP_SYS_ADMIN). Returns 0 or errno.
int install_seccomp(const sock_fprog& prog);

}  // namespace bt::sandbox
