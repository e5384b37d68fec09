#include "sandbox/caps.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace bt::sandbox {
namespace {

// Raw syscalls: glibc's setresuid/setgroups broadcast the change to every
// thread it knows of and wait for them, and after our raw clone it still
// believes bitter's other threads exist: it would wait forever.
long set_groups_none() { return ::syscall(SYS_setgroups, 0, nullptr); }
long set_res_gid(gid_t g) { return ::syscall(SYS_setresgid, g, g, g); }
long set_res_uid(uid_t u) { return ::syscall(SYS_setresuid, u, u, u); }

int fail(const char** step, const char* what) {
  *step = what;
  return errno != 0 ? errno : EPERM;
}

}  // namespace

int drop_privileges(const Identity& id, const char** step) {
  // Groups first: setgroups needs CAP_SETGID, gone after setresuid. EPERM is
  // expected when the user ns was created with setgroups denied (unprivileged
  // parent); then the only group left is the one mapped gid anyway.
  if (set_groups_none() != 0 && errno != EPERM) return fail(step, "setgroups");
  // The bounding set needs CAP_SETPCAP, so it goes while we still have it.
  for (int cap = 0; cap <= 63; ++cap) {
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
      return fail(step, "PR_CAPBSET_DROP");
  }
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);  // EINVAL on old kernels
  if (id.change) {
    if (set_res_gid(id.gid) != 0) return fail(step, "setresgid");
    if (set_res_uid(id.uid) != 0) return fail(step, "setresuid");
  }
  // Changing to a non-zero uid already clears the sets; without it (ns root
  // mapped to an unprivileged user) we clear them ourselves.
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capset, &hdr, data) != 0) return fail(step, "capset");
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail(step, "PR_SET_NO_NEW_PRIVS");
  return 0;
}

}  // namespace bt::sandbox
