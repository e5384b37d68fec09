// no_namespaces PROGRAM [ARGS...]: runs PROGRAM where no namespace can be
// created, the way Docker's default seccomp profile and systemd's
// RestrictNamespaces= forbid it: a seccomp filter (inherited by everything
// PROGRAM starts, and not removable) makes clone/unshare with any CLONE_NEW*
// flag and setns fail with EPERM, and clone3 (whose flags a filter cannot
// read) fail with ENOSYS, so callers fall back to clone. For the tests of
// what bitter does on such a host; a test-only helper, not part of bitter.
#include <sched.h>
#include <seccomp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: no_namespaces PROGRAM [ARGS...]\n");
    return 2;
  }
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) return 3;
  constexpr scmp_datum_t kFlags[] = {CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,   CLONE_NEWUSER,
                                     CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP};
  int rc = 0;
  for (const scmp_datum_t f : kFlags)
    for (const int call : {SCMP_SYS(clone), SCMP_SYS(unshare)})
      rc = rc ? rc
              : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), call, 1,
                                 SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
  if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 0);
  if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  if (rc == 0) rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc != 0) {
    std::fprintf(stderr, "no_namespaces: seccomp: %s\n", std::strerror(-rc));
    return 3;
  }
  ::execv(argv[1], argv + 1);
  std::fprintf(stderr, "no_namespaces: cannot run %s: %s\n", argv[1], std::strerror(errno));
  return 127;
}
