// Ctrl-C and SIGTERM as a cancellation: while a SignalCancel lives, SIGINT,
// SIGTERM and SIGHUP cancel its token (the execution ends as KILLED, its
// LLM request aborted and its processes killed) instead of killing bitter
// mid-write. A second signal exits at once.
#pragma once

#include <thread>

#include <signal.h>

#include "util/cancel.h"

namespace bt {

class SignalCancel {
 public:
  // Blocks the signals in the calling thread (so create it before starting
  // other threads; children reset their mask before exec).
  explicit SignalCancel(CancelPtr token);
  ~SignalCancel();
  SignalCancel(const SignalCancel&) = delete;
  SignalCancel& operator=(const SignalCancel&) = delete;

 private:
  CancelPtr token_;
  sigset_t old_mask_{};
  int signal_fd_ = -1, stop_fd_ = -1;
  std::thread waiter_;
};

}  // namespace bt
