// RecordValidator: walks one record with simdjson On-Demand, following the
// plan, and turns every broken rule into a Violation naming the path, rule,
// expectation, excerpted value and contract line.
#include <algorithm>
#include <cctype>
#include <list>

#include <re2/re2.h>
#include <simdjson.h>

#include "contract/formats.h"
#include "contract/plan.h"
#include "util/json_depth.h"

namespace bt::contract {

using nlohmann::json;
namespace od = simdjson::ondemand;

namespace {

constexpr size_t kExcerptMax = 80;

std::string excerpt(std::string_view raw) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (raw.size() <= kExcerptMax) return std::string(raw);
  size_t cut = kExcerptMax - 1;
  while (cut > 0 && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return std::string(raw.substr(0, cut)) + "…";
}

bool is_identifier(std::string_view k) {
  if (k.empty() || std::isdigit(static_cast<unsigned char>(k[0]))) return false;
  return std::all_of(k.begin(), k.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

void append_key(std::string& path, std::string_view key) {
  if (is_identifier(key)) {
    path += '.';
    path += key;
    return;
  }
  path += "['";
  for (char c : key) {
    if (c == '\'' || c == '\\') {
      path += '\\';
      path += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      const std::string escaped = json(std::string(1, c)).dump();  // "\n", "\u0001", ...
      path += escaped.substr(1, escaped.size() - 2);
    } else {
      path += c;
    }
  }
  path += "']";
}

// -?(0|[1-9][0-9]*): JSON's integer syntax.
bool is_integer_literal(std::string_view raw) {
  const size_t from = !raw.empty() && raw[0] == '-' ? 1 : 0;
  if (raw.size() == from) return false;
  if (raw[from] == '0' && raw.size() > from + 1) return false;
  return std::all_of(raw.begin() + static_cast<long>(from), raw.end(),
                     [](unsigned char c) { return std::isdigit(c); });
}

// Digits of a JSON number literal as a decimal: before and after the point,
// numerically (1.50 has one fractional digit, 1.5e3 none, 0.001 three).
struct DecimalDigits {
  int integer = 0, fraction = 0;
};

DecimalDigits decimal_digits(std::string_view raw) {
  std::string digits;
  long long exp = 0;
  size_t i = 0;
  if (i < raw.size() && raw[i] == '-') ++i;
  for (; i < raw.size() && std::isdigit(static_cast<unsigned char>(raw[i])); ++i) digits += raw[i];
  if (i < raw.size() && raw[i] == '.')
    for (++i; i < raw.size() && std::isdigit(static_cast<unsigned char>(raw[i])); ++i, --exp) digits += raw[i];
  if (i < raw.size() && (raw[i] == 'e' || raw[i] == 'E')) {
    ++i;
    const bool neg = i < raw.size() && raw[i] == '-';
    if (i < raw.size() && (raw[i] == '-' || raw[i] == '+')) ++i;
    long long e = 0;
    for (; i < raw.size() && std::isdigit(static_cast<unsigned char>(raw[i])) && e < 100000; ++i) e = e * 10 + (raw[i] - '0');
    exp += neg ? -e : e;
  }
  const size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return {};
  digits.erase(0, first);
  while (!digits.empty() && digits.back() == '0') {
    digits.pop_back();
    ++exp;
  }
  const long long n = static_cast<long long>(digits.size());
  if (exp >= 0) return {static_cast<int>(std::min(n + exp, 1000000LL)), 0};
  const long long frac = -exp;
  return {static_cast<int>(std::max(0LL, n - frac)), static_cast<int>(std::min(frac, 1000000LL))};
}

// A step in the path, rendered only when a violation needs it.
struct Step {
  std::string_view key;
  long long index = -1;
};

std::string kind_name(od::json_type t, const Number* n) {
  switch (t) {
    case od::json_type::string: return "string";
    case od::json_type::boolean: return "boolean";
    case od::json_type::null: return "null";
    case od::json_type::object: return "object";
    case od::json_type::array: return "array";
    case od::json_type::number: return n && n->kind != Number::Kind::float64 ? "integer" : "number";
  }
  return "value";
}

// Everything one record's walk needs; `stop` ends it early (compat: fail fast).
class Walk {
 public:
  Walk(const Plan& plan, long long record, size_t cap, std::vector<Violation>& out, std::vector<Step>& steps)
      : plan_(plan), record_(record), cap_(cap), out_(out), fail_fast_(plan.mode() == Mode::compat), steps_(steps) {
    steps_.clear();
  }

  size_t found() const { return found_; }
  bool stopped() const { return stop_; }
  const std::string& error() const { return error_; }

  template <typename V>
  void value(int node_index, V& v) {
    if (stop_) return;
    const Plan::Node& n = plan_.node(node_index);
    od::json_type t;
    if (auto e = v.type().get(t)) return parse_fail(e);
    switch (t) {
      case od::json_type::object: {
        if (n.types && !(n.types & Plan::kObject)) return mismatch(n, t, raw_of(v, t), nullptr);
        od::object obj;
        if (auto e = v.get_object().get(obj)) return parse_fail(e);
        return object(node_index, n, obj);
      }
      case od::json_type::array: {
        if (n.types && !(n.types & Plan::kArray)) return mismatch(n, t, raw_of(v, t), nullptr);
        od::array arr;
        if (auto e = v.get_array().get(arr)) return parse_fail(e);
        return array(n, arr);
      }
      case od::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return parse_fail(e);
        return string(n, s, v.raw_json_token());
      }
      case od::json_type::number: {
        Number num;
        if (!read_number(v, num)) return;
        return number(n, num, v.raw_json_token());
      }
      case od::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b)) return parse_fail(e);
        return scalar_bool(n, b);
      }
      case od::json_type::null: {
        bool is_null = false;
        if (auto e = v.is_null().get(is_null); e || !is_null) return parse_fail(e ? e : simdjson::N_ATOM_ERROR);
        if (n.types && !(n.types & Plan::kNull)) return mismatch(n, t, "null", nullptr);
        if (n.has_enum && !enum_has(n, [](const json& j) { return j.is_null(); }))
          return report(n, "enum", "one of " + json(n.enum_values).dump(), "null");
        return;
      }
    }
  }

