// The execution journal: every execution, attempt and stage result goes into
// a SQLite file in the data dir, so any run can be inspected afterwards
// (`bitter show`, `bitter list`). Stage rows are append-only events.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/wal_syncer.h"
#include "util/result.h"

namespace bt::store {
namespace detail {
class Stmt;
class StmtCache;
}

// Kestra's state names.
enum class State { CREATED, QUEUED, RUNNING, SUCCESS, FAILED, KILLED };
const char* to_string(State s);
// SUCCESS, FAILED or KILLED: nothing more will happen to it.
bool is_final(const std::string& state);

struct ExecutionRow {
  std::string id, trace_id;
  std::string state = "CREATED";
  std::string contract, model, task, input_json, provider;
  int max_attempts = 0, attempts = 0;
  std::string created_at, updated_at;
  long long duration_ms = 0;
  std::string tool_path, tool_code, output_json, reason;
  std::string resume_json;  // what `bitter resume` needs to continue it (no secrets)
  std::string owner;        // the process running it (util/process_id.h)
  // Where it was submitted from: the HTTP API's Kestra-style namespace and
  // flow id ("" and "" for the CLI).
  std::string ns, flow_id;
};

struct AttemptRow {
  int attempt = 0;
  std::string started_at;
  long long duration_ms = 0;
  std::string outcome;  // "passed" or the failing stage
  std::string code, llm_text, feedback;
};

struct StageRow {
  int attempt = 0;
  std::string stage;
  bool ok = false;
  long long duration_ms = 0;
  nlohmann::json detail;
  std::string at;
  int candidate = 0;  // which speculative candidate of the attempt (0 without --speculate)
  long long seq = 0;  // the journal's order of events; set when read
};

// What `search` filters on; empty strings match everything.
struct SearchFilter {
  std::string ns, flow_id, state;
  int page = 1, size = 25;
};
struct SearchPage {
  std::vector<ExecutionRow> results;
  long long total = 0;
};

// A circuit breaker's state for one LLM endpoint, shared by every bitter
// process using this data dir. Times are wall-clock milliseconds.
struct BreakerRow {
  std::string endpoint;
  std::string state = "closed";  // closed | open | half_open
  int failures = 0;              // consecutive transient failures
  long long opened_at_ms = 0;
  long long probe_started_ms = 0;  // half_open: when the one probe was let through
  std::string updated_at;
};

// A tool that passed every gate and the contract, reusable for the same
// contract, model, task, runtime, LLM model and prompt version (the key).
struct CacheRow {
  std::string key, code, execution_id, model, contract;
  std::string created_at, last_hit_at;
  long long hits = 0;
};

nlohmann::json to_json(const ExecutionRow& e);
nlohmann::json to_json(const AttemptRow& a);
nlohmann::json to_json(const StageRow& s);

class Journal {
 public:
  static Result<std::unique_ptr<Journal>> open(const std::filesystem::path& file);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  Status create_execution(const ExecutionRow& e);
  Status set_state(const std::string& id, State state, const std::string& reason = {});
  Status start_attempt(const std::string& id, int attempt);
  Status finish_attempt(const std::string& id, const AttemptRow& a);
  Status add_stage(const std::string& id, const StageRow& s);
  // The LLM's answer and its generate stage, in one commit, as soon as it
  // arrives: a crash of bitter after it returns does not lose what was paid
  // for. A crash of the machine does not either once sync_checkpoint() has
  // returned.
  Status record_answer(const std::string& id, int attempt, const std::string& text,
                       const StageRow& generate);
  // Under BITTER_JOURNAL_SYNC=checkpoints (the default) makes every commit so
  // far reach the disk; under `every` they have already, under `off` none
  // does. Any thread; the journal stays usable while the disk works, and
  // executions that ask at the same time share one sync (wal_syncer.h).
  Status sync_checkpoint();
  // The same without waiting: ready when those commits are durable.
  std::future<Status> sync_checkpoint_async();
  // Executions left CREATED/QUEUED/RUNNING by a bitter process that no longer
  // runs are marked FAILED with the reason "interrupted"; returns their ids.
  Result<std::vector<std::string>> fail_interrupted();
  // Takes over an interrupted execution for this process: succeeds only if
  // it is still owned by `previous_owner`, so two resumes cannot both run it.
  Result<bool> claim(const std::string& id, const std::string& previous_owner);
  Status finish_execution(const ExecutionRow& e);

  Result<std::optional<ExecutionRow>> get(const std::string& id);
  Result<std::vector<AttemptRow>> attempts(const std::string& id);
  Result<std::vector<StageRow>> stages(const std::string& id);
  // Stage events of `id` after `after_seq`, in order: for live followers.
  Result<std::vector<StageRow>> stages_since(const std::string& id, long long after_seq);
  Result<SearchPage> search(const SearchFilter& filter);
  // The execution with its tool code and every attempt with its stages, as
  // `bitter show --json` prints it; null when there is no such execution.
  Result<nlohmann::json> details(const std::string& id);
  // Counts of executions by state, for metrics and the dashboard.
  Result<std::vector<std::pair<std::string, long long>>> count_by_state();

  // Every write through this Journal object bumps a counter; followers wait
  // for it to move instead of polling the database in a tight loop.
  uint64_t changes() const;
  // Waits until changes() differs from `seen` or `timeout` passes.
  uint64_t wait_for_change(uint64_t seen, std::chrono::milliseconds timeout) const;
  Result<std::vector<ExecutionRow>> recent(int limit);
  // Ids may be abbreviated as in git: a unique prefix finds the execution.
  Result<std::string> resolve_id(const std::string& prefix);

  // Reads the endpoint's breaker (closed if unknown), lets `change` modify
  // it and writes it back, all in one write transaction.
  Result<BreakerRow> update_breaker(const std::string& endpoint,
                                    const std::function<void(BreakerRow&)>& change);
  Result<std::vector<BreakerRow>> breakers();

  Status cache_put(const CacheRow& row);
  // The entry for `key` (its hit count bumped), or none.
  Result<std::optional<CacheRow>> cache_hit(const std::string& key);
  Status cache_evict(const std::string& key);
  Result<std::vector<CacheRow>> cache_list();
  Result<long long> cache_purge();  // entries removed

 private:
  // When commits are synced to disk (BITTER_JOURNAL_SYNC): at every
  // commit, only at the checkpoints that matter (default), or never.
  enum class Sync { every, checkpoints, off };
  Journal(sqlite3* db, Sync sync);
  Status exec(const std::string& sql);
  Status insert_stage(const std::string& id, const StageRow& st);  // mu_ held
  Status sync_wal() const;

  void bump();

  std::mutex mu_;
  sqlite3* db_;
  std::unique_ptr<detail::StmtCache> stmts_;  // guarded by mu_
  Sync sync_;
  int wal_fd_ = -1;  // the -wal file, for sync_checkpoint
  std::unique_ptr<WalSyncer> syncer_;  // checkpoints mode; before wal_fd_ closes, it stops
  mutable std::mutex change_mu_;
  mutable std::condition_variable change_cv_;
  uint64_t changes_ = 0;
};

}  // namespace bt::store
