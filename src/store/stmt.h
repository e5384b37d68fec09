// A prepared SQLite statement that finalizes itself; bind() takes values in
// order. Shared by the journal's files.
#pragma once

#include <sqlite3.h>

#include <string>

#include "util/result.h"

namespace bt::store::detail {

// A prepared statement that finalizes itself; bind() takes values in order.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &st_, nullptr);
  }
  ~Stmt() { sqlite3_finalize(st_); }
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
  sqlite3_stmt* st_ = nullptr;
  int rc_;
  int n_ = 0;
};

}  // namespace bt::store::detail
