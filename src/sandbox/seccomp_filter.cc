#include "sandbox/seccomp_filter.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>

#include "sandbox/fd.h"

namespace bt::sandbox {
namespace {

// Denied outright, whatever the arguments.
constexpr const char* kDenied[] = {"ptrace",
                                   "mount",
                                   "umount2",
                                   "pivot_root",
                                   "unshare",
                                   "setns",
                                   "keyctl",
                                   "add_key",
                                   "request_key",
                                   "bpf",
                                   "perf_event_open",
                                   "io_uring_setup",
                                   "io_uring_enter",
                                   "io_uring_register",
                                   "reboot",
                                   "kexec_load",
                                   "kexec_file_load",
                                   "init_module",
                                   "finit_module",
                                   "delete_module",
                                   "clock_settime",
                                   "clock_adjtime",
                                   "settimeofday",
                                   "adjtimex",
                                   "swapon",
                                   "swapoff",
                                   "acct",
                                   "userfaultfd",
                                   "process_vm_readv",
                                   "process_vm_writev",
                                   "open_by_handle_at",
                                   "name_to_handle_at",
                                   "fsopen",
                                   "fsmount",
                                   "move_mount",
                                   "open_tree",
                                   "fsconfig",
                                   "fspick",
                                   "mount_setattr",
                                   "lookup_dcookie",
                                   "vhangup",
                                   "quotactl",
                                   "nfsservctl",
                                   "syslog"};

constexpr unsigned long kNamespaceFlags[] = {CLONE_NEWNS,  CLONE_NEWCGROUP, CLONE_NEWUTS,
                                             CLONE_NEWIPC, CLONE_NEWUSER,   CLONE_NEWPID,
                                             CLONE_NEWNET};

using Ctx = std::unique_ptr<void, void (*)(scmp_filter_ctx)>;

Status rule(scmp_filter_ctx ctx, uint32_t action, const char* name, unsigned n = 0,
            const scmp_arg_cmp* cmp = nullptr) {
  const int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR) return {};  // not on this architecture
  const int rc = seccomp_rule_add_array(ctx, action, nr, n, cmp);
  if (rc != 0) return infra_error(fmt::format("seccomp rule for {}: {}", name, std::strerror(-rc)));
  return {};
}

Result<SeccompProgram> compile() {
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW), &seccomp_release);
  if (!ctx) return infra_error("seccomp_init failed");
  const uint32_t deny = SCMP_ACT_ERRNO(EPERM);
  for (const char* name : kDenied)
    if (auto s = rule(ctx.get(), deny, name); !s) return s.error();
  // clone3 passes its flags in memory the filter cannot read: ENOSYS makes
  // glibc fall back to clone, whose flags we can check.
  if (auto s = rule(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), "clone3"); !s) return s.error();
  for (unsigned long flag : kNamespaceFlags) {
    const scmp_arg_cmp cmp = SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag);
    if (auto s = rule(ctx.get(), deny, "clone", 1, &cmp); !s) return s.error();
  }
  // The kernel looks at the low 32 bits of the request only, so compare just
  // those: 0x100000000|TIOCSTI must be caught too.
  for (unsigned long req :
       {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)}) {
    const scmp_arg_cmp cmp = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, req);
    if (auto s = rule(ctx.get(), deny, "ioctl", 1, &cmp); !s) return s.error();
  }
  // personality: only the query (0xffffffff) stays allowed. libseccomp 2.5
  // takes one comparison per argument, so even setting PER_LINUX is denied;
  // nothing a data tool runs needs it.
  const scmp_arg_cmp persona = SCMP_A0(SCMP_CMP_NE, 0xffffffffUL);
  if (auto s = rule(ctx.get(), deny, "personality", 1, &persona); !s) return s.error();

  // libseccomp 2.5 exports only to a descriptor; a memfd keeps it in memory.
  Fd mem(::memfd_create("bt-seccomp", MFD_CLOEXEC));
  if (!mem.valid()) return infra_error(std::string("memfd_create: ") + std::strerror(errno));
  if (int rc = seccomp_export_bpf(ctx.get(), mem.get()); rc != 0)
    return infra_error(std::string("seccomp_export_bpf: ") + std::strerror(-rc));
  const off_t size = ::lseek(mem.get(), 0, SEEK_END);
  if (size <= 0 || size % sizeof(sock_filter) != 0) return infra_error("seccomp: bad BPF size");
  SeccompProgram p;
  p.code.resize(static_cast<size_t>(size) / sizeof(sock_filter));
  if (::pread(mem.get(), p.code.data(), static_cast<size_t>(size), 0) != size)
    return infra_error("seccomp: cannot read back the BPF");
  return p;
}

}  // namespace

Result<const SeccompProgram*> tool_seccomp_program() {
  static std::once_flag once;
  static Result<SeccompProgram> program = infra_error("not compiled");
  std::call_once(once, [] { program = compile(); });
  if (!program) return program.error();
  return &*program;
}

int install_seccomp(const sock_fprog& prog) {
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0 ? 0 : errno;
}

}  // namespace bt::sandbox