  void parse_fail(simdjson::error_code e) {
    if (error_.empty()) error_ = simdjson::error_message(e);
    stop_ = true;
  }

  // Reads a value no rule looks at (an allowed unknown key, a free-form
  // object, the rest of a record compat stopped checking) just to be sure it
  // is JSON: On-Demand skips values without validating them, and Python's
  // json.loads (upstream) would reject `tru` anywhere in the record.
  // Depth is bounded by nested_too_deep() before any walk starts.
  template <typename V>
  void consume(V& v) {
    if (!error_.empty()) return;
    od::json_type t;
    if (auto e = v.type().get(t)) return parse_fail(e);
    switch (t) {
      case od::json_type::object: {
        od::object obj;
        if (auto e = v.get_object().get(obj)) return parse_fail(e);
        for (auto field : obj) {
          std::string_view key;
          if (auto e = field.unescaped_key().get(key)) return parse_fail(e);
          od::value child;
          if (auto e = field.value().get(child)) return parse_fail(e);
          consume(child);
          if (!error_.empty()) return;
        }
        return;
      }
      case od::json_type::array: {
        od::array arr;
        if (auto e = v.get_array().get(arr)) return parse_fail(e);
        for (auto element : arr) {
          od::value child;
          if (auto e = element.get(child)) return parse_fail(e);
          consume(child);
          if (!error_.empty()) return;
        }
        return;
      }
      case od::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s)) parse_fail(e);
        return;
      }
      case od::json_type::number: {
        Number n;
        (void)read_number(v, n);
        return;
      }
      case od::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b)) parse_fail(e);
        return;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (auto e = v.is_null().get(is_null); e || !is_null) parse_fail(e ? e : simdjson::N_ATOM_ERROR);
        return;
      }
    }
  }

 private:
  template <typename V>
  std::string raw_of(V& v, od::json_type t) {
    std::string_view raw;
    if (t == od::json_type::object) {
      od::object o;
      if (!v.get_object().get(o) && !o.raw_json().get(raw)) return excerpt(raw);
      return "{…}";
    }
    if (t == od::json_type::array) {
      od::array a;
      if (!v.get_array().get(a) && !a.raw_json().get(raw)) return excerpt(raw);
      return "[…]";
    }
    return excerpt(v.raw_json_token());
  }

  template <typename V>
  bool read_number(V& v, Number& num) {
    od::number_type nt{};
    simdjson::error_code e = v.get_number_type().get(nt);
    if (!e) {
      switch (nt) {
        case od::number_type::signed_integer: num.kind = Number::Kind::int64; e = v.get_int64().get(num.i); break;
        case od::number_type::unsigned_integer: num.kind = Number::Kind::uint64; e = v.get_uint64().get(num.u); break;
        case od::number_type::floating_point_number: num.kind = Number::Kind::float64; e = v.get_double().get(num.d); break;
      }
    }
    if (!e) return true;
    // simdjson 3.0 has no big integers: an integer literal beyond 64 bits is
    // an error to it but a valid (exact) integer to Python and to us.
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
    if (!is_integer_literal(raw)) {
      parse_fail(e);
      return false;
    }
    num = Number{};
    num.kind = Number::Kind::big;
    num.big = raw;
    return true;
  }

  std::string path() const {
    std::string p = "$";
    for (const Step& s : steps_) {
      if (s.index >= 0) p += "[" + std::to_string(s.index) + "]";
      else append_key(p, s.key);
    }
    return p;
  }

  void report(const Plan::Node& n, std::string rule, std::string expected, std::string actual) {
    ++found_;
    if (found_ <= cap_)
      out_.push_back({path(), std::move(rule), std::move(expected), std::move(actual), n.location, record_});
    if (fail_fast_) stop_ = true;
  }

  void mismatch(const Plan::Node& n, od::json_type t, const std::string& raw, const Number* num) {
    report(n, "type", n.type_text, raw + " (" + kind_name(t, num) + ")");
  }

  template <typename Pred>
  bool enum_has(const Plan::Node& n, Pred pred) const {
    return std::any_of(n.enum_values.begin(), n.enum_values.end(), pred);
  }

  void check_enum_failed(const Plan::Node& n, std::string_view raw) {
    report(n, "enum", "one of " + json(n.enum_values).dump(), excerpt(raw));
  }

  void string(const Plan::Node& n, std::string_view s, std::string_view raw) {
    if (n.types && !(n.types & Plan::kString)) return mismatch(n, od::json_type::string, excerpt(raw), nullptr);
    if (n.min_length || n.max_length) {
      const size_t len = utf8_length(s);
      if (n.min_length && len < *n.min_length)
        report(n, "minLength", "length >= " + std::to_string(*n.min_length),
               excerpt(raw) + " (length " + std::to_string(len) + ")");
      if (stop_) return;
      if (n.max_length && len > *n.max_length)
        report(n, "maxLength", "length <= " + std::to_string(*n.max_length),
               excerpt(raw) + " (length " + std::to_string(len) + ")");
      if (stop_) return;
    }
    if (n.pattern && !RE2::PartialMatch(s, *n.pattern)) {
      report(n, "pattern", "string matching pattern " + n.pattern_text, excerpt(raw));
      if (stop_) return;
    }
    if (!n.format.empty()) {
      const bool ok = plan_.mode() == Mode::compat ? matches_format_compat(n.format, s) : matches_format(n.format, s);
      if (!ok) {
        report(n, "format", format_expectation(n.format), excerpt(raw));
        if (stop_) return;
      }
    }
    if (n.has_enum && !enum_has(n, [&](const json& j) { return j.is_string() && j.get_ref<const std::string&>() == s; }))
      check_enum_failed(n, raw);
  }

  void number(const Plan::Node& n, const Number& num, std::string_view raw) {
    const bool strict = plan_.mode() == Mode::strict;
    const bool integer = num.is_integer(/*float_may_be_integer=*/!strict);
    if (n.types && !(n.types & Plan::kNumber) && !((n.types & Plan::kInteger) && integer))
      return mismatch(n, od::json_type::number, excerpt(raw), &num);
    auto bound = [&](const char* rule, const char* op, const std::optional<Number>& limit, auto broken) {
      if (stop_ || !limit || !broken(compare(num, *limit))) return;
      const std::string t = (n.types & Plan::kInteger) ? "integer" : "number";
      report(n, rule, t + " " + op + " " + limit->str(), excerpt(raw));
    };
    bound("minimum", ">=", n.minimum, [](int c) { return c < 0; });
    bound("exclusiveMinimum", ">", n.exclusive_minimum, [](int c) { return c <= 0; });
    bound("maximum", "<=", n.maximum, [](int c) { return c > 0; });
    bound("exclusiveMaximum", "<", n.exclusive_maximum, [](int c) { return c >= 0; });
    if (!stop_ && (n.precision || n.scale)) {
      // decimal(p, s): at most s digits after the point, p - s before it.
      const DecimalDigits d = decimal_digits(raw);
      const int scale = n.scale.value_or(0);
      if (n.scale && d.fraction > scale)
        report(n, "scale", "at most " + std::to_string(scale) + " digits after the decimal point",
               excerpt(raw) + " (" + std::to_string(d.fraction) + ")");
      else if (n.precision && d.integer > *n.precision - scale)
        report(n, "precision",
               "at most " + std::to_string(*n.precision) + " digits in all (" + std::to_string(*n.precision - scale) +
                   " before the point)",
               excerpt(raw) + " (" + std::to_string(d.integer) + " before the point)");
    }
    if (stop_ || !n.has_enum) return;
    // Type-strict, as Python compares: 1 == 1.0, but true is not 1 and "1" is not 1.
    if (!enum_has(n, [&](const json& j) { return j.is_number() && compare(num, Number::of(j)) == 0; }))
      check_enum_failed(n, raw);
  }

  void scalar_bool(const Plan::Node& n, bool b) {
    const char* raw = b ? "true" : "false";
    if (n.types && !(n.types & Plan::kBoolean)) return mismatch(n, od::json_type::boolean, raw, nullptr);
    if (n.has_enum && !enum_has(n, [&](const json& j) { return j.is_boolean() && j.get<bool>() == b; }))
      check_enum_failed(n, raw);
  }

  void object(int node_index, const Plan::Node& n, od::object& obj) {
    // Which declared properties were seen: a bitmask for the usual small object.
    const size_t count = n.props.size();
    std::uint64_t seen_small = 0;
    std::vector<bool> seen_large(count > 64 ? count : 0);
    for (auto result : obj) {
      if (stop_) return;
      od::field field;
      if (auto e = std::move(result).get(field)) return parse_fail(e);
      // The raw key is enough unless it holds an escape: unescaping every key
      // would cost a copy per field. Stage 1 validated the string, so its
      // closing quote is there.
      const char* raw = field.key().raw();
      size_t len = 0;
      bool escaped = false;
      while (raw[len] != '"') {
        if (raw[len] == '\\') {
          escaped = true;
          ++len;
        }
        ++len;
      }
      std::string_view key(raw, len);
      if (escaped) {
        const json unescaped = json::parse("\"" + std::string(key) + "\"", nullptr, false);
        if (!unescaped.is_string()) return parse_fail(simdjson::STRING_ERROR);
        key = keys_.emplace_back(unescaped.get<std::string>());
      }
      od::value v = field.value();
      int child = -1;
      for (size_t i = 0; i < count; ++i) {
        if (n.props[i].name == key) {
          child = n.props[i].node;
          if (count > 64) seen_large[i] = true;
          else seen_small |= std::uint64_t{1} << i;
          break;
        }
      }
      if (child < 0) {
        for (const auto& [re, node] : n.pattern_props)
          if (RE2::PartialMatch(key, *re)) {
            child = node;
            break;
          }
      }
      steps_.push_back({key, -1});
      if (child >= 0) {
        value(child, v);
      } else if (n.allow_unknown) {
        consume(v);
      } else {
        od::json_type t;
        std::string raw = v.type().get(t) ? std::string("?") : raw_of(v, t);
        report(n, "additionalProperties", n.declared, raw);
      }
      steps_.pop_back();
    }
    if (stop_) return;
    for (size_t i = 0; i < count; ++i) {
      const bool seen = count > 64 ? seen_large[i] : (seen_small >> i) & 1;
      if (seen || !n.props[i].required) continue;
      steps_.push_back({n.props[i].name, -1});
      report(plan_.node(n.props[i].node), "required", "present", "missing");
      steps_.pop_back();
      if (stop_) return;
    }
    (void)node_index;
  }

  void array(const Plan::Node& n, od::array& arr) {
    long long i = 0;
    for (auto element : arr) {
      if (stop_) return;
      od::value v;
      if (auto e = element.get(v)) return parse_fail(e);
      if (n.items >= 0) {
        steps_.push_back({{}, i});
        value(n.items, v);
        steps_.pop_back();
      } else {
        consume(v);  // no rule for the elements, but they must be JSON
      }
      ++i;
    }
  }

  const Plan& plan_;
  long long record_;
  size_t cap_;
  std::vector<Violation>& out_;
  bool fail_fast_;
  bool stop_ = false;
  size_t found_ = 0;
  std::string error_;
  std::vector<Step>& steps_;  // reused across records: no allocation per record
  std::list<std::string> keys_;  // unescaped keys the path may point into (no allocation until used)
};

