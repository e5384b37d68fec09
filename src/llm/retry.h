// Transient provider faults (connection refused or reset, timeouts, HTTP 429
// and 5xx, garbage answers: everything the provider calls infra) are retried
// inside the generate stage with exponential backoff and full jitter, honour
// Retry-After, and never cost a self-healing attempt. Anything else (bad key,
// unknown model) is returned at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <random>

#include "llm/breaker.h"
#include "llm/provider.h"
#include "util/clock.h"

namespace bt::llm {

struct RetryPolicy {
  int max_retries = 4;
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{20'000};
};

// Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
// uniform in [0, min(cap, base * 2^retry)], retry counting from 0.
std::chrono::milliseconds full_jitter(int retry, const RetryPolicy& policy, std::mt19937_64& rng);

struct RetryEvent {
  int retry = 0;  // 1 for the first retry
  std::chrono::milliseconds delay{0};
  Error error;  // what the failed request said
};

class RetryingProvider : public Provider {
 public:
  RetryingProvider(Provider& inner, RetryPolicy policy, Clock& clock, std::uint64_t seed,
                   CircuitBreaker* breaker = nullptr, std::function<void(const RetryEvent&)> on_retry = {});

  // `request.timeout`, when set, bounds all tries and waits together.
  Result<Response> complete(const Request& request) override;
  std::string describe() const override { return inner_.describe(); }
  std::string endpoint() const override { return inner_.endpoint(); }

 private:
  Provider& inner_;
  RetryPolicy policy_;
  Clock& clock_;
  std::mt19937_64 rng_;
  CircuitBreaker* breaker_;
  std::function<void(const RetryEvent&)> on_retry_;
};

}  // namespace bt::llm
