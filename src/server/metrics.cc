#include "server/metrics.h"

#include <fmt/format.h>

#include "engine/feedback.h"
#include "engine/loop.h"

namespace bt::server {
namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <typename Map>
void counter_family(std::string& out, const char* name, const char* help, const char* label, const Map& m) {
  header(out, name, "counter", help);
  for (const auto& [k, v] : m) out += fmt::format("{}{{{}=\"{}\"}} {}\n", name, label, escape_label(k), v);
}

}  // namespace

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += v;
  ++count_;
}

void Histogram::write(std::string& out, const std::string& name, const std::string& labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  unsigned long long cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, bounds_[i], cumulative);
  }
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, count_);
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, braces, sum_, name, braces, count_);
}

nlohmann::json Histogram::to_json() const {
  return {{"bounds", bounds_}, {"counts", counts_}, {"sum", sum_}, {"count", count_}};
}

nlohmann::json Metrics::summary(engine::Service& service) const {
  nlohmann::json by_state = nlohmann::json::object();
  if (auto counts = service.journal().count_by_state(); counts)
    for (const auto& [state, n] : *counts) by_state[state] = n;
  const auto st = service.stats();
  std::lock_guard lock(mu_);
  nlohmann::json stages = nlohmann::json::object();
  for (const auto& [name, h] : stage_seconds_) stages[name] = h.to_json();
  return {{"by_state", by_state},   {"queued", st.queued},           {"running", st.running},
          {"attempts", attempts_.to_json()}, {"stage_seconds", stages}, {"llm_in_flight", st.llm_in_flight}};
}

void Metrics::on_stage(const engine::StageEvent& e) {
  std::lock_guard lock(mu_);
  static const std::vector<double> kStageBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                     2.5,   5,    10,    30,   60,  120,  300};
  stage_seconds_.try_emplace(e.stage, kStageBounds).first->second.observe(e.duration_ms / 1000.0);
  const std::string& provider = provider_;
  if (e.stage == engine::kGenerate && !e.detail.value("resumed", false)) {
    ++llm_requests_[provider];
    if (!e.ok && !e.detail.contains("finish_reason")) ++llm_errors_[provider];
    tokens_prompt_[provider] += e.detail.value("prompt_tokens", 0LL);
    tokens_completion_[provider] += e.detail.value("completion_tokens", 0LL);
  } else if (e.stage == engine::kLlmRetry) {
    ++llm_requests_[provider];
    ++llm_errors_[provider];
    ++llm_retries_[provider];
  } else if (e.stage == engine::kExecute) {
    const std::string hit = e.detail.value("limit_hit", "");
    if (!hit.empty()) ++limit_hits_[hit];
    else if (e.detail.value("timed_out", false)) ++limit_hits_["timeout"];
    else if (e.detail.value("signal", 0) != 0) ++limit_hits_["signal"];
  }
}

void Metrics::on_finish(const store::ExecutionRow& row, const engine::Outcome& o) {
  std::lock_guard lock(mu_);
  ++finished_[row.state];
  if (!o.attempts.empty() || row.attempts > 0) attempts_.observe(row.attempts);
  if (o.cache_lookup == "hit") ++cache_hits_;
  if (o.cache_lookup == "miss") ++cache_misses_;
}

void Metrics::on_breaker(const std::string& endpoint, const std::string&, const std::string& to, int) {
  std::lock_guard lock(mu_);
  breaker_state_[endpoint] = to;
}

void Metrics::count_request(const std::string& route, int status) {
  std::lock_guard lock(mu_);
  ++http_requests_[{route, status}];
}

std::string Metrics::render(engine::Service& service) const {
  std::string out;
  const auto stats = service.stats();
  header(out, "bitter_executions", "gauge", "Executions in the journal by state.");
  if (auto by_state = service.journal().count_by_state(); by_state)
    for (const auto& [state, n] : *by_state) out += fmt::format("bitter_executions{{state=\"{}\"}} {}\n", state, n);
  header(out, "bitter_queue_length", "gauge", "Executions waiting for a worker (QUEUED).");
  out += fmt::format("bitter_queue_length {}\n", stats.queued);
  header(out, "bitter_running_executions", "gauge", "Executions running now.");
  out += fmt::format("bitter_running_executions {}\n", stats.running);
  header(out, "bitter_workers", "gauge", "Worker threads started.");
  out += fmt::format("bitter_workers {}\n", stats.workers);
  header(out, "bitter_llm_in_flight", "gauge", "LLM requests in flight.");
  out += fmt::format("bitter_llm_in_flight {}\n", stats.llm_in_flight);
  header(out, "bitter_llm_waiting", "gauge", "LLM requests waiting for the concurrency limit.");
  out += fmt::format("bitter_llm_waiting {}\n", stats.llm_waiting);

  std::lock_guard lock(mu_);
  counter_family(out, "bitter_executions_finished_total", "Executions this server finished, by final state.",
                 "state", finished_);
  header(out, "bitter_attempts_per_execution", "histogram", "Attempts an execution took.");
  attempts_.write(out, "bitter_attempts_per_execution", "");
  header(out, "bitter_stage_duration_seconds", "histogram", "Duration of each stage.");
  for (const auto& [stage, h] : stage_seconds_)
    h.write(out, "bitter_stage_duration_seconds", fmt::format("stage=\"{}\"", escape_label(stage)));
  counter_family(out, "bitter_llm_requests_total", "LLM requests sent, by provider.", "provider", llm_requests_);
  counter_family(out, "bitter_llm_errors_total", "LLM requests that failed, by provider.", "provider", llm_errors_);
  counter_family(out, "bitter_llm_retries_total", "Transient LLM faults retried, by provider.", "provider",
                 llm_retries_);
  counter_family(out, "bitter_llm_prompt_tokens_total", "Prompt tokens, by provider.", "provider", tokens_prompt_);
  counter_family(out, "bitter_llm_completion_tokens_total", "Completion tokens, by provider.", "provider",
                 tokens_completion_);
  header(out, "bitter_circuit_breaker_open", "gauge", "1 while the endpoint's breaker is open or half-open.");
  auto breakers = breaker_state_;
  if (auto rows = service.journal().breakers(); rows)
    for (const auto& b : *rows) breakers[b.endpoint] = b.state;
  for (const auto& [endpoint, state] : breakers)
    out += fmt::format("bitter_circuit_breaker_open{{endpoint=\"{}\",state=\"{}\"}} {}\n", escape_label(endpoint),
                       state, state == "closed" ? 0 : 1);
  header(out, "bitter_cache_hits_total", "counter", "Validated tools reused from the cache.");
  out += fmt::format("bitter_cache_hits_total {}\n", cache_hits_);
  header(out, "bitter_cache_misses_total", "counter", "Cache lookups that found no usable tool.");
  out += fmt::format("bitter_cache_misses_total {}\n", cache_misses_);
  counter_family(out, "bitter_sandbox_limit_hits_total", "Tool runs stopped by a sandbox limit, by kind.", "kind",
                 limit_hits_);
  header(out, "bitter_http_requests_total", "counter", "API requests by route and status.");
  for (const auto& [key, n] : http_requests_)
    out += fmt::format("bitter_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", escape_label(key.first),
                       key.second, n);
  return out;
}

}  // namespace bt::server