// Bytes after the value that are not whitespace: "Extra data" to Python.
bool trailing_content(const char* end_of_value, const char* end) {
  for (const char* p = end_of_value; p < end; ++p)
    if (!std::isspace(static_cast<unsigned char>(*p))) return true;
  return false;
}

// simdjson On-Demand does not enforce parser::max_depth(): the walk only
// descends where the plan does (at most 64 levels, loader_base.h) and skips
// everything else iteratively, so deep data cannot overflow our stack, but a
// record nested 10,000 deep would pass as valid. Python's json (upstream)
// gives up near 1,000 levels, so deeper records are a parse error in both
// modes, as simdjson's DOM parser would report (DEPTH_ERROR at 1024).
// Found with the 10,000-deep record of fuzz_regression_test.cc (fuzz/README.md).
constexpr size_t kMaxRecordDepth = simdjson::DEFAULT_MAX_DEPTH;

bool nested_too_deep(std::string_view s) {
  // Each level needs a byte: the common case costs nothing.
  return s.size() > kMaxRecordDepth && nests_too_deep(s, kMaxRecordDepth);
}

std::string too_deep_message() {
  return "JSON nested deeper than " + std::to_string(kMaxRecordDepth) + " levels";
}

}  // namespace

static_assert(RecordValidator::kPadding >= simdjson::SIMDJSON_PADDING);

