// Process-wide bookkeeping for the children run_process starts, and the
// killing of whole process trees, including descendants that escaped the
// child's session with setsid() or were orphaned by a double fork.
//
// How escapees are caught: the runner makes itself a child subreaper, so an
// orphaned descendant is reparented to us instead of to init. After a run,
// kill_orphans() kills every process whose parent is us and that is not a
// tracked child, nor in the session of a run still in progress, nor in our own
// session (those were started by other code in this program, e.g. popen).
// A setsid() escapee of a run that is still going can be killed by another
// thread's sweep; tools have no business leaving daemons behind, so that is
// accepted.
#pragma once

#include <sys/types.h>

#include <mutex>

namespace bt::sandbox {

// Once per process: ignore SIGPIPE (a child closing its stdin must surface as
// EPIPE from write, not kill us) and become a child subreaper.
void prepare_process_wide();

// Hold this across fork() and register_child(): a sweep in another thread
// must never see our fresh child before it is registered.
std::unique_lock<std::mutex> lock_children();
void register_child(const std::unique_lock<std::mutex>& held, pid_t pid);
// After the child has been reaped.
void forget_child(pid_t pid);

// SIGKILLs the child's process group, the child, and (while the child is
// alive) every descendant found through /proc parent links. Once the child
// has exited its descendants are reparented to us and kill_orphans finds
// them, so the costly /proc walk is skipped. Call before reaping the child,
// so its pid (and thus its process group id) cannot be reused meanwhile.
void kill_tree(pid_t child, bool child_exited);

// Kills and reaps orphans reparented to us (see above), with their subtrees,
// until none remain or a bounded number of rounds has passed.
void kill_orphans();

}  // namespace bt::sandbox
