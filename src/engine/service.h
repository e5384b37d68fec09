// Executions as a service: one process, one journal, one LLM provider with
// its circuit breaker, and a bounded pool of workers. `bitter run` uses it
// for one execution in the calling thread; `bitter serve` submits many,
// which queue (state QUEUED, in submission order) beyond the pool and can
// be killed while queued or running (state KILLED).
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/intake.h"
#include "engine/loop.h"
#include "engine/resilience.h"
#include "engine/settings.h"
#include "engine/workspace_remover.h"
#include "llm/limit.h"
#include "llm/provider.h"
#include "sandbox/isolate.h"
#include "store/journal.h"
#include "util/cancel.h"
#include "util/log.h"

namespace bt::gate {
class RuleSet;
}

namespace bt::engine {

struct ServiceOptions {
  std::filesystem::path data_dir;
  std::string nu;  // path to nu; "" = $BITTER_NU, next to bitter, PATH
  llm::ProviderConfig llm;
  int workers = 4;          // executions running at once; more wait QUEUED
  int llm_concurrency = 4;  // LLM requests in flight at once
  bool strict_budget = false;  // refuse budgets that cannot fit the deadline (else warn)
  EventSink* events = nullptr;  // metrics and alerts; may be null
};

// One execution to run: what the input gate accepted and how to run it.
struct Job {
  Intake intake;
  RunSettings settings;
  std::string rules_path;  // absolute; "" = built-in code gate rules only
  std::string ns, flow_id;
  std::optional<ResumePoint> resume;  // continue that execution (`bitter resume`)
};

// Counts for metrics and readiness.
struct ServiceStats {
  int queued = 0, running = 0, workers = 0;
  int llm_in_flight = 0, llm_waiting = 0;
};

class Service {
 public:
  // Finds nu, builds the provider, probes the sandbox, opens the journal and
  // settles executions a dead process left behind. Starts no workers until
  // the first submit. `provider` (not owned, must outlive the service)
  // replaces the one options.llm describes: benchmarks use an in-process LLM.
  static Result<std::unique_ptr<Service>> open(const ServiceOptions& options, Logger& log,
                                               llm::Provider* provider = nullptr);
  // Stops: running executions are cancelled and, like the queued ones, left
  // interrupted (resumed by `bitter resume` or the next `bitter serve`);
  // joins the workers. Safe to call twice; the destructor calls it.
  void shutdown();
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Probes the sandbox and asks nu its version now rather than on the first
  // submission (a server does this before it listens).
  void warm_up();

  // Runs one execution now, in this thread. `cancel` (may be null) kills it.
  Result<Outcome> run(Job job, CancelPtr cancel = nullptr);
  // Queues one execution and returns its id at once; a rejected task is
  // recorded (FAILED, no LLM request) before this returns. Errors: the job
  // cannot run at all (bad settings, no sandbox, disk full), nothing recorded.
  Result<std::string> submit(Job job);

  enum class KillResult { killed, not_found, already_finished };
  // Stops a queued or running execution; it ends KILLED with `why`.
  KillResult kill(const std::string& id, const std::string& why = "killed on request");

  ServiceStats stats() const;
  store::Journal& journal() { return *journal_; }
  const std::string& provider_label() const { return provider_label_; }
  const llm::CircuitBreaker& breaker() const { return *breaker_; }

 private:
  Service(const ServiceOptions& options, Logger& log) : options_(options), log_(log) {}
  struct Prepared {
    LoopConfig config;
    LoopInput input;
    Job job;
    llm::Provider* provider = nullptr;
  };
  // The checks every job passes before it is recorded, and its configuration.
  Result<Prepared> prepare(Job job);
  void worker();
  void start_workers();
  Result<std::shared_ptr<const gate::RuleSet>> rules_for(const std::string& path);
  void probe_locked();    // mu_ held
  void version_locked();  // mu_ held

  ServiceOptions options_;
  Logger& log_;
  std::filesystem::path nu_;
  std::string nu_version_;
  std::unique_ptr<store::Journal> journal_;
  std::unique_ptr<llm::Provider> owned_provider_;
  llm::Provider* provider_ = nullptr;
  std::unique_ptr<llm::LimitedProvider> limited_;
  std::string provider_label_;
  Resilience resilience_;
  std::unique_ptr<JournalBreakerStore> breaker_store_;
  std::unique_ptr<llm::CircuitBreaker> breaker_;
  sandbox::SandboxSupport sandbox_;
  bool probed_ = false;
  // Outlives the workers (members go after the destructor has joined them).
  std::unique_ptr<WorkspaceRemover> remover_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::deque<std::shared_ptr<Prepared>> queue_;
  std::map<std::string, CancelPtr> running_;
  std::map<std::string, std::shared_ptr<const gate::RuleSet>> rules_;  // by rule file path
  std::vector<std::thread> workers_;
};

}  // namespace bt::engine