struct RecordValidator::Impl {
  const Plan& plan;
  size_t cap;
  od::parser parser;
  std::vector<Step> steps;
};

RecordValidator::RecordValidator(const Plan& plan, size_t per_record_cap)
    : impl_(std::make_unique<Impl>(Impl{plan, per_record_cap, od::parser{}, {}})) {}
RecordValidator::~RecordValidator() = default;
RecordValidator::RecordValidator(RecordValidator&&) noexcept = default;

// The whole text read once more, only for its syntax: after compat stopped
// at a record's first violation, the rest must still be JSON ("" if it is).
std::string RecordValidator::syntax_error(std::string_view text) {
  od::document doc;
  if (auto e = impl_->parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc))
    return simdjson::error_message(e);
  std::vector<Violation> none;
  Walk walk(impl_->plan, -1, 0, none, impl_->steps);
  walk.consume(doc);
  if (!walk.error().empty()) return walk.error();
  const char* at = nullptr;
  if (!doc.current_location().get(at) && trailing_content(at, text.data() + text.size()))
    return "extra data after the JSON value";
  return "";
}

RecordValidator::Outcome RecordValidator::validate(std::string_view text, long long record,
                                                   std::vector<Violation>& out) {
  Outcome outcome;
  if (nested_too_deep(text)) {
    outcome.parse_error = too_deep_message();
    return outcome;
  }
  od::document doc;
  if (auto e = impl_->parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
    outcome.parse_error = simdjson::error_message(e);
    return outcome;
  }
  Walk walk(impl_->plan, record, impl_->cap, out, impl_->steps);
  walk.value(impl_->plan.root(), doc);
  outcome.violations = walk.found();
  if (!walk.error().empty()) {
    outcome.parse_error = walk.error();
  } else if (walk.stopped()) {
    outcome.parse_error = syntax_error(text);  // compat stopped early: read the rest
  } else {
    const char* at = nullptr;
    if (!doc.current_location().get(at) && trailing_content(at, text.data() + text.size()))
      outcome.parse_error = "extra data after the JSON value";
  }
  return outcome;
}

