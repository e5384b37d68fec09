#include "llm/limit.h"

#include <algorithm>
#include <chrono>

namespace bt::llm {

Result<Response> LimitedProvider::complete(const Request& request) {
  {
    std::unique_lock lock(mu_);
    const uint64_t ticket = next_ticket_++;
    queue_.push_back(ticket);
    // The condition variable cannot wait on the cancel token, so waiting
    // is sliced: a cancelled request leaves within a few milliseconds.
    while (!(queue_.front() == ticket && in_flight_ < max_)) {
      if (request.cancel && request.cancel->cancelled()) {
        queue_.erase(std::find(queue_.begin(), queue_.end(), ticket));
        cv_.notify_all();
        return cancelled_error(request.cancel->reason());
      }
      cv_.wait_for(lock, std::chrono::milliseconds(20));
    }
    queue_.pop_front();
    ++in_flight_;
    cv_.notify_all();  // the next in line may fit too
  }
  auto r = inner_.complete(request);
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  cv_.notify_all();
  return r;
}

int LimitedProvider::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

int LimitedProvider::waiting() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(queue_.size());
}

}  // namespace bt::llm
