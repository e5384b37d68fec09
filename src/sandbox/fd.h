// Thin syscall helpers shared by the sandbox files: a wrapper that retries a
// call interrupted by a signal, and a move-only owner of a file descriptor so
// that every early return closes what it opened.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace bt::sandbox {

// Calls f() (a syscall-style call: -1 plus errno on failure) until it does not
// fail with EINTR. Signals may interrupt any blocking call in a program that
// also runs threads and timers; none of our callers wants to see EINTR.
template <class F>
auto eintr_retry(F&& f) {
  for (;;) {
    auto r = f();
    if (r != -1 || errno != EINTR) return r;
  }
}

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  // close() is deliberately not retried: on Linux the descriptor is gone even
  // when close reports EINTR, and retrying could close someone else's reuse.
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace bt::sandbox
