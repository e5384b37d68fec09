// What an execution reports as it goes, for metrics, alerts and live views.
// Called from the execution's own threads (several at once with
// --speculate or many executions): implementations must be thread-safe and
// quick, and must not call back into the engine.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/journal.h"

namespace bt::engine {

struct Outcome;

struct StageEvent {
  std::string execution_id;
  int attempt = 0, candidate = 0;
  std::string stage;
  bool ok = false;
  long long duration_ms = 0;
  const nlohmann::json& detail;
  long long duration_us = 0;  // the same, finer (benchmarks)
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_stage(const StageEvent&) {}
  // The execution's final row (state SUCCESS, FAILED or KILLED) and outcome.
  virtual void on_finish(const store::ExecutionRow&, const Outcome&) {}
  // A circuit breaker changed state (closed, open, half_open).
  virtual void on_breaker(const std::string& /*endpoint*/, const std::string& /*from*/, const std::string& /*to*/,
                          int /*failures*/) {}
};

// Passes every event on to several sinks, in order.
class EventFanout final : public EventSink {
 public:
  explicit EventFanout(std::vector<EventSink*> sinks) : sinks_(std::move(sinks)) {}
  void on_stage(const StageEvent& e) override {
    for (auto* s : sinks_) s->on_stage(e);
  }
  void on_finish(const store::ExecutionRow& r, const Outcome& o) override {
    for (auto* s : sinks_) s->on_finish(r, o);
  }
  void on_breaker(const std::string& endpoint, const std::string& from, const std::string& to, int failures) override {
    for (auto* s : sinks_) s->on_breaker(endpoint, from, to, failures);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace bt::engine
