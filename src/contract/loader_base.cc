#include "contract/loader_base.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <re2/re2.h>

#include "contract/yaml_values.h"
#include "util/strings.h"

namespace bt::contract::detail {

using nlohmann::json;
using yaml::child;
using yaml::scalar;

SourceLoc LoaderBase::loc(const YAML::Node& n) const { return yaml::loc(n, file_); }

void LoaderBase::fail(const YAML::Node& at, const std::string& message) const {
  throw LoadError{loc(at).str() + ": " + message};
}

void LoaderBase::warn(const YAML::Node& at, const std::string& message) {
  diagnostics_.push_back({Diagnostic::Severity::warning, loc(at), message});
}

void LoaderBase::warn_unknown_keys(const YAML::Node& node, std::initializer_list<const char*> known,
                                   const std::string& what) {
  if (!node.IsMap()) return;
  for (const auto& entry : node) {
    const std::string key = scalar(entry.first);
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
      warn(entry.first, what + ": unknown key '" + key + "' is ignored");
  }
}

namespace {

// pydantic v2's lax bool: what `required: yes` means upstream.
std::optional<bool> lax_bool(const YAML::Node& n) {
  if (!n.IsScalar()) return std::nullopt;
  static const std::set<std::string> yes = {"true", "yes", "on", "1", "t", "y"};
  static const std::set<std::string> no = {"false", "no", "off", "0", "f", "n"};
  const std::string s = lower(n.Scalar());
  if (yes.count(s)) return true;
  if (no.count(s)) return false;
  return std::nullopt;
}

}  // namespace

bool LoaderBase::read_bool(const YAML::Node& node, const char* key, const std::string& what,
                           bool fallback) {
  const YAML::Node n = child(node, key);
  if (!n.IsDefined() || n.IsNull()) return fallback;
  const json v = yaml::scalar_to_json(n);
  if (v.is_boolean()) return v.get<bool>();
  if (options_.compat) {
    if (auto b = lax_bool(n)) return *b;
  }
  fail(n, what + ": '" + key + "' must be true or false");
}

std::optional<long long> LoaderBase::read_length(const YAML::Node& node, const char* key,
                                                 const std::string& what) {
  const YAML::Node n = child(node, key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  const json v = yaml::scalar_to_json(n);
  if (v.is_number_integer() && v.get<long long>() >= 0) return v.get<long long>();
  // Upstream types lengths as numbers, so 4.0 is 4.
  if (v.is_number_float() && v.get<double>() >= 0 && v.get<double>() == static_cast<long long>(v.get<double>()))
    return static_cast<long long>(v.get<double>());
  fail(n, what + ": '" + key + "' must be a non-negative integer");
}

std::optional<json> LoaderBase::read_number(const YAML::Node& node, const char* key,
                                            const std::string& what) {
  const YAML::Node n = child(node, key);
  if (!n.IsDefined() || n.IsNull()) return std::nullopt;
  json v = yaml::scalar_to_json(n);
  if (!v.is_number()) fail(n, what + ": '" + key + "' must be a number");
  return v;
}

std::optional<std::string> LoaderBase::read_pattern(const YAML::Node& node, const std::string& what) {
  const YAML::Node p = child(node, "pattern");
  if (!p.IsDefined() || scalar(p).empty()) return std::nullopt;
  RE2::Options o;
  o.set_log_errors(false);
  RE2 re(scalar(p), o);  // the validator compiles it the same way
  if (!re.ok()) fail(p, what + " has a pattern RE2 cannot compile '" + scalar(p) + "': " + re.error());
  return scalar(p);
}

std::vector<QualityRule> LoaderBase::read_quality(const YAML::Node& node, const std::string& what) {
  std::vector<QualityRule> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (!node.IsSequence()) fail(node, what + ": 'quality' must be a list of rules");
  static const char* kThresholds[] = {"mustBe",           "mustNotBe",          "mustBeGreaterThan",
                                      "mustBeGreaterOrEqualTo", "mustBeGreaterThanOrEqualTo",
                                      "mustBeLessThan",   "mustBeLessOrEqualTo", "mustBeLessThanOrEqualTo",
                                      "mustBeBetween",    "mustNotBeBetween"};
  for (const auto& item : node) {
    if (!item.IsMap()) fail(item, what + ": each quality rule must be a mapping");
    QualityRule r;
    r.loc = loc(item);
    r.type = lower(scalar(child(item, "type")));
    if (r.type.empty()) r.type = "library";  // ODCS: a rule without type is a library metric
    r.metric = scalar(child(item, "metric"));
    if (r.metric.empty()) r.metric = scalar(child(item, "rule"));  // ODCS 3.0 spelling
    r.query = scalar(child(item, "query"));
    r.description = scalar(child(item, "description"));
    try {
      if (const YAML::Node a = child(item, "arguments"); a.IsDefined()) r.arguments = yaml::to_json(a);
    } catch (const std::exception& e) {
      fail(item, what + ": quality arguments: " + e.what());
    }
    // ODCS puts `unit` (rows | percent) on the rule; arguments.unit also works.
    if (const std::string unit = scalar(child(item, "unit")); !unit.empty()) {
      if (!r.arguments.is_object()) r.arguments = json::object();
      if (!r.arguments.contains("unit")) r.arguments["unit"] = unit;
    }
    for (const char* t : kThresholds) {
      const YAML::Node b = child(item, t);
      if (!b.IsDefined()) continue;
      r.threshold = t;
      r.bound = yaml::to_json(b);
      const bool between = r.threshold.find("Between") != std::string::npos;
      const bool ok = between ? r.bound.is_array() && r.bound.size() == 2 && r.bound[0].is_number() &&
                                    r.bound[1].is_number()
                              : r.bound.is_number();
      if (!ok)
        fail(b, what + ": '" + r.threshold + "' must be " +
                    (between ? "a list of two numbers" : "a number"));
      break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

void LoaderBase::check_contradictions(const Field& f, const YAML::Node& at) {
  if (options_.compat) return;  // upstream accepts them and fails every record instead
  const std::string what = "field '" + f.name + "'";
  if (f.min_length && f.max_length && *f.min_length > *f.max_length)
    fail(at, what + ": minLength " + std::to_string(*f.min_length) + " > maxLength " +
                 std::to_string(*f.max_length) + " (no value can satisfy both)");
  auto num = [](const std::optional<json>& j) { return j->get<double>(); };
  if (f.minimum && f.maximum && num(f.minimum) > num(f.maximum))
    fail(at, what + ": minimum " + f.minimum->dump() + " > maximum " + f.maximum->dump() +
                 " (no value can satisfy both)");
  if (f.exclusive_minimum && f.exclusive_maximum && num(f.exclusive_minimum) >= num(f.exclusive_maximum))
    fail(at, what + ": exclusiveMinimum " + f.exclusive_minimum->dump() + " >= exclusiveMaximum " +
                 f.exclusive_maximum->dump() + " (no value can satisfy both)");
}

void LoaderBase::count_field(const YAML::Node& at, const std::string& name, int depth) {
  if (depth > kMaxDepth)
    fail(at, "field '" + name + "' is nested deeper than " + std::to_string(kMaxDepth) + " levels");
  if (++field_count_ > kMaxFields)
    fail(at, "contract has more than " + std::to_string(kMaxFields) + " fields (YAML aliases?)");
}

}  // namespace bt::contract::detail
