// Resource limits for an isolated tool (setrlimit in the child), and the
// classification of a finished run into the limit it hit, if any.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace bt::sandbox {

struct Limits {
  // Address space, not RSS: nu (static-pie, Rust) reserves far more virtual
  // memory than it touches, so this must stay well above its idle footprint.
  uint64_t memory_bytes = 1024ULL << 20;
  int cpu_seconds = 30;
  // Counted per real uid by the kernel; the tool runs as its own uid (see
  // caps.h), so this bounds a fork bomb.
  int nproc = 64;
  int nofile = 256;
  uint64_t fsize_bytes = 64ULL << 20;
};

// Applies every limit (soft == hard, except CPU whose hard limit is one second
// later so SIGXCPU arrives before SIGKILL) plus RLIMIT_CORE = 0.
// Async-signal-safe. Returns 0 or the errno of the failing setrlimit.
int apply_rlimits(const Limits& limits);

struct RunFacts {
  int term_signal = 0, exit_code = 0;
  bool timed_out = false, stdout_truncated = false;
  long max_rss_kb = 0;
  const std::string* err = nullptr;  // the captured stderr
};

// "timeout", "cpu", "file_size", "memory", "output", or "" when no limit was
// hit. Memory is inferred: the kernel does not say that an allocation failed
// because of RLIMIT_AS, so an abort/kill with an allocation failure message
// on stderr or an RSS close to the limit counts as the memory limit.
std::string classify_limit(const RunFacts& facts, const Limits& limits);

// "the tool exceeded the memory limit of 512 MB", ... for describe() and
// feedback; empty for an empty limit.
std::string limit_text(const std::string& limit, const Limits& limits, uint64_t stdout_cap);

}  // namespace bt::sandbox
