#include "contract/sql_rules.h"

#include <sqlite3.h>

#include <cctype>

namespace bt::contract {

namespace {

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Quality queries may read and compute, nothing else: no ATTACH (which
// creates files), no PRAGMA, no writes.
int read_only_authorizer(void*, int action, const char*, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    default:
      return SQLITE_DENY;
  }
}

}  // namespace

struct SqlTable::Impl {
  sqlite3* db = nullptr;
  sqlite3_stmt* insert = nullptr;
  std::vector<std::string> columns;
  ~Impl() {
    if (insert) sqlite3_finalize(insert);
    if (db) sqlite3_close(db);
  }
};

SqlTable::SqlTable() : impl_(std::make_unique<Impl>()) {}
SqlTable::SqlTable(SqlTable&&) noexcept = default;
SqlTable::~SqlTable() = default;

Result<SqlTable> SqlTable::create(const Model& model) {
  SqlTable t;
  Impl& i = *t.impl_;
  if (sqlite3_open_v2(":memory:", &i.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
    return internal_error("cannot open an in-memory SQLite database");
  std::string ddl = "CREATE TABLE " + quote_ident(model.name) + " (", marks;
  for (const Field& f : model.fields) {
    if (!i.columns.empty()) {
      ddl += ", ";
      marks += ", ";
    }
    ddl += quote_ident(f.name);
    marks += "?";
    i.columns.push_back(f.name);
  }
  if (i.columns.empty()) {
    ddl += "_row";
    marks = "NULL";
  }
  ddl += ")";
  char* err = nullptr;
  if (sqlite3_exec(i.db, ddl.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "unknown error";
    sqlite3_free(err);
    return input_error("cannot create the table for SQL quality rules: " + m);
  }
  const std::string sql = "INSERT INTO " + quote_ident(model.name) + " VALUES (" + marks + ")";
  if (sqlite3_prepare_v2(i.db, sql.c_str(), -1, &i.insert, nullptr) != SQLITE_OK)
    return internal_error(std::string("cannot prepare insert: ") + sqlite3_errmsg(i.db));
  return t;
}

Status SqlTable::insert(const nlohmann::json& record) {
  Impl& i = *impl_;
  sqlite3_reset(i.insert);
  for (size_t c = 0; c < i.columns.size(); ++c) {
    const int at = static_cast<int>(c + 1);
    const nlohmann::json* v = nullptr;
    if (record.is_object())
      if (auto it = record.find(i.columns[c]); it != record.end()) v = &*it;
    if (!v || v->is_null()) sqlite3_bind_null(i.insert, at);
    else if (v->is_boolean()) sqlite3_bind_int(i.insert, at, v->get<bool>() ? 1 : 0);
    else if (v->is_number_integer() && !v->is_number_unsigned()) sqlite3_bind_int64(i.insert, at, v->get<long long>());
    else if (v->is_number()) sqlite3_bind_double(i.insert, at, v->get<double>());
    else if (v->is_string()) sqlite3_bind_text(i.insert, at, v->get_ref<const std::string&>().c_str(), -1, SQLITE_TRANSIENT);
    else sqlite3_bind_text(i.insert, at, v->dump().c_str(), -1, SQLITE_TRANSIENT);  // objects, arrays: JSON text
  }
  if (sqlite3_step(i.insert) != SQLITE_DONE)
    return internal_error(std::string("cannot load a record for SQL rules: ") + sqlite3_errmsg(i.db));
  return {};
}

Result<double> SqlTable::scalar(const std::string& query) {
  Impl& i = *impl_;
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  sqlite3_set_authorizer(i.db, read_only_authorizer, nullptr);
  const int prepared = sqlite3_prepare_v2(i.db, query.c_str(), -1, &stmt, &tail);
  sqlite3_set_authorizer(i.db, nullptr, nullptr);
  if (prepared != SQLITE_OK || !stmt) {
    if (stmt) sqlite3_finalize(stmt);
    return input_error(std::string("not a query SQLite can run: ") + sqlite3_errmsg(i.db));
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  // What follows the first statement may only be comments and blanks:
  // preparing it yields no statement then.
  if (tail && *tail) {
    sqlite3_stmt* next = nullptr;
    sqlite3_set_authorizer(i.db, read_only_authorizer, nullptr);
    const int rc = sqlite3_prepare_v2(i.db, tail, -1, &next, nullptr);
    sqlite3_set_authorizer(i.db, nullptr, nullptr);
    if (next) sqlite3_finalize(next);
    if (rc != SQLITE_OK || next)
      return input_error("a quality query must be one statement, found more after the first");
  }
  if (!sqlite3_stmt_readonly(stmt)) return input_error("a quality query must be read-only (a SELECT)");
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_DONE) return input_error("the query returned no rows");
  if (rc != SQLITE_ROW) return input_error(std::string("the query failed: ") + sqlite3_errmsg(i.db));
  if (sqlite3_column_type(stmt, 0) == SQLITE_NULL) return input_error("the query returned NULL");
  return sqlite3_column_double(stmt, 0);
}

}  // namespace bt::contract
