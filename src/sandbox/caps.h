// Dropping privileges in the tool's process right before exec: supplementary
// groups, the capability bounding set, the uid/gid, every capability set, and
// no_new_privs so that no setuid binary or file capability can win them back.
#pragma once

#include <sys/types.h>

namespace bt::sandbox {

struct Identity {
  bool change = false;  // setres[ug]id to uid/gid (we are root, in or out of a user ns)
  uid_t uid = 65534;
  gid_t gid = 65534;
};

// Async-signal-safe. Returns 0 or errno; *step names the failing step.
int drop_privileges(const Identity& id, const char** step);

}  // namespace bt::sandbox
