#include "store/journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "store/stmt.h"
#include "util/log.h"
#include "util/process_id.h"
#include "util/strings.h"

namespace bt::store {
namespace {

using detail::Stmt;

// 2: breakers, tool_cache; 3: executions.owner; 4: stages.candidate,
// executions.namespace and flow_id
constexpr int kSchemaVersion = 4;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS executions (
  id TEXT PRIMARY KEY,
  trace_id TEXT NOT NULL,
  state TEXT NOT NULL,
  contract TEXT NOT NULL,
  model TEXT NOT NULL,
  task TEXT NOT NULL,
  input_json TEXT NOT NULL,
  provider TEXT NOT NULL,
  max_attempts INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  tool_path TEXT NOT NULL DEFAULT '',
  tool_code TEXT NOT NULL DEFAULT '',
  output_json TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  owner TEXT NOT NULL DEFAULT '',
  resume TEXT NOT NULL DEFAULT '',
  namespace TEXT NOT NULL DEFAULT '',
  flow_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS executions_created ON executions(created_at);
CREATE TABLE IF NOT EXISTS attempts (
  execution_id TEXT NOT NULL REFERENCES executions(id),
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL DEFAULT '',
  llm_text TEXT NOT NULL DEFAULT '',
  feedback TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (execution_id, attempt)
);
-- seq orders events (followers read on from the last one they saw). Rows
-- are never deleted, so the plain rowid (the largest + 1) only grows; the
-- AUTOINCREMENT of journals before 2026-12 does the same at a third more
-- per insert (it updates sqlite_sequence too).
CREATE TABLE IF NOT EXISTS stages (
  seq INTEGER PRIMARY KEY,
  execution_id TEXT NOT NULL REFERENCES executions(id),
  attempt INTEGER NOT NULL,
  stage TEXT NOT NULL,
  ok INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  detail TEXT NOT NULL,
  at TEXT NOT NULL,
  candidate INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS stages_execution ON stages(execution_id, seq);
CREATE TABLE IF NOT EXISTS breakers (
  endpoint TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  failures INTEGER NOT NULL,
  opened_at_ms INTEGER NOT NULL,
  probe_started_ms INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tool_cache (
  key TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  execution_id TEXT NOT NULL,
  model TEXT NOT NULL,
  contract TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_hit_at TEXT NOT NULL DEFAULT '',
  hits INTEGER NOT NULL DEFAULT 0
);
)sql";

constexpr const char* kExecutionColumns =
    "id, trace_id, state, contract, model, task, input_json, provider, max_attempts, attempts, "
    "created_at, updated_at, duration_ms, tool_path, tool_code, output_json, reason, resume, owner, "
    "namespace, flow_id";

ExecutionRow read_execution(const Stmt& s) {
  ExecutionRow e;
  e.id = s.text(0);
  e.trace_id = s.text(1);
  e.state = s.text(2);
  e.contract = s.text(3);
  e.model = s.text(4);
  e.task = s.text(5);
  e.input_json = s.text(6);
  e.provider = s.text(7);
  e.max_attempts = static_cast<int>(s.integer(8));
  e.attempts = static_cast<int>(s.integer(9));
  e.created_at = s.text(10);
  e.updated_at = s.text(11);
  e.duration_ms = s.integer(12);
  e.tool_path = s.text(13);
  e.tool_code = s.text(14);
  e.output_json = s.text(15);
  e.reason = s.text(16);
  e.resume_json = s.text(17);
  e.owner = s.text(18);
  e.ns = s.text(19);
  e.flow_id = s.text(20);
  return e;
}

nlohmann::json parse_or_string(const std::string& text) {
  if (text.empty()) return nullptr;
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(text) : j;
}

}  // namespace

const char* to_string(State s) {
  switch (s) {
    case State::CREATED: return "CREATED";
    case State::QUEUED: return "QUEUED";
    case State::RUNNING: return "RUNNING";
    case State::SUCCESS: return "SUCCESS";
    case State::FAILED: return "FAILED";
    case State::KILLED: return "KILLED";
  }
  return "CREATED";
}

bool is_final(const std::string& state) { return state == "SUCCESS" || state == "FAILED" || state == "KILLED"; }

nlohmann::json to_json(const ExecutionRow& e) {
  return {{"id", e.id},
          {"trace_id", e.trace_id},
          {"state", e.state},
          {"contract", e.contract},
          {"model", e.model},
          {"task", e.task},
          {"input", parse_or_string(e.input_json)},
          {"provider", e.provider},
          {"max_attempts", e.max_attempts},
          {"attempts", e.attempts},
          {"created_at", e.created_at},
          {"updated_at", e.updated_at},
          {"duration_ms", e.duration_ms},
          {"tool_path", e.tool_path},
          {"output", parse_or_string(e.output_json)},
          {"reason", e.reason},
          {"namespace", e.ns},
          {"flow_id", e.flow_id}};
}

nlohmann::json to_json(const AttemptRow& a) {
  return {{"attempt", a.attempt},   {"started_at", a.started_at}, {"duration_ms", a.duration_ms},
          {"outcome", a.outcome},   {"code", a.code},             {"llm_text", a.llm_text},
          {"feedback", a.feedback}};
}

nlohmann::json to_json(const StageRow& s) {
  return {{"attempt", s.attempt},         {"candidate", s.candidate}, {"stage", s.stage},
          {"ok", s.ok},                   {"duration_ms", s.duration_ms}, {"detail", s.detail},
          {"at", s.at},                   {"seq", s.seq}};
}

Result<std::unique_ptr<Journal>> Journal::open(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return infra_error("cannot open journal " + file.string() + ": " + msg);
  }
  // Every write is committed before the next step, so a crash of bitter
  // loses nothing. What reaches the disk at once: every commit (`every`,
  // slowest), the `checkpoints` that cost money or end something (default:
  // the LLM answer, the execution's result; each syncs all before it), or
  // nothing (`off`: a power loss may lose the last steps). After a power
  // loss between checkpoints, resume redoes the attempt from its answer.
  Sync sync = Sync::checkpoints;
  if (const char* env = std::getenv("BITTER_JOURNAL_SYNC"); env && *env) {
    const std::string v = lower(env);
    if (v == "every") sync = Sync::every;
    else if (v == "off") sync = Sync::off;
    else if (v != "checkpoints") {
      sqlite3_close(db);
      return usage_error("BITTER_JOURNAL_SYNC must be every, checkpoints or off, got " + std::string(env));
    }
  }
  std::unique_ptr<Journal> j(new Journal(db, sync));
  // Every commit on this connection (all writes go through it) wakes followers.
  sqlite3_commit_hook(
      db,
      [](void* self) {
        static_cast<Journal*>(self)->bump();
        return 0;  // 0: let the commit go ahead
      },
      j.get());
  // Several `bitter` processes may share one data dir: WAL lets readers run
  // beside a writer, and the busy timeout makes writers queue, not fail.
  sqlite3_busy_timeout(db, 10'000);
  // Two processes opening a new journal at once can meet in the set-up, and
  // switching to WAL may answer SQLITE_BUSY without waiting: retry it for
  // as long as the busy timeout would have waited.
  const std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") +
                            (j->sync_ == Sync::every ? "FULL" : "NORMAL") +
                            "; PRAGMA foreign_keys=ON; BEGIN IMMEDIATE; " +
                            kSchema +
                            fmt::format("PRAGMA user_version={}; COMMIT;", kSchemaVersion);
  for (int tries = 0;; ++tries) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, setup.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    if (rc == SQLITE_OK) break;
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
      return infra_error("journal: " + msg);
    if (tries >= 500) return infra_error("journal: " + msg + " (gave up after 10 s)");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Journals from before version 3 lack executions.owner (the process that
  // runs it, util/process_id.h); adding it twice fails harmlessly.
  sqlite3_exec(db, "ALTER TABLE executions ADD COLUMN owner TEXT NOT NULL DEFAULT ''", nullptr, nullptr, nullptr);
  for (const char* column : {"executions ADD COLUMN resume TEXT NOT NULL DEFAULT ''",
                             "executions ADD COLUMN namespace TEXT NOT NULL DEFAULT ''",
                             "executions ADD COLUMN flow_id TEXT NOT NULL DEFAULT ''",
                             "stages ADD COLUMN candidate INTEGER NOT NULL DEFAULT 0"})
    sqlite3_exec(db, (std::string("ALTER TABLE ") + column).c_str(), nullptr, nullptr, nullptr);
  // The set-up committed in WAL mode, so the -wal file exists; it keeps its
  // inode while any connection is open (this one is).
  if (j->sync_ == Sync::checkpoints) {
    j->wal_fd_ = ::open((file.string() + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
    if (j->wal_fd_ < 0) {  // cannot happen in WAL mode; if it does, sync every commit
      j->sync_ = Sync::every;
      sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
    } else {
      try {
        j->syncer_ = std::make_unique<WalSyncer>([jp = j.get()] { return jp->sync_wal(); });
      } catch (const std::system_error&) {
        // No thread to spare: every sync is done by the thread that asks.
      }
    }
  }
  return j;
}

Journal::Journal(sqlite3* db, Sync sync) : db_(db), stmts_(std::make_unique<detail::StmtCache>(db)), sync_(sync) {}

Journal::~Journal() {
  syncer_.reset();  // answers what was asked while the -wal file is still open
  stmts_.reset();  // sqlite3_close refuses while statements are prepared
  sqlite3_close(db_);
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

void Journal::bump() {
  {
    std::lock_guard lock(change_mu_);
    ++changes_;
  }
  change_cv_.notify_all();
}

uint64_t Journal::changes() const {
  std::lock_guard lock(change_mu_);
  return changes_;
}

uint64_t Journal::wait_for_change(uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(change_mu_);
  change_cv_.wait_for(lock, timeout, [&] { return changes_ != seen; });
  return changes_;
}

Status Journal::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return infra_error("journal: " + msg);
  }
  return {};
}

Status Journal::sync_wal() const {
  // In WAL mode a commit is its frames in the -wal file: syncing that file
  // makes this commit and every one before it durable. Done outside mu_, so
  // other executions' journal writes do not queue behind the disk.
  if (::fdatasync(wal_fd_) != 0) return infra_error(std::string("journal: cannot sync: ") + std::strerror(errno));
  return {};
}

Status Journal::sync_checkpoint() {
  if (sync_ != Sync::checkpoints) return {};  // every commit synced already, or none is
  return syncer_ ? syncer_->request().get() : sync_wal();
}

std::future<Status> Journal::sync_checkpoint_async() {
  if (sync_ == Sync::checkpoints && syncer_) return syncer_->request();
  std::promise<Status> now;
  now.set_value(sync_checkpoint());
  return now.get_future();
}

Status Journal::create_execution(const ExecutionRow& e) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_,
         "INSERT INTO executions (id, trace_id, state, contract, model, task, input_json, "
         "provider, max_attempts, created_at, updated_at, owner, resume, namespace, flow_id) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  const std::string now = now_rfc3339();
  s.bind(e.id).bind(e.trace_id).bind(e.state).bind(e.contract).bind(e.model).bind(e.task)
      .bind(e.input_json).bind(e.provider).bind(e.max_attempts).bind(now).bind(now)
      .bind(process_identity(::getpid()))
      .bind(e.resume_json)
      .bind(e.ns)
      .bind(e.flow_id);
  return s.done();
}

Status Journal::set_state(const std::string& id, State state, const std::string& reason) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_,
         "UPDATE executions SET state = ?, reason = CASE WHEN ? = '' THEN reason ELSE ? END, "
         "updated_at = ? WHERE id = ?");
  s.bind(to_string(state)).bind(reason).bind(reason).bind(now_rfc3339()).bind(id);
  return s.done();
}

Status Journal::start_attempt(const std::string& id, int attempt) {
  std::lock_guard lock(mu_);
  // One commit for both rows (a commit costs more than either statement).
  if (auto st = exec("BEGIN IMMEDIATE"); !st) return st;
  // A resumed attempt starts again in its own row (its answer kept).
  Stmt s(*stmts_,
         "INSERT INTO attempts (execution_id, attempt, started_at) VALUES (?,?,?) "
         "ON CONFLICT(execution_id, attempt) DO NOTHING");
  s.bind(id).bind(attempt).bind(now_rfc3339());
  Stmt u(*stmts_, "UPDATE executions SET attempts = ?, updated_at = ? WHERE id = ?");
  u.bind(attempt).bind(now_rfc3339()).bind(id);
  Status done = s.done();
  if (done) done = u.done();
  if (done) done = exec("COMMIT");
  if (!done) (void)exec("ROLLBACK");
  return done;
}

Status Journal::finish_attempt(const std::string& id, const AttemptRow& a) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_,
         "UPDATE attempts SET duration_ms = ?, outcome = ?, code = ?, llm_text = ?, feedback = ? "
         "WHERE execution_id = ? AND attempt = ?");
  s.bind(a.duration_ms).bind(a.outcome).bind(a.code).bind(a.llm_text).bind(a.feedback).bind(id)
      .bind(a.attempt);
  return s.done();
}