RecordValidator::Outcome RecordValidator::validate_array(std::string_view text, long long first_record,
                                                         std::vector<Violation>& out, long long& records) {
  Outcome outcome;
  if (nested_too_deep(text)) {
    outcome.parse_error = too_deep_message();
    return outcome;
  }
  od::document doc;
  od::array arr;
  if (auto e = impl_->parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
    outcome.parse_error = simdjson::error_message(e);
    return outcome;
  }
  if (auto e = doc.get_array().get(arr)) {
    outcome.parse_error = e == simdjson::INCORRECT_TYPE ? "expected a JSON array of records" : simdjson::error_message(e);
    return outcome;
  }
  long long i = first_record;
  bool stopped = false;
  for (auto element : arr) {
    od::value v;
    if (auto e = element.get(v)) {
      outcome.parse_error = simdjson::error_message(e);
      return outcome;
    }
    Walk walk(impl_->plan, i, impl_->cap, out, impl_->steps);
    walk.value(impl_->plan.root(), v);
    outcome.violations += walk.found();
    if (!walk.error().empty()) {
      outcome.parse_error = walk.error();
      return outcome;
    }
    stopped = stopped || walk.stopped();
    ++i;
  }
  records = i - first_record;
  if (stopped) {
    outcome.parse_error = syntax_error(text);
  } else {
    const char* at = nullptr;
    if (!doc.current_location().get(at) && trailing_content(at, text.data() + text.size()))
      outcome.parse_error = "extra data after the JSON array";
  }
  return outcome;
}

}  // namespace bt::contract
