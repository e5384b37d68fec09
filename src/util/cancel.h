// Cancellation shared by everything one execution (or one speculative
// candidate) does: HTTP transfers poll it, process supervision waits on its
// file descriptor, backoff sleeps wake on it. Tokens form a tree: cancelling
// an execution cancels its candidates, never the other way round.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bt {

class CancelToken : public std::enable_shared_from_this<CancelToken> {
 public:
  // A child of `parent` is cancelled with it (at once if it already is).
  static std::shared_ptr<CancelToken> make(const std::shared_ptr<CancelToken>& parent = nullptr);
  ~CancelToken();
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  // The first reason wins; later calls do nothing. Safe from any thread.
  void cancel(const std::string& reason);
  bool cancelled() const;
  std::string reason() const;  // empty until cancelled
  // Readable (POLLIN) once cancelled: for poll() loops. -1 if the eventfd
  // could not be made, in which case pollers must also check cancelled().
  int fd() const { return fd_; }
  // Waits up to `d`; returns early (false) when cancelled.
  bool sleep_for(std::chrono::milliseconds d) const;

 private:
  CancelToken();

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool cancelled_ = false;
  std::string reason_;
  std::vector<std::weak_ptr<CancelToken>> children_;
  int fd_ = -1;
};

using CancelPtr = std::shared_ptr<CancelToken>;

}  // namespace bt
