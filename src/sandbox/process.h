// Runs one child process with its whole tree bounded: stdin fed and
// stdout/stderr drained concurrently (no pipe-full deadlock), output capped,
// a wall-clock deadline, and every descendant killed at the end.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/isolate.h"
#include "util/cancel.h"
#include "util/result.h"

namespace bt::sandbox {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is an absolute path; no shell involved
  std::string cwd;                // empty: inherit ours
  std::vector<std::string> env;   // the complete environment, KEY=VALUE
  std::string stdin_data;
  std::chrono::milliseconds timeout{30'000};
  size_t stdout_cap = 1 << 20;
  size_t stderr_cap = 256 << 10;
  // Set: run in the sandbox (isolate.h); cwd should be isolation->workspace.
  // Unset: a plain child process (the --unsafe-no-sandbox path).
  std::optional<Isolation> isolation;
  // Set: cancelling it kills the process (and its tree) at once, as the
  // deadline would; the result says cancelled instead of timed_out.
  const CancelToken* cancel = nullptr;
};

struct ProcessResult {
  int exit_code = -1;   // valid when term_signal == 0
  int term_signal = 0;  // signal that ended the child, 0 if it exited
  bool timed_out = false;
  bool cancelled = false;  // killed because spec.cancel was cancelled
  bool stdout_truncated = false, stderr_truncated = false;
  std::string out, err;
  std::chrono::milliseconds wall{0};
  std::chrono::microseconds cpu{0};
  long max_rss_kb = 0;
  pid_t pid = 0;
  std::chrono::milliseconds timeout{0};  // the limit that applied (for describe)
  bool isolated = false;
  // The limit the run hit: "timeout", "cpu", "memory", "file_size", "output"
  // or "" (see classify_limit in limits.h).
  std::string limit_hit;
  Limits limits;          // what applied, when isolated
  size_t stdout_cap = 0;
  // "exit 0", "exit 3", "killed by SIGSEGV", "timed out after 2000 ms (killed)",
  // "killed by SIGXCPU: the tool exceeded the CPU time limit of 2 s"
  std::string describe() const;
  // limit_text() for limit_hit; empty when no limit was hit.
  std::string limit_description() const;
};

// Errors only when the process cannot be started (infra), e.g.
// "cannot start /x/nu: No such file or directory"; a relative argv[0] is an
// internal error. When a capture exceeds its cap the rest is drained and
// discarded, *_truncated is set and "\n[bitter: output truncated at N bytes]"
// is appended to the text.
//
// Safe to call from several threads at once. Process-wide side effects, on
// the first call: SIGPIPE is ignored (writes to a closed pipe or socket return
// EPIPE instead) and the process becomes a child subreaper, so descendants a
// tool orphans are reparented to us and killed. Consequence for the rest of
// the program: a direct child that run_process did not start and that runs
// in a session other than ours is taken for an escaped tool descendant and
// killed; children that other code forks stay in our session and are safe.
Result<ProcessResult> run_process(const ProcessSpec& spec);

// "SIGSEGV", "SIGKILL", ...; "signal 77" when unknown.
std::string signal_name(int sig);

}  // namespace bt::sandbox
