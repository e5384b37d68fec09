// Prometheus metrics (text exposition format 0.0.4) from the engine's
// events: executions by final state, attempts per execution, stage
// durations, LLM requests, errors, retries and tokens, breaker state, cache
// hits and misses, sandbox limit hits, plus queue and running gauges.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/events.h"
#include "engine/service.h"

namespace bt::server {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}
  void observe(double v);
  // `name`_bucket/_sum/_count lines with `labels` (e.g. `stage="execute"`, or "").
  void write(std::string& out, const std::string& name, const std::string& labels) const;
  nlohmann::json to_json() const;  // {bounds, counts (per bucket, last +Inf), sum, count}

 private:
  std::vector<double> bounds_;
  std::vector<unsigned long long> counts_;  // per bucket, not cumulative; the last is +Inf
  double sum_ = 0;
  unsigned long long count_ = 0;
};

class Metrics final : public engine::EventSink {
 public:
  Metrics() = default;
  // The LLM provider's label, for the per-provider counters.
  void set_provider(std::string label) {
    std::lock_guard lock(mu_);
    provider_ = std::move(label);
  }
  void on_stage(const engine::StageEvent& e) override;
  void on_finish(const store::ExecutionRow& row, const engine::Outcome& o) override;
  void on_breaker(const std::string& endpoint, const std::string& from, const std::string& to, int failures) override;

  // The whole exposition: the counters here plus the service's gauges and
  // the journal's totals by state (which survive restarts).
  std::string render(engine::Service& service) const;

  // The dashboard's charts: executions by state, attempts distribution,
  // stage latency (count and mean), queue and running.
  nlohmann::json summary(engine::Service& service) const;

  // Counted by the HTTP layer.
  void count_request(const std::string& route, int status);

 private:
  mutable std::mutex mu_;
  std::map<std::string, unsigned long long> finished_;  // by state, this process
  Histogram attempts_{{1, 2, 3, 4, 5, 7, 10}};
  std::map<std::string, Histogram> stage_seconds_;
  std::map<std::string, unsigned long long> llm_requests_, llm_errors_, llm_retries_, tokens_prompt_, tokens_completion_;
  unsigned long long cache_hits_ = 0, cache_misses_ = 0;
  std::map<std::string, unsigned long long> limit_hits_;  // by kind: timeout, memory, output, signal, ...
  std::map<std::string, std::string> breaker_state_;     // by endpoint
  std::map<std::pair<std::string, int>, unsigned long long> http_requests_;
  std::string provider_;
};

}  // namespace bt::server
