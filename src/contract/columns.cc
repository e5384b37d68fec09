#include "contract/columns.h"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <re2/re2.h>

#include "contract/formats.h"
#include "contract/sql_rules.h"
#include "util/strings.h"

namespace bt::contract {

using nlohmann::json;

namespace {

// The column type DuckDB would read a top-level field as: logical type
// first, physical type second. Only the types whose cast can fail matter.
enum class Column { other, bigint, date, timestamp, time };

Column column_of(const Field& f, Spec spec) {
  const std::string logical = compat_logical_type(f, spec);
  if (logical == "integer") return Column::bigint;
  if (logical == "date") return Column::date;
  if (logical == "timestamp") return Column::timestamp;
  if (logical == "time") return Column::time;
  if (!logical.empty()) return Column::other;
  const std::string physical = lower(f.physical_type);
  if (physical == "time") return Column::time;
  if (physical == "date") return Column::date;
  return Column::other;
}

bool digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// HH:MM[:SS[.ffffff]] as DuckDB's TIME reads it.
bool duckdb_time(std::string_view s, size_t& used) {
  if (!digits(s, 0, 2) || s.size() < 5 || s[2] != ':' || !digits(s, 3, 2)) return false;
  size_t i = 5;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2)) return false;
    i += 3;
    if (i < s.size() && s[i] == '.') {
      size_t j = i + 1;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      if (j == i + 1) return false;
      i = j;
    }
  }
  const int hh = (s[0] - '0') * 10 + (s[1] - '0'), mm = (s[3] - '0') * 10 + (s[4] - '0');
  used = i;
  return hh <= 24 && mm <= 59;
}

// DuckDB's JSON reader: 'T' or ' ' between date and time, upper-case 'Z' or
// a numeric offset; 2024-01-01t10:00:00z is "invalid timestamp field format".
bool duckdb_timestamp(std::string_view s) {
  if (s.size() < 10 || !matches_format("date", s.substr(0, 10))) return false;
  if (s.size() == 10) return true;
  if (s[10] != 'T' && s[10] != ' ') return false;
  size_t used = 0;
  std::string_view rest = s.substr(11);
  if (!duckdb_time(rest, used)) return false;
  rest.remove_prefix(used);
  if (rest.empty() || rest == "Z") return true;
  if (rest[0] != '+' && rest[0] != '-') return false;
  return digits(rest, 1, 2) && (rest.size() == 3 || (rest.size() == 6 && rest[3] == ':' && digits(rest, 4, 2)) ||
                                (rest.size() == 5 && digits(rest, 3, 2)));
}

bool castable(Column c, const json& v) {
  switch (c) {
    case Column::other: return true;
    case Column::bigint:
      if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX);
      if (v.is_number_float()) return v.get<double>() >= -9223372036854775808.0 && v.get<double>() < 9223372036854775808.0;
      return true;
    case Column::date: return !v.is_string() || matches_format("date", v.get_ref<const std::string&>());
    case Column::timestamp: return !v.is_string() || duckdb_timestamp(v.get_ref<const std::string&>());
    case Column::time: {
      if (!v.is_string()) return true;
      const std::string& s = v.get_ref<const std::string&>();
      size_t used = 0;
      return duckdb_time(s, used) && used == s.size();
    }
  }
  return true;
}

// The grouping key of a value: numbers by value (1 and 1.0 are one value,
// as SQL GROUP BY sees them), everything else by its JSON text.
std::string group_key(const json& v) {
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d == std::trunc(d) && d >= -9e18 && d <= 9e18) return std::to_string(static_cast<long long>(d));
  }
  return v.dump();
}

