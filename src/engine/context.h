// What the parts of one execution share (engine-internal): its ids, its
// configuration and input, the deadline, and one way to record a stage.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/loop.h"

namespace bt::engine::detail {

using SteadyClock = std::chrono::steady_clock;

inline long long ms_since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
}

class Context {
 public:
  Context(const LoopConfig& config, const LoopInput& input, llm::Provider& provider, store::Journal& journal,
          Logger& log, std::string execution_id, std::string trace_id);

  const LoopConfig& config;
  const LoopInput& in;
  llm::Provider& provider;
  store::Journal& journal;
  Logger& log;
  const std::string execution_id, trace_id;
  std::string schema_text;  // the output model's JSON Schema, for the prompt
  bt::Clock* clock;

  // Time left before the deadline (a year when there is none).
  std::chrono::milliseconds left() const;
  bool has_deadline() const { return deadline_.has_value(); }
  bool past_deadline() const { return deadline_ && left().count() <= 0; }

  // Log-line fields: ids, attempt (k > 0), candidate (when speculating), stage.
  nlohmann::json fields(int k, int c, const std::string& stage) const;
  // Journals and logs one stage result. Journal errors are logged, not
  // returned: a stage that happened is not undone by failing to record it.
  void stage(int k, int c, const std::string& name, bool ok, SteadyClock::time_point started,
             nlohmann::json detail = nlohmann::json::object());
  // The generate stage of candidate 0 with the attempt's answer, in one
  // commit. Here a journal error is returned: an answer not recorded would
  // be bought again after a crash, so the execution stops.
  Status answer_stage(int k, bool ok, SteadyClock::time_point started, nlohmann::json detail,
                      const std::string& answer);

  // FOR TESTS ONLY. BITTER_TEST_HOLD_STAGE=<stage> makes the first start of
  // that stage in this process log "BITTER_TEST_HOLD_STAGE: holding <stage>"
  // and sleep 20 s, so tests/e2e/resume_stages_test.cc can kill -9 bitter
  // inside a stage that otherwise takes milliseconds (extract, scan,
  // output, validate, feedback, and "finish": the last attempt recorded,
  // the execution not yet). Read once; unset, it does nothing (test_hold.cc).
  void hold_for_test(int k, int c, const char* stage_name) const;

 private:
  // Logs the stage and tells the event sink; returns its journal row.
  store::StageRow report(int k, int c, const std::string& name, bool ok, SteadyClock::time_point started,
                         nlohmann::json detail);

  std::optional<bt::Clock::TimePoint> deadline_;
};

}  // namespace bt::engine::detail