Status Journal::insert_stage(const std::string& id, const StageRow& st) {
  Stmt s(*stmts_,
         "INSERT INTO stages (execution_id, attempt, stage, ok, duration_ms, detail, at, candidate) "
         "VALUES (?,?,?,?,?,?,?,?)");
  s.bind(id).bind(st.attempt).bind(st.stage).bind(st.ok ? 1 : 0).bind(st.duration_ms)
      .bind(st.detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .bind(now_rfc3339())
      .bind(st.candidate);
  return s.done();
}

Status Journal::add_stage(const std::string& id, const StageRow& st) {
  std::lock_guard lock(mu_);
  return insert_stage(id, st);
}

Status Journal::record_answer(const std::string& id, int attempt, const std::string& text,
                              const StageRow& generate) {
  std::lock_guard lock(mu_);
  // One commit: both rows say the same thing happened.
  if (auto st = exec("BEGIN IMMEDIATE"); !st) return st;
  Stmt s(*stmts_, "UPDATE attempts SET llm_text = ? WHERE execution_id = ? AND attempt = ?");
  s.bind(text).bind(id).bind(attempt);
  Status done = s.done();
  if (done) done = insert_stage(id, generate);
  if (done) done = exec("COMMIT");
  if (!done) (void)exec("ROLLBACK");
  return done;
}

Result<std::vector<std::string>> Journal::fail_interrupted() {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::string>> open;  // id, owner
  {
    Stmt s(*stmts_, "SELECT id, owner FROM executions WHERE state IN ('CREATED', 'QUEUED', 'RUNNING')");
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) open.emplace_back(s.text(0), s.text(1));
    if (rc != SQLITE_DONE) return s.error();
  }
  std::vector<std::string> failed;
  for (const auto& [id, owner] : open) {
    const size_t at = owner.find('@');
    const pid_t pid = at == std::string::npos ? 0 : static_cast<pid_t>(std::atol(owner.substr(0, at).c_str()));
    if (pid > 0 && process_identity(pid) == owner) continue;  // still running
    Stmt u(*stmts_,
           "UPDATE executions SET state = 'FAILED', reason = ?, updated_at = ? WHERE id = ? AND "
           "state IN ('CREATED', 'QUEUED', 'RUNNING')");
    u.bind("interrupted: the bitter process that ran it (" + (owner.empty() ? std::string("unknown") : owner) +
           ") ended before it finished")
        .bind(now_rfc3339())
        .bind(id);
    if (auto st = u.done(); !st) return st.error();
    failed.push_back(id);
  }
  return failed;
}

