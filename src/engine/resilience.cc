#include "engine/resilience.h"

#include <charconv>

#include "util/strings.h"

namespace bt::engine {
namespace {

Status read_env(const char* name, long long min, long long max, long long& out) {
  const std::string v = trim(env_or_empty(name));
  if (v.empty()) return {};
  long long x = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x < min || x > max)
    return usage_error(std::string(name) + " must be a whole number from " + std::to_string(min) + " to " +
                       std::to_string(max) + ", got '" + v + "'");
  out = x;
  return {};
}

}  // namespace

Result<Resilience> resilience_from_env() {
  Resilience r;
  long long retries = r.retry.max_retries, base = r.retry.base.count(), cap = r.retry.cap.count();
  long long threshold = r.breaker.threshold, open_s = r.breaker.open_for.count() / 1000;
  for (auto s : {read_env("BITTER_LLM_RETRIES", 0, 20, retries), read_env("BITTER_LLM_BACKOFF_MS", 1, 600'000, base),
                 read_env("BITTER_LLM_BACKOFF_CAP_MS", 1, 3'600'000, cap),
                 read_env("BITTER_BREAKER_THRESHOLD", 1, 1000, threshold),
                 read_env("BITTER_BREAKER_OPEN_S", 1, 86'400, open_s)})
    if (!s) return s.error();
  r.retry = {static_cast<int>(retries), std::chrono::milliseconds(base), std::chrono::milliseconds(cap)};
  r.breaker = {static_cast<int>(threshold), std::chrono::milliseconds(open_s * 1000)};
  return r;
}

Result<llm::BreakerState> JournalBreakerStore::update(const std::string& endpoint,
                                                      const std::function<void(llm::BreakerState&)>& change) {
  auto row = journal_.update_breaker(endpoint, [&](store::BreakerRow& r) {
    llm::BreakerState s{r.state, r.failures, r.opened_at_ms, r.probe_started_ms};
    change(s);
    r.state = s.state;
    r.failures = s.failures;
    r.opened_at_ms = s.opened_at_ms;
    r.probe_started_ms = s.probe_started_ms;
  });
  if (!row) return row.error();
  return llm::BreakerState{row->state, row->failures, row->opened_at_ms, row->probe_started_ms};
}

}  // namespace bt::engine
