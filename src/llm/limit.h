// At most N requests in flight to one provider, however many executions
// want one: the rest wait their turn (in arrival order), and a waiting
// request that is cancelled leaves the queue at once.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

#include "llm/provider.h"

namespace bt::llm {

class LimitedProvider final : public Provider {
 public:
  LimitedProvider(Provider& inner, int max_in_flight) : inner_(inner), max_(max_in_flight < 1 ? 1 : max_in_flight) {}

  Result<Response> complete(const Request& request) override;
  std::string describe() const override { return inner_.describe(); }
  std::string endpoint() const override { return inner_.endpoint(); }

  int in_flight() const;
  int waiting() const;

 private:
  Provider& inner_;
  const int max_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  uint64_t next_ticket_ = 0;
  std::deque<uint64_t> queue_;  // waiting tickets, oldest first
};

}  // namespace bt::llm
