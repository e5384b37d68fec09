#include "llm/retry.h"

#include <algorithm>

namespace bt::llm {

using std::chrono::milliseconds;

milliseconds full_jitter(int retry, const RetryPolicy& policy, std::mt19937_64& rng) {
  long long ceiling = static_cast<long long>(policy.base.count());
  const auto cap = static_cast<long long>(policy.cap.count());
  for (int i = 0; i < retry && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  std::uniform_int_distribution<long long> pick(0, std::max(0LL, ceiling));
  return milliseconds(pick(rng));
}

RetryingProvider::RetryingProvider(Provider& inner, RetryPolicy policy, Clock& clock, std::uint64_t seed,
                                   CircuitBreaker* breaker, std::function<void(const RetryEvent&)> on_retry)
    : inner_(inner), policy_(policy), clock_(clock), rng_(seed), breaker_(breaker), on_retry_(std::move(on_retry)) {}

Result<Response> RetryingProvider::complete(const Request& request) {
  const bool bounded = request.timeout.count() > 0;
  const auto deadline = clock_.now() + request.timeout;
  auto time_left = [&] { return std::chrono::duration_cast<milliseconds>(deadline - clock_.now()); };
  auto stopped = [&] {
    return cancelled_error("LLM request cancelled: " + request.cancel->reason());
  };
  for (int retry = 0;; ++retry) {
    if (request.cancel && request.cancel->cancelled()) return stopped();
    if (breaker_) {
      if (auto open = breaker_->allow(); !open) return open.error();
    }
    Request attempt = request;
    if (bounded) {
      attempt.timeout = time_left();
      if (attempt.timeout.count() <= 0) return infra_error("deadline reached before the LLM answered");
    }
    auto answer = inner_.complete(attempt);
    if (answer) {
      if (breaker_) breaker_->success();
      return answer;
    }
    Error error = answer.error();
    if (error.kind != ErrorKind::infra) return error;  // our request or set-up: retrying cannot help
    if (breaker_) breaker_->failure();
    if (retry >= policy_.max_retries) {
      if (retry > 0) error.message += " (gave up after " + std::to_string(retry) + " retries)";
      return error;
    }
    milliseconds delay = full_jitter(retry, policy_, rng_);
    if (error.retry_after) delay = std::max(delay, *error.retry_after);  // the server knows best
    if (bounded && delay >= time_left()) {
      error.message += " (no time left before the deadline to retry)";
      return error;
    }
    if (on_retry_) on_retry_({retry + 1, delay, error});
    clock_.sleep_for(delay, request.cancel);
  }
}

}  // namespace bt::llm
