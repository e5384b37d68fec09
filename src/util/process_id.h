#pragma once

#include <string>
#include <sys/types.h>

namespace bt {

// Identifies a live process beyond its pid, which the kernel reuses: the pid
// and its start time (clock ticks since boot, /proc/PID/stat field 22).
// "" if no such process runs.
std::string process_identity(pid_t pid);

}  // namespace bt
