// A circuit breaker per LLM endpoint. After `threshold` consecutive transient
// failures it opens: requests fail at once (exit 3) with the time of the next
// probe instead of hammering a dead server. After `open_for` one probe goes
// through (half-open); its success closes the breaker, its failure reopens it.
// The state lives in a store shared by every bitter process (the journal).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "util/clock.h"
#include "util/result.h"

namespace bt::llm {

struct BreakerPolicy {
  int threshold = 5;
  std::chrono::milliseconds open_for{30'000};
};

struct BreakerState {
  std::string state = "closed";  // closed | open | half_open
  int failures = 0;
  long long opened_at_ms = 0;      // wall clock
  long long probe_started_ms = 0;  // wall clock
};

class BreakerStore {
 public:
  virtual ~BreakerStore() = default;
  // Read-modify-write of one endpoint's state, atomic across processes.
  virtual Result<BreakerState> update(const std::string& endpoint,
                                      const std::function<void(BreakerState&)>& change) = 0;
};

class MemoryBreakerStore : public BreakerStore {
 public:
  Result<BreakerState> update(const std::string& endpoint,
                              const std::function<void(BreakerState&)>& change) override;

 private:
  std::mutex mu_;
  std::map<std::string, BreakerState> states_;
};

class CircuitBreaker {
 public:
  // `on_change(from, to, state)` hears every state change, for the log.
  using Listener = std::function<void(const std::string& from, const std::string& to, const BreakerState&)>;
  CircuitBreaker(std::string endpoint, BreakerPolicy policy, BreakerStore& store, Clock& clock,
                 Listener on_change = {});

  // Ok to send a request now? An infra error saying when the next probe is
  // due if not. A half-open breaker lets exactly one caller through.
  Status allow();
  void success();
  void failure();
  const std::string& endpoint() const { return endpoint_; }

 private:
  void changed(const std::string& from, const BreakerState& now);

  std::string endpoint_;
  BreakerPolicy policy_;
  BreakerStore& store_;
  Clock& clock_;
  Listener on_change_;
};

}  // namespace bt::llm