// CAST(value AS VARCHAR), near enough for lengths and patterns.
std::string as_varchar(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

const char* kColumnNames[] = {"VARCHAR", "BIGINT", "DATE", "TIMESTAMP", "TIME"};

struct Metric {
  const QualityRule* rule;
  const Field* field;  // nullptr for model-level rules
  long long count = 0;
  std::unordered_map<std::string, long long> seen;  // duplicateValues
  std::shared_ptr<RE2> pattern;
};

std::string describe(const QualityRule& r) {
  if (!r.description.empty()) return r.description;
  return r.type == "sql" ? r.query : r.metric;
}

// "passed" if `value` meets the rule's threshold, else "failed".
std::string judge(const QualityRule& r, double value, std::string& message) {
  const double b = r.bound.is_number() ? r.bound.get<double>() : 0;
  const double lo = r.bound.is_array() ? r.bound[0].get<double>() : 0;
  const double hi = r.bound.is_array() ? r.bound[1].get<double>() : 0;
  bool ok = true;
  std::string want;
  const std::string& t = r.threshold;
  if (t == "mustBe") ok = value == b, want = "= " + r.bound.dump();
  else if (t == "mustNotBe") ok = value != b, want = "!= " + r.bound.dump();
  else if (t == "mustBeGreaterThan") ok = value > b, want = "> " + r.bound.dump();
  else if (t == "mustBeGreaterOrEqualTo" || t == "mustBeGreaterThanOrEqualTo") ok = value >= b, want = ">= " + r.bound.dump();
  else if (t == "mustBeLessThan") ok = value < b, want = "< " + r.bound.dump();
  else if (t == "mustBeLessOrEqualTo" || t == "mustBeLessThanOrEqualTo") ok = value <= b, want = "<= " + r.bound.dump();
  else if (t == "mustBeBetween") ok = value >= lo && value <= hi, want = "between " + r.bound.dump();
  else if (t == "mustNotBeBetween") ok = value < lo || value > hi, want = "not between " + r.bound.dump();
  else {
    message = "no threshold (mustBe, mustBeGreaterThan, ...) given; value " + json(value).dump();
    return "warning";
  }
  message = "value " + json(value).dump() + ", expected " + want;
  return ok ? "passed" : "failed";
}

}  // namespace

struct ColumnChecks::State {
  const Model& model;
  Mode mode;
  Spec spec;
  long long rows = 0;

  struct Col {
    const Field* field;
    Column type = Column::other;
    bool present = false;
    long long missing = 0;  // null or absent
    bool check_unique = false;
    std::unordered_map<std::string, long long> values;  // for unique
    long long duplicates = 0;
    long long bad_length = 0, bad_pattern = 0, bad_cast = 0;
    std::string first_bad_cast;
    std::shared_ptr<RE2> pattern;
  };
  std::vector<Col> cols;
  std::vector<std::string> key;  // primary key columns
  std::unordered_set<std::string> key_values;
  long long key_duplicates = 0, key_nulls = 0;
  std::vector<Metric> metrics;
  std::vector<const QualityRule*> sql;
  std::vector<Check> notes;  // rules that cannot be checked here
  std::optional<SqlTable> table;
  std::string table_error;

  State(const Model& m, Mode mo, Spec sp) : model(m), mode(mo), spec(sp) {}
};

ColumnChecks::ColumnChecks(const Model& model, Mode mode, Spec spec)
    : s_(std::make_unique<State>(model, mode, spec)) {
  State& s = *s_;
  const bool compat = mode == Mode::compat;
  for (const Field& f : model.fields) {
    State::Col c{&f};
    c.type = compat ? column_of(f, spec) : Column::other;
    c.check_unique = f.unique;
    if (compat && f.pattern) {
      RE2::Options o;
      o.set_log_errors(false);
      c.pattern = std::make_shared<RE2>(*f.pattern, o);
    }
    s.cols.push_back(std::move(c));
  }
  s.key = model.primary_key;
  if (s.key.empty())
    for (const Field& f : model.fields)
      if (f.primary_key) s.key.push_back(f.name);
  auto add_rules = [&](const std::vector<QualityRule>& rules, const Field* field) {
    for (const QualityRule& r : rules) {
      if (r.type == "sql") {
        s.sql.push_back(&r);
      } else if (r.type == "library" &&
                 (r.metric == "rowCount" || r.metric == "nullValues" || r.metric == "missingValues" ||
                  r.metric == "invalidValues" || r.metric == "duplicateValues")) {
        Metric m{&r, field};
        if (r.arguments.is_object() && r.arguments.contains("pattern") && r.arguments["pattern"].is_string()) {
          RE2::Options o;
          o.set_log_errors(false);
          m.pattern = std::make_shared<RE2>(r.arguments["pattern"].get<std::string>(), o);
        }
        s.metrics.push_back(std::move(m));
      } else if (!compat) {
        // Upstream skips these silently; strict says so.
        s.notes.push_back({"quality: " + describe(r), "warning",
                           "rule of type '" + r.type + (r.metric.empty() ? "" : "', metric '" + r.metric) +
                               "' cannot be checked locally; not checked",
                           r.loc.str()});
      }
    }
  };
  add_rules(model.quality, nullptr);
  // Checks across records see top-level fields only (as upstream's column
  // checks do); strict says so instead of passing nested ones silently.
  if (!compat) {
    std::function<void(const std::vector<Field>&, const std::string&)> nested = [&](const std::vector<Field>& fields,
                                                                                 const std::string& prefix) {
      for (const Field& f : fields) {
        const std::string name = prefix + "." + f.name;
        if (f.unique || f.primary_key || !f.quality.empty())
          s.notes.push_back({model.name + name, "warning",
                             "unique, primaryKey and quality rules are checked on top-level fields only; not checked here",
                             f.loc.str()});
        nested(f.fields, name);
        if (f.items) nested(f.items->fields, name + "[]");
      }
    };
    for (const Field& f : model.fields) {
      nested(f.fields, "." + f.name);
      if (f.items) nested(f.items->fields, "." + f.name + "[]");
    }
  }
  for (const Field& f : model.fields) add_rules(f.quality, &f);
  if (!s.sql.empty()) {
    auto t = SqlTable::create(model);
    if (t) s.table.emplace(std::move(*t));
    else s.table_error = t.error().message;
  }
}

