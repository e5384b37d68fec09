#include "contract/yaml_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace bt::contract::yaml {

using nlohmann::json;

YAML::Node child(const YAML::Node& node, const std::string& key) {
  if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node value = node[key];  // const overload: no insertion
  return value.IsDefined() ? value : YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node key_node(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& entry : map)
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first;
  return YAML::Node(YAML::NodeType::Undefined);
}

std::string scalar(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : ""; }

bool is_int_literal(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (i == s.size()) return false;
  return std::all_of(s.begin() + static_cast<long>(i), s.end(),
                     [](unsigned char c) { return std::isdigit(c); });
}

// [-+]? (digits [. digits?] | . digits) ([eE] [-+]? digits)?
bool is_float_literal(const std::string& s) {
  auto digit = [&](size_t i) { return i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); };
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  const size_t int_start = i;
  while (digit(i)) ++i;
  bool any_digits = i > int_start;
  if (i < s.size() && s[i] == '.') {
    const size_t frac_start = ++i;
    while (digit(i)) ++i;
    any_digits = any_digits || i > frac_start;
  }
  if (!any_digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == s.size();
}

json scalar_to_json(const YAML::Node& n) {
  if (n.IsNull()) return nullptr;
  if (!n.IsScalar()) return json();
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s == "null" || s == "Null" || s == "NULL" || s == "~") return nullptr;
  if (is_int_literal(s)) {
    const char* b = s.data() + (s[0] == '+' ? 1 : 0);
    const char* e = s.data() + s.size();
    long long i = 0;
    if (auto r = std::from_chars(b, e, i); r.ec == std::errc() && r.ptr == e) return i;
    unsigned long long u = 0;
    if (auto r = std::from_chars(b, e, u); r.ec == std::errc() && r.ptr == e) return u;
  }
  if (is_float_literal(s)) {
    const double d = std::strtod(s.c_str(), nullptr);
    if (std::isfinite(d)) return d;  // 1e999 stays text and fails where a number is needed
  }
  return s;
}

json to_json(const YAML::Node& n, int depth) {
  if (depth > 64) throw std::runtime_error("nested deeper than 64 levels");
  if (n.IsMap()) {
    json out = json::object();
    for (const auto& e : n) out[scalar(e.first)] = to_json(e.second, depth + 1);
    return out;
  }
  if (n.IsSequence()) {
    json out = json::array();
    for (const auto& e : n) out.push_back(to_json(e, depth + 1));
    return out;
  }
  return scalar_to_json(n);
}

SourceLoc loc(const YAML::Node& n, const std::string& file) {
  const YAML::Mark m = n.IsDefined() ? n.Mark() : YAML::Mark::null_mark();
  return {file, m.is_null() ? 0 : m.line + 1};
}

}  // namespace bt::contract::yaml
