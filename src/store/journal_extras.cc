// The journal's shared state beyond executions: circuit breakers per LLM
// endpoint and the cache of validated tools.
#include "store/journal.h"
#include "store/stmt.h"
#include "util/log.h"

namespace bt::store {

using detail::Stmt;

Result<BreakerRow> Journal::update_breaker(const std::string& endpoint,
                                           const std::function<void(BreakerRow&)>& change) {
  std::lock_guard lock(mu_);
  // IMMEDIATE takes the write lock first, so two processes cannot both read
  // "half_open, no probe yet" and both send the probe.
  if (auto s = exec("BEGIN IMMEDIATE"); !s) return s.error();
  auto rollback = [&](Error e) -> Result<BreakerRow> {
    (void)exec("ROLLBACK");
    return e;
  };
  BreakerRow row;
  row.endpoint = endpoint;
  {
    Stmt s(*stmts_,
           "SELECT state, failures, opened_at_ms, probe_started_ms, updated_at FROM breakers "
           "WHERE endpoint = ?");
    s.bind(endpoint);
    const int rc = s.step();
    if (rc == SQLITE_ROW) {
      row.state = s.text(0);
      row.failures = static_cast<int>(s.integer(1));
      row.opened_at_ms = s.integer(2);
      row.probe_started_ms = s.integer(3);
      row.updated_at = s.text(4);
    } else if (rc != SQLITE_DONE) {
      return rollback(s.error());
    }
  }
  change(row);
  row.updated_at = now_rfc3339();
  Stmt w(*stmts_,
         "INSERT INTO breakers (endpoint, state, failures, opened_at_ms, probe_started_ms, updated_at) "
         "VALUES (?,?,?,?,?,?) ON CONFLICT(endpoint) DO UPDATE SET state = excluded.state, "
         "failures = excluded.failures, opened_at_ms = excluded.opened_at_ms, "
         "probe_started_ms = excluded.probe_started_ms, updated_at = excluded.updated_at");
  w.bind(row.endpoint).bind(row.state).bind(row.failures).bind(row.opened_at_ms).bind(row.probe_started_ms)
      .bind(row.updated_at);
  if (auto s = w.done(); !s) return rollback(s.error());
  if (auto s = exec("COMMIT"); !s) return rollback(s.error());
  return row;
}

Result<std::vector<BreakerRow>> Journal::breakers() {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_,
         "SELECT endpoint, state, failures, opened_at_ms, probe_started_ms, updated_at FROM breakers "
         "ORDER BY endpoint");
  std::vector<BreakerRow> rows;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    rows.push_back({s.text(0), s.text(1), static_cast<int>(s.integer(2)), s.integer(3), s.integer(4), s.text(5)});
  if (rc != SQLITE_DONE) return s.error();
  return rows;
}

Status Journal::cache_put(const CacheRow& r) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_,
         "INSERT OR REPLACE INTO tool_cache (key, code, execution_id, model, contract, created_at) "
         "VALUES (?,?,?,?,?,?)");
  s.bind(r.key).bind(r.code).bind(r.execution_id).bind(r.model).bind(r.contract).bind(now_rfc3339());
  return s.done();
}

namespace {
constexpr const char* kCacheColumns = "key, code, execution_id, model, contract, created_at, last_hit_at, hits";
CacheRow read_cache(const Stmt& s) {
  return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6), s.integer(7)};
}
}  // namespace

Result<std::optional<CacheRow>> Journal::cache_hit(const std::string& key) {
  std::lock_guard lock(mu_);
  {
    Stmt u(*stmts_, "UPDATE tool_cache SET hits = hits + 1, last_hit_at = ? WHERE key = ?");
    u.bind(now_rfc3339()).bind(key);
    if (auto s = u.done(); !s) return s.error();
  }
  Stmt s(*stmts_, (std::string("SELECT ") + kCacheColumns + " FROM tool_cache WHERE key = ?").c_str());
  s.bind(key);
  switch (s.step()) {
    case SQLITE_ROW: return std::optional<CacheRow>(read_cache(s));
    case SQLITE_DONE: return std::optional<CacheRow>();
    default: return s.error();
  }
}

Status Journal::cache_evict(const std::string& key) {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "DELETE FROM tool_cache WHERE key = ?");
  s.bind(key);
  return s.done();
}

Result<std::vector<CacheRow>> Journal::cache_list() {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, (std::string("SELECT ") + kCacheColumns + " FROM tool_cache ORDER BY created_at DESC").c_str());
  std::vector<CacheRow> rows;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) rows.push_back(read_cache(s));
  if (rc != SQLITE_DONE) return s.error();
  return rows;
}

Result<long long> Journal::cache_purge() {
  std::lock_guard lock(mu_);
  Stmt s(*stmts_, "DELETE FROM tool_cache");
  if (auto st = s.done(); !st) return st.error();
  return static_cast<long long>(sqlite3_changes(db_));
}

}  // namespace bt::store