ColumnChecks::~ColumnChecks() = default;

bool ColumnChecks::needed() const {
  const State& s = *s_;
  if (s.mode == Mode::compat) return true;
  return !s.key.empty() || !s.metrics.empty() || !s.sql.empty() || !s.notes.empty() ||
         std::any_of(s.cols.begin(), s.cols.end(), [](const State::Col& c) { return c.check_unique; });
}

void ColumnChecks::add(const json& record) {
  State& s = *s_;
  ++s.rows;
  const bool compat = s.mode == Mode::compat;
  auto lookup = [&](const std::string& name) -> const json* {
    if (!record.is_object()) return nullptr;
    if (auto it = record.find(name); it != record.end()) return &*it;
    return nullptr;
  };
  for (State::Col& c : s.cols) {
    const json* v = lookup(c.field->name);
    if (!c.present && record.is_object()) {
      // DuckDB matches column names without regard to case.
      const std::string want = lower(c.field->name);
      c.present = v || std::any_of(record.items().begin(), record.items().end(),
                                   [&](const auto& kv) { return lower(kv.key()) == want; });
    }
    const bool null = !v || v->is_null();
    if (null) ++c.missing;
    if (c.check_unique) {
      // GROUP BY semantics: every NULL falls into one group.
      const std::string k = null ? std::string("\0null", 5) : group_key(*v);
      if (++c.values[k] == 2) ++c.duplicates;
    }
    if (!compat || null) continue;
    if (!castable(c.type, *v)) {
      if (c.bad_cast++ == 0) c.first_bad_cast = v->dump();
    }
    if (c.field->min_length || c.field->max_length) {
      const size_t len = utf8_length(as_varchar(*v));
      if ((c.field->min_length && len < static_cast<size_t>(*c.field->min_length)) ||
          (c.field->max_length && len > static_cast<size_t>(*c.field->max_length)))
        ++c.bad_length;
    }
    if (c.pattern && c.pattern->ok() && !RE2::PartialMatch(as_varchar(*v), *c.pattern)) ++c.bad_pattern;
  }
  if (!s.key.empty()) {
    std::string tuple;
    bool any_null = false;
    for (const std::string& k : s.key) {
      const json* v = lookup(k);
      any_null = any_null || !v || v->is_null();
      tuple += (v ? group_key(*v) : "null") + '\x1f';
    }
    if (any_null) ++s.key_nulls;
    if (!s.key_values.insert(tuple).second) ++s.key_duplicates;
  }
  for (Metric& m : s.metrics) {
    if (!m.field) continue;
    const json* v = lookup(m.field->name);
    const bool null = !v || v->is_null();
    const QualityRule& r = *m.rule;
    if (r.metric == "nullValues") {
      m.count += null;
    } else if (r.metric == "missingValues") {
      bool missing = null;
      if (!null && r.arguments.is_object() && r.arguments.contains("missingValues"))
        for (const json& mv : r.arguments["missingValues"]) missing = missing || mv == *v;
      m.count += missing;
    } else if (r.metric == "invalidValues" && !null) {
      bool invalid = false;
      if (r.arguments.is_object() && r.arguments.contains("validValues") && r.arguments["validValues"].is_array()) {
        const json& valid = r.arguments["validValues"];
        invalid = std::find(valid.begin(), valid.end(), *v) == valid.end();
      }
      if (m.pattern && m.pattern->ok() && !RE2::PartialMatch(as_varchar(*v), *m.pattern)) invalid = true;
      m.count += invalid;
    } else if (r.metric == "duplicateValues" && !null) {
      if (++m.seen[group_key(*v)] > 1) ++m.count;
    }
  }
  if (s.table) {
    if (auto st = s.table->insert(record); !st) s.table_error = st.error().message;
  }
}

