#include "llm/breaker.h"

#include <ctime>

namespace bt::llm {
namespace {

std::string clock_time(long long wall_ms) {
  const std::time_t t = static_cast<std::time_t>(wall_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

Result<BreakerState> MemoryBreakerStore::update(const std::string& endpoint,
                                                const std::function<void(BreakerState&)>& change) {
  std::lock_guard lock(mu_);
  BreakerState& s = states_[endpoint];
  change(s);
  return s;
}

CircuitBreaker::CircuitBreaker(std::string endpoint, BreakerPolicy policy, BreakerStore& store, Clock& clock,
                               Listener on_change)
    : endpoint_(std::move(endpoint)), policy_(policy), store_(store), clock_(clock), on_change_(std::move(on_change)) {}

void CircuitBreaker::changed(const std::string& from, const BreakerState& now) {
  if (on_change_ && from != now.state) on_change_(from, now.state, now);
}

Status CircuitBreaker::allow() {
  const long long now = clock_.wall_ms();
  const long long open_ms = policy_.open_for.count();
  std::string from;
  bool allowed = true;
  auto state = store_.update(endpoint_, [&](BreakerState& s) {
    from = s.state;
    allowed = true;
    if (s.state == "open" && now >= s.opened_at_ms + open_ms) {
      s.state = "half_open";  // time to probe; this caller is the probe
      s.probe_started_ms = now;
    } else if (s.state == "open") {
      allowed = false;
    } else if (s.state == "half_open") {
      // One probe at a time; a probe that never reported back (its process
      // died) gives way after another open period.
      if (now < s.probe_started_ms + open_ms) allowed = false;
      else s.probe_started_ms = now;
    }
  });
  // A breaker that cannot be read must not stop work: the request decides.
  if (!state) return {};
  changed(from, *state);
  if (allowed) return {};
  const long long probe_at =
      state->state == "open" ? state->opened_at_ms + open_ms : state->probe_started_ms + open_ms;
  const long long in_s = std::max(0LL, (probe_at - now + 999) / 1000);
  return infra_error("circuit breaker open for LLM endpoint " + endpoint_ + " after " +
                     std::to_string(state->failures) + " consecutive failures; next probe at " +
                     clock_time(probe_at) + " (in " + std::to_string(in_s) + " s). See `bitter doctor`.");
}

void CircuitBreaker::success() {
  std::string from;
  auto state = store_.update(endpoint_, [&](BreakerState& s) {
    from = s.state;
    s.state = "closed";
    s.failures = 0;
  });
  if (state) changed(from, *state);
}

void CircuitBreaker::failure() {
  const long long now = clock_.wall_ms();
  std::string from;
  auto state = store_.update(endpoint_, [&](BreakerState& s) {
    from = s.state;
    ++s.failures;
    if (s.state == "half_open" || (s.state == "closed" && s.failures >= policy_.threshold)) {
      s.state = "open";
      s.opened_at_ms = now;
    }
  });
  if (state) changed(from, *state);
}

}  // namespace bt::llm