Result<bool> Journal::claim(const std::string& id, const std::string& previous_owner) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_,
         "UPDATE executions SET owner = ?, state = 'RUNNING', reason = '', updated_at = ? "
         "WHERE id = ? AND owner = ?");
  s.bind(process_identity(::getpid())).bind(now_rfc3339()).bind(id).bind(previous_owner);
  if (auto st = s.done(); !st) return st.error();
  return sqlite3_changes(db_) == 1;
}

Status Journal::finish_execution(const ExecutionRow& e) {
  {
    std::lock_guard lock(mu_);
    Stmt s(*stmts_,
           "UPDATE executions SET state = ?, attempts = ?, duration_ms = ?, tool_path = ?, "
           "tool_code = ?, output_json = ?, reason = ?, updated_at = ? WHERE id = ?");
    s.bind(e.state).bind(e.attempts).bind(e.duration_ms).bind(e.tool_path).bind(e.tool_code)
        .bind(e.output_json).bind(e.reason).bind(now_rfc3339()).bind(e.id);
    if (auto st = s.done(); !st) return st;
  }
  return sync_checkpoint();
}

Result<std::optional<ExecutionRow>> Journal::get(const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, fmt::format("SELECT {} FROM executions WHERE id = ?", kExecutionColumns).c_str());
  s.bind(id);
  switch (s.step()) {
    case SQLITE_ROW: return std::optional<ExecutionRow>(read_execution(s));
    case SQLITE_DONE: return std::optional<ExecutionRow>();
    default: return s.error();
  }
}

