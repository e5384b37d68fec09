#include "sandbox/limits.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>

namespace bt::sandbox {
namespace {

int set(int resource, rlim_t soft, rlim_t hard) {
  const rlimit rl{soft, hard};
  return ::setrlimit(resource, &rl) == 0 ? 0 : errno;
}

bool mentions_allocation_failure(const std::string& err) {
  // nu/Rust: "memory allocation of N bytes failed"; glibc/python/bash:
  // "Cannot allocate memory", "MemoryError", "out of memory".
  static constexpr std::array<const char*, 5> kNeedles = {"memory allocation of",
                                                          "Cannot allocate memory", "MemoryError",
                                                          "out of memory", "std::bad_alloc"};
  return std::any_of(kNeedles.begin(), kNeedles.end(),
                     [&](const char* n) { return err.find(n) != std::string::npos; });
}

}  // namespace

int apply_rlimits(const Limits& l) {
  if (int e = set(RLIMIT_AS, l.memory_bytes, l.memory_bytes)) return e;
  const auto cpu = static_cast<rlim_t>(l.cpu_seconds);
  if (int e = set(RLIMIT_CPU, cpu, cpu + 1)) return e;
  if (int e = set(RLIMIT_NPROC, l.nproc, l.nproc)) return e;
  if (int e = set(RLIMIT_NOFILE, l.nofile, l.nofile)) return e;
  if (int e = set(RLIMIT_FSIZE, l.fsize_bytes, l.fsize_bytes)) return e;
  return set(RLIMIT_CORE, 0, 0);
}

std::string classify_limit(const RunFacts& f, const Limits& limits) {
  if (f.timed_out) return "timeout";
  if (f.term_signal == SIGXCPU) return "cpu";
  if (f.term_signal == SIGXFSZ) return "file_size";
  const bool abnormal = f.term_signal == SIGABRT || f.term_signal == SIGKILL ||
                        f.term_signal == SIGSEGV || f.term_signal == SIGBUS;
  const bool said_so = f.err != nullptr && mentions_allocation_failure(*f.err);
  const uint64_t rss = static_cast<uint64_t>(std::max(0L, f.max_rss_kb)) << 10;
  const bool near_limit = limits.memory_bytes > 0 && rss >= limits.memory_bytes / 10 * 9;
  if ((said_so && (abnormal || f.exit_code != 0)) || (abnormal && near_limit)) return "memory";
  if (f.stdout_truncated) return "output";
  return "";
}

std::string limit_text(const std::string& limit, const Limits& l, uint64_t stdout_cap) {
  if (limit == "memory")
    return fmt::format("the tool exceeded the memory limit of {} MB", l.memory_bytes >> 20);
  if (limit == "cpu")
    return fmt::format("the tool exceeded the CPU time limit of {} s", l.cpu_seconds);
  if (limit == "file_size")
    return fmt::format("the tool wrote more than {} bytes to a file", l.fsize_bytes);
  if (limit == "output")
    return fmt::format("the tool printed more than {} bytes on stdout", stdout_cap);
  if (limit == "timeout") return "the tool exceeded the wall-clock limit";
  return "";
}

}  // namespace bt::sandbox
