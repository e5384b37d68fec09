// A prepared SQLite statement that finalizes itself; bind() takes values in
// order. Shared by the journal's files.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <utility>
#include <unordered_map>

#include "util/result.h"

namespace bt::store::detail {

// Statements prepared once per connection: the journal runs the same few
// for every stage of every attempt, and preparing one costs more than
// running it. Not thread-safe; the journal's mutex guards it.
class StmtCache {
 public:
  explicit StmtCache(sqlite3* db) : db_(db) {}
  ~StmtCache() {
    for (auto& [sql, st] : idle_) sqlite3_finalize(st);
  }
  StmtCache(const StmtCache&) = delete;
  StmtCache& operator=(const StmtCache&) = delete;

  sqlite3* db() const { return db_; }
  // A statement for `sql`, ready to bind: the idle one, or a new one.
  sqlite3_stmt* take(const char* sql, int* rc) {
    if (auto it = idle_.find(sql); it != idle_.end() && it->second) {
      *rc = SQLITE_OK;
      return std::exchange(it->second, nullptr);
    }
    sqlite3_stmt* st = nullptr;
    *rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    return st;
  }
  // Reset (which also ends its read of the database) and kept for the next
  // take; a second copy of one in use, or one past the bound, is finalized.
  void give_back(sqlite3_stmt* st) {
    if (!st) return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    auto [it, fresh] = idle_.try_emplace(sqlite3_sql(st), nullptr);
    if (it->second || (fresh && idle_.size() > kMaxStatements)) {
      if (fresh) idle_.erase(it);
      sqlite3_finalize(st);
      return;
    }
    it->second = st;
  }

 private:
  // The journal's statements are fixed text but for a few search filters.
  static constexpr size_t kMaxStatements = 64;
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> idle_;
};

// A prepared statement that resets or finalizes itself; bind() takes values
// in order.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr); }
  Stmt(StmtCache& cache, const char* sql) : db_(cache.db()), cache_(&cache) { st_ = cache.take(sql, &rc_); }
  ~Stmt() {
    if (cache_) cache_->give_back(st_);
    else sqlite3_finalize(st_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& bind(const std::string& v) {
    sqlite3_bind_text(st_, ++n_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(const char* v) { return bind(std::string(v)); }
  Stmt& bind(long long v) {
    sqlite3_bind_int64(st_, ++n_, v);
    return *this;
  }
  Stmt& bind(int v) { return bind(static_cast<long long>(v)); }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(st_); }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(st_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(st_, col)))
             : std::string();
  }
  long long integer(int col) const { return sqlite3_column_int64(st_, col); }
  Status done() {
    if (!ok() || step() != SQLITE_DONE) return error();
    return {};
  }
  Error error() const { return infra_error(std::string("journal: ") + sqlite3_errmsg(db_)); }

 private:
  sqlite3* db_;
  StmtCache* cache_ = nullptr;
  sqlite3_stmt* st_ = nullptr;
  int rc_;
  int n_ = 0;
};

}  // namespace bt::store::detail