Result<std::vector<AttemptRow>> Journal::attempts(const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_,
         "SELECT attempt, started_at, duration_ms, outcome, code, llm_text, feedback FROM attempts "
         "WHERE execution_id = ? ORDER BY attempt");
  s.bind(id);
  std::vector<AttemptRow> rows;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    rows.push_back({static_cast<int>(s.integer(0)), s.text(1), s.integer(2), s.text(3), s.text(4),
                    s.text(5), s.text(6)});
  }
  if (rc != SQLITE_DONE) return s.error();
  return rows;
}

Result<std::vector<StageRow>> Journal::stages(const std::string& id) { return stages_since(id, 0); }

Result<std::vector<StageRow>> Journal::stages_since(const std::string& id, long long after_seq) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_,
         "SELECT attempt, stage, ok, duration_ms, detail, at, candidate, seq FROM stages "
         "WHERE execution_id = ? AND seq > ? ORDER BY seq");
  s.bind(id).bind(after_seq);
  std::vector<StageRow> rows;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    rows.push_back({static_cast<int>(s.integer(0)), s.text(1), s.integer(2) != 0, s.integer(3),
                    parse_or_string(s.text(4)), s.text(5), static_cast<int>(s.integer(6)), s.integer(7)});
  }
  if (rc != SQLITE_DONE) return s.error();
  return rows;
}

