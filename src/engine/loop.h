// The contract loop: generate → extract → gates → execute → validate, feeding
// the exact errors back until a tool passes or the attempts run out. Every
// execution, attempt, candidate and stage result is written to the journal
// before the next step starts.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contract/contract.h"
#include "engine/events.h"
#include "engine/feedback.h"
#include "llm/breaker.h"
#include "llm/provider.h"
#include "llm/retry.h"
#include "store/journal.h"
#include "util/cancel.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/result.h"

namespace bt::gate {
class RuleSet;
}

namespace bt::engine {

class WorkspaceRemover;

// The cancel reason that means "stop, but this is not the execution's end":
// the process is shutting down. The attempt in progress stays unfinished
// and the execution is left interrupted, for resume to continue.
inline constexpr const char* kShutdownReason = "the server is shutting down";

struct LoopConfig {
  std::filesystem::path data_dir;
  std::filesystem::path nu;
  int max_attempts = 3;
  std::chrono::milliseconds tool_timeout{10'000};
  std::chrono::milliseconds syntax_timeout{10'000};
  size_t stdout_cap = 1 << 20;
  size_t stderr_cap = 64 << 10;
  bool keep_workspace = false;
  // Run each tool in the sandbox (sandbox/isolate.h) with these limits; off
  // only with --unsafe-no-sandbox. nu itself needs about 64 MB of address
  // space for a trivial tool, so 1024 MB leaves room for real data.
  bool isolate = true;
  uint64_t memory_mb = 1024;
  int cpu_seconds = 30;
  int nproc = 64;
  int nofile = 256;
  uint64_t fsize_mb = 64;
  std::shared_ptr<const gate::RuleSet> scan_rules;  // code gate rules; null = built-in
  // Transient LLM faults are retried inside the generate stage; they never
  // cost an attempt. The breaker (shared per endpoint) may be null.
  llm::RetryPolicy retry;
  llm::CircuitBreaker* breaker = nullptr;
  Clock* clock = nullptr;  // null = the system clock; tests inject a FakeClock
  // The whole execution's deadline (zero = none). Each stage gets
  // min(its budget, time left); passing it ends the execution as FAILED
  // with reason "deadline".
  std::chrono::milliseconds deadline{0};
  std::chrono::milliseconds generate_budget{300'000};
  // The validated-tool cache (engine/cache.h): empty key = not used.
  std::string cache_key;
  // Candidates per attempt (--speculate K): generated and checked in
  // parallel; the first that passes wins and the others are cancelled.
  int speculate = 1;
  // Cancelling it stops the execution (state KILLED): its LLM requests are
  // aborted and its processes killed. Null: nobody can cancel it.
  CancelPtr cancel;
  // Hears every stage and the end (metrics, alerts); may be null.
  EventSink* events = nullptr;
  // Takes a passed execution's workspaces off its critical path; null =
  // removed before run_loop returns.
  WorkspaceRemover* remover = nullptr;
};

// Budgets that cannot fit: the time `attempts` attempts may take at their
// stage budgets, for the warning at submission. Zero when there is no deadline.
std::chrono::milliseconds worst_case(const LoopConfig& config);

struct AttemptSummary;

// Where an interrupted execution continues (`bitter resume`): its ids, the
// attempt to (re)start, that attempt's LLM answer if it had arrived (never
// requested again), and what the finished attempts left for the next one.
struct ResumePoint {
  std::string execution_id, trace_id;
  int next_attempt = 1;
  // Per candidate of next_attempt: the answer recorded before the
  // interruption ("" = none; ask the LLM).
  std::vector<std::string> recorded_answers;
  std::string previous_code, previous_feedback;
  int finished_attempts = 0;
};

struct LoopInput {
  const contract::Contract* contract = nullptr;
  const contract::Model* model = nullptr;
  std::string contract_label;  // as the user named it
  std::string task;
  nlohmann::json input;
  std::string provider_label;
  nlohmann::json input_gate;  // the input gate verdict {verdict, score, reasons}; null = not run
  std::string resume_json;    // stored with the execution for `bitter resume`
  std::optional<ResumePoint> resume;  // set: continue that execution instead of starting one
  // Set: the execution row already exists under this id (submitted and
  // QUEUED by the executor); the loop takes it over. Empty: a new one.
  std::string execution_id, trace_id;
  std::string ns, flow_id;  // where it was submitted from (HTTP API), for the journal
};

struct AttemptSummary {
  int attempt = 0;
  std::string outcome;  // "passed" or the failing stage
  std::string summary;
  long long duration_ms = 0;
};

struct Outcome {
  std::string execution_id, trace_id;
  store::State state = store::State::CREATED;
  int max_attempts = 0;
  std::vector<AttemptSummary> attempts;
  std::filesystem::path tool_path;  // the accepted tool, kept under <data>/tools/<id>/
  std::string code;
  nlohmann::json output;
  std::string output_text;  // the tool's stdout as printed (keeps its key order)
  std::string escalation;             // set when the attempts ran out
  std::optional<Error> stopped_by;    // infra/usage error that ended the loop early
  std::filesystem::path workspace;    // kept workspace (failure or --keep), else empty
  std::string cached_from;            // the execution whose cached tool was accepted, if any
  std::string cache_lookup;           // "hit", "miss" (none, or it failed here), "" = cache not used
  long long duration_ms = 0;
  int candidates = 1;                 // per attempt (--speculate)
  int winner = -1;                    // the candidate whose tool was accepted
};

// Records `input` as a QUEUED execution (assigning its ids if unset), for
// run_loop to take over later.
Status queue_execution(const LoopConfig& config, LoopInput& input, store::Journal& journal);

// Errors only if the journal itself fails; everything else is in Outcome.
Result<Outcome> run_loop(const LoopConfig& config, const LoopInput& input, llm::Provider& provider,
                         store::Journal& journal, Logger& log);

}  // namespace bt::engine