std::vector<Check> ColumnChecks::finish() {
  State& s = *s_;
  std::vector<Check> out = s.notes;
  const std::string& model = s.model.name;
  const bool compat = s.mode == Mode::compat;
  auto add = [&](std::string name, bool ok, std::string message, const SourceLoc& loc) {
    out.push_back({model + "." + name, ok ? "passed" : "failed", ok ? "" : std::move(message), loc.str()});
  };
  auto n = [](long long v) { return std::to_string(v); };
  for (const State::Col& c : s.cols) {
    const Field& f = *c.field;
    if (compat) add(f.name + " is present", c.present, "no record has the field '" + f.name + "'", f.loc);
    if (compat && f.required) add(f.name + " required", c.missing == 0, n(c.missing) + " records without a value", f.loc);
    if (c.check_unique)
      add(f.name + " unique", c.duplicates == 0, n(c.duplicates) + " values occur more than once (nulls count as one value)", f.loc);
    if (compat && c.bad_cast)
      add(f.name + " readable as " + kColumnNames[static_cast<int>(c.type)], false,
          n(c.bad_cast) + " values cannot be read as " + kColumnNames[static_cast<int>(c.type)] + ", e.g. " +
              c.first_bad_cast,
          f.loc);
    if (compat && (f.min_length || f.max_length))
      add(f.name + " length", c.bad_length == 0, n(c.bad_length) + " values with a length out of bounds", f.loc);
    if (compat && c.pattern)
      add(f.name + " pattern", c.bad_pattern == 0, n(c.bad_pattern) + " values not matching " + *f.pattern, f.loc);
  }
  if (!s.key.empty()) {
    std::string name;
    for (const auto& k : s.key) name += (name.empty() ? "" : ", ") + k;
    add("primary key (" + name + ")", s.key_nulls == 0 && s.key_duplicates == 0,
        n(s.key_nulls) + " records with a null key part, " + n(s.key_duplicates) + " repeated keys", s.model.loc);
  }
  for (const Metric& m : s.metrics) {
    const QualityRule& r = *m.rule;
    double value = static_cast<double>(r.metric == "rowCount" ? s.rows : m.count);
    if (r.metric != "rowCount" && r.arguments.is_object() && r.arguments.value("unit", "") == "percent")
      value = s.rows ? 100.0 * value / static_cast<double>(s.rows) : 0;
    std::string message;
    const std::string result = judge(r, value, message);
    out.push_back({model + (m.field ? "." + m.field->name : "") + " quality: " + describe(r), result,
                   result == "passed" ? "" : r.metric + " " + message, r.loc.str()});
  }
  for (const QualityRule* r : s.sql) {
    const std::string name = model + " quality: " + describe(*r);
    if (!s.table) {
      out.push_back({name, "failed", s.table_error, r->loc.str()});
      continue;
    }
    auto value = s.table->scalar(r->query);
    if (!value) {
      out.push_back({name, "failed", value.error().message + " (SQL dialect: SQLite)", r->loc.str()});
      continue;
    }
    std::string message;
    const std::string result = judge(*r, *value, message);
    out.push_back({name, result, result == "passed" ? "" : message, r->loc.str()});
  }
  return out;
}

}  // namespace bt::contract