Result<nlohmann::json> Journal::details(const std::string& id) {
  auto exec = get(id);
  if (!exec) return exec.error();
  if (!*exec) return nlohmann::json();
  auto attempt_rows = attempts(id);
  if (!attempt_rows) return attempt_rows.error();
  auto stage_rows = stages(id);
  if (!stage_rows) return stage_rows.error();
  nlohmann::json j = to_json(**exec);
  j["tool_code"] = (*exec)->tool_code;
  // Stages before the first attempt: the input gate and the cache.
  j["before_attempts"] = nlohmann::json::array();
  for (const auto& s : *stage_rows)
    if (s.attempt == 0) j["before_attempts"].push_back(to_json(s));
  j["attempt_details"] = nlohmann::json::array();
  for (const auto& a : *attempt_rows) {
    auto aj = to_json(a);
    aj["stages"] = nlohmann::json::array();
    for (const auto& s : *stage_rows)
      if (s.attempt == a.attempt) aj["stages"].push_back(to_json(s));
    j["attempt_details"].push_back(std::move(aj));
  }
  return j;
}

Result<SearchPage> Journal::search(const SearchFilter& f) {
  std::lock_guard lock(mu_);
  const char* where = "WHERE (? = '' OR namespace = ?) AND (? = '' OR flow_id = ?) AND (? = '' OR state = ?)";
  auto bind_filter = [&](Stmt& s) {
    s.bind(f.ns).bind(f.ns).bind(f.flow_id).bind(f.flow_id).bind(f.state).bind(f.state);
  };
  SearchPage page;
  {
    Stmt c(*stmts_, fmt::format("SELECT count(*) FROM executions {}", where).c_str());
    bind_filter(c);
    if (c.step() != SQLITE_ROW) return c.error();
    page.total = c.integer(0);
  }
  Stmt s(*stmts_, fmt::format("SELECT {} FROM executions {} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
                          kExecutionColumns, where)
                  .c_str());
  bind_filter(s);
  const int size = std::clamp(f.size, 1, 1000);
  s.bind(size).bind(static_cast<long long>(std::max(f.page, 1) - 1) * size);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) page.results.push_back(read_execution(s));
  if (rc != SQLITE_DONE) return s.error();
  return page;
}

Result<std::vector<std::pair<std::string, long long>>> Journal::count_by_state() {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "SELECT state, count(*) FROM executions GROUP BY state ORDER BY state");
  std::vector<std::pair<std::string, long long>> rows;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) rows.emplace_back(s.text(0), s.integer(1));
  if (rc != SQLITE_DONE) return s.error();
  return rows;
}

Result<std::vector<ExecutionRow>> Journal::recent(int limit) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, fmt::format("SELECT {} FROM executions ORDER BY created_at DESC, rowid DESC LIMIT ?",
                          kExecutionColumns)
                  .c_str());
  s.bind(limit);
  std::vector<ExecutionRow> rows;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) rows.push_back(read_execution(s));
  if (rc != SQLITE_DONE) return s.error();
  return rows;
}

Result<std::string> Journal::resolve_id(const std::string& prefix) {
  std::lock_guard lock(mu_);
  if (prefix.empty()) return usage_error("empty execution id");
  Stmt s(*stmts_, "SELECT id FROM executions WHERE substr(id, 1, ?) = ? LIMIT 2");
  s.bind(static_cast<long long>(prefix.size())).bind(prefix);
  std::vector<std::string> ids;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) ids.push_back(s.text(0));
  if (rc != SQLITE_DONE) return s.error();
  if (ids.empty()) return usage_error("no execution with id " + prefix + " (see `bitter list`)");
  if (ids.size() > 1) return usage_error("execution id " + prefix + " is ambiguous; give more of it");
  return ids[0];
}

}  // namespace bt::store
