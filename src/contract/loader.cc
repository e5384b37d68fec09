// Data Contract Specification loader: YAML -> Contract. Every failure is an
// input error naming file:line, because the user has to fix the contract file.
#include "contract/loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <set>

#include <yaml-cpp/yaml.h>

#include "contract/schema.h"
#include "util/files.h"

namespace bt::contract {
namespace {

using nlohmann::json;

// Deeper nesting than this is a mistake or an attack, not a contract.
constexpr int kMaxDepth = 64;
// YAML aliases can multiply a small file into millions of fields.
constexpr size_t kMaxFields = 10000;

// Thrown inside the loader only; load_string turns it into an input error.
struct LoadError {
  std::string message;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The const overload of operator[] never inserts into the tree. A missing key
// comes back as a "zombie" that throws on most calls, and operator[] throws
// on scalars, so both become a plain undefined node.
YAML::Node child(const YAML::Node& node, const std::string& key) {
  if (!node.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  YAML::Node value = node[key];
  return value.IsDefined() ? value : YAML::Node(YAML::NodeType::Undefined);
}

// The key node of `key`, for its line number.
YAML::Node key_node(const YAML::Node& map, const std::string& key) {
  for (const auto& entry : map)
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first;
  return YAML::Node(YAML::NodeType::Undefined);
}

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

// YAML 1.2 core schema; quoted scalars (tag "!") always stay strings.
json scalar_to_json(const YAML::Node& n) {
  if (n.IsNull()) return nullptr;
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

class Loader {
 public:
  Loader(YAML::Node root, std::string file) : root_(std::move(root)), file_(std::move(file)) {}

  Contract run() {
    if (!root_.IsMap()) fail(nullptr, "not a data contract: expected a mapping at the top level");
    Contract c;
    c.path = file_;
    c.spec_version = scalar(child(root_, "dataContractSpecification"));
    c.id = scalar(child(root_, "id"));
    const YAML::Node info = child(root_, "info");
    c.title = scalar(child(info, "title"));
    c.version = scalar(child(info, "version"));

    const YAML::Node models = child(root_, "models");
    if (!models.IsMap() || models.size() == 0)
      fail(key_node(root_, "models"), "contract defines no models (needs a non-empty 'models' mapping)");
    for (const auto& entry : models) {
      const std::string name = entry.first.Scalar();
      if (c.find_model(name)) fail(entry.first, "model '" + name + "' is declared twice");
      ref_stack_ = {"#/models/" + name};  // a model that refers to itself is a cycle
      Model m;
      m.name = name;
      m.loc = loc(entry.first);
      if (!entry.second.IsMap()) fail(entry.first, "model '" + name + "' must be a mapping");
      m.description = scalar(child(entry.second, "description"));
      m.fields = build_fields(child(entry.second, "fields"), 1);
      if (m.fields.empty()) fail(entry.first, "model '" + name + "' has no fields");
      c.models.push_back(std::move(m));
    }
    return c;
  }

 private:
  SourceLoc loc(const YAML::Node& n) const {
    const YAML::Mark m = n.IsDefined() ? n.Mark() : YAML::Mark::null_mark();
    return {file_, m.is_null() ? 0 : m.line + 1};
  }

  // "file:line: message", or "file: message" when the line is unknown.
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    throw LoadError{loc(at).str() + ": " + message};
  }
  [[noreturn]] void fail(std::nullptr_t, const std::string& message) const {
    throw LoadError{file_ + ": " + message};
  }

  std::string scalar(const YAML::Node& n) const { return n.IsScalar() ? n.Scalar() : ""; }

  std::vector<Field> build_fields(const YAML::Node& node, int depth) {
    std::vector<Field> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (!node.IsMap()) fail(node, "'fields' must be a mapping of field name to field");
    std::set<std::string> seen;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) fail(entry.first, "field names must be plain strings");
      const std::string name = entry.first.Scalar();
      if (!seen.insert(name).second) fail(entry.first, "field '" + name + "' is declared twice");
      out.push_back(build_field(name, entry.first, entry.second, depth));
    }
    return out;
  }

  Field build_field(const std::string& name, const YAML::Node& key, const YAML::Node& node,
                    int depth) {
    Field f = build_partial_field(name, key, node, depth);
    if (f.type.empty()) {
      if (!f.fields.empty()) f.type = "object";
      else if (f.items) f.type = "array";
      else fail(key, "field '" + name + "' has no type");
    }
    return f;
  }

  // A definition may leave the type to the field that refers to it, so the
  // "has no type" check waits until the referring field's keys are applied.
  Field build_partial_field(const std::string& name, const YAML::Node& key, const YAML::Node& node,
                            int depth) {
    if (depth > kMaxDepth)
      fail(key, "field '" + name + "' is nested deeper than " + std::to_string(kMaxDepth) + " levels");
    if (++field_count_ > kMaxFields)
      fail(key, "contract has more than " + std::to_string(kMaxFields) + " fields (YAML aliases?)");
    if (!node.IsMap()) fail(key, "field '" + name + "' must be a mapping (with at least a 'type')");

    Field f;
    if (const YAML::Node ref = child(node, "$ref"); ref.IsDefined()) f = resolve_ref(name, ref, depth);
    f.name = name;
    f.loc = loc(key);
    apply_own_keys(f, node, depth);
    return f;
  }

  // The field's own keys override whatever the $ref brought in.
  void apply_own_keys(Field& f, const YAML::Node& node, int depth) {
    const std::string what = "field '" + f.name + "'";
    if (const YAML::Node t = child(node, "type"); t.IsDefined() && !scalar(t).empty()) {
      f.type = lower(scalar(t));
      if (json_type_for(f.type).empty())
        fail(t, what + " has unknown type '" + scalar(t) + "' (known: " + known_types() + ")");
    }
    if (std::string d = scalar(child(node, "description")); !d.empty()) f.description = d;
    read_bool(node, "required", what, f.required);
    read_bool(node, "unique", what, f.unique);
    read_bool(node, "primaryKey", what, f.primary_key);
    read_length(node, "minLength", what, f.min_length);
    read_length(node, "maxLength", what, f.max_length);
    read_number(node, "minimum", what, f.minimum);
    read_number(node, "maximum", what, f.maximum);
    read_number(node, "exclusiveMinimum", what, f.exclusive_minimum);
    read_number(node, "exclusiveMaximum", what, f.exclusive_maximum);
    if (const YAML::Node p = child(node, "pattern"); p.IsDefined() && !scalar(p).empty()) {
      try {
        std::regex check(scalar(p));  // the validator compiles it the same way
      } catch (const std::regex_error& e) {
        fail(p, what + " has an invalid pattern '" + scalar(p) + "': " + e.what());
      }
      f.pattern = scalar(p);
    }
    if (std::string fmt = scalar(child(node, "format")); !fmt.empty()) f.format = lower(fmt);
    if (const YAML::Node e = child(node, "enum"); e.IsDefined()) f.enum_values = read_enum(e, f, what);
    if (const YAML::Node sub = child(node, "fields"); sub.IsDefined())
      f.fields = build_fields(sub, depth + 1);
    if (const YAML::Node items = child(node, "items"); items.IsDefined())
      f.items = std::make_shared<Field>(build_field(f.name + "[]", key_node(node, "items"), items, depth + 1));
  }

  void read_bool(const YAML::Node& node, const char* key, const std::string& what, bool& out) {
    const YAML::Node n = child(node, key);
    if (!n.IsDefined()) return;
    const json v = n.IsScalar() ? scalar_to_json(n) : json();
    if (!v.is_boolean()) fail(n, what + ": '" + key + "' must be true or false");
    out = v.get<bool>();
  }

  void read_length(const YAML::Node& node, const char* key, const std::string& what,
                   std::optional<long long>& out) {
    const YAML::Node n = child(node, key);
    if (!n.IsDefined()) return;
    const json v = n.IsScalar() ? scalar_to_json(n) : json();
    if (!v.is_number_integer() || v.get<long long>() < 0)
      fail(n, what + ": '" + key + "' must be a non-negative integer");
    out = v.get<long long>();
  }

  void read_number(const YAML::Node& node, const char* key, const std::string& what,
                   std::optional<json>& out) {
    const YAML::Node n = child(node, key);
    if (!n.IsDefined()) return;
    json v = n.IsScalar() ? scalar_to_json(n) : json();
    if (!v.is_number()) fail(n, what + ": '" + key + "' must be a number");
    out = std::move(v);
  }

  // Enum values take the field's type: `enum: [1, 2]` on a string field means "1", "2".
  std::vector<json> read_enum(const YAML::Node& node, const Field& f, const std::string& what) {
    if (!node.IsSequence()) fail(node, what + ": 'enum' must be a list");
    const std::string jt = json_type_for(f.type);
    std::vector<json> out;
    for (const auto& item : node) {
      if (!item.IsScalar() && !item.IsNull()) fail(item, what + ": enum values must be scalars");
      json v = scalar_to_json(item);
      if (jt == "string" && !v.is_null() && !v.is_string()) v = item.Scalar();
      const bool fits = jt == "integer"   ? v.is_number_integer()
                        : jt == "number"  ? v.is_number()
                        : jt == "boolean" ? v.is_boolean()
                                          : true;
      if (!fits && !v.is_null())
        fail(item, what + ": enum value '" + item.Scalar() + "' is not of type " + jt);
      out.push_back(std::move(v));
    }
    return out;
  }

  // `#/definitions/x`, `#/definitions/x/fields/y`, `#/models/M`: a JSON pointer
  // into this same document.
  Field resolve_ref(const std::string& name, const YAML::Node& ref, int depth) {
    const std::string what = "field '" + name + "'";
    const std::string target = scalar(ref);
    if (target.rfind("#/", 0) != 0)
      fail(ref, what + ": only same-file $ref ('#/definitions/...' or '#/models/...') is supported, got '" +
                    target + "'");
    if (std::find(ref_stack_.begin(), ref_stack_.end(), target) != ref_stack_.end()) {
      std::string chain;
      for (const auto& r : ref_stack_) chain += r + " -> ";
      fail(ref, what + ": $ref cycle: " + chain + target);
    }

    std::vector<std::string> segments;
    YAML::Node cur = root_;
    for (size_t start = 2; start <= target.size();) {
      size_t end = target.find('/', start);
      if (end == std::string::npos) end = target.size();
      std::string seg = target.substr(start, end - start);
      for (size_t p = 0; (p = seg.find("~1", p)) != std::string::npos; ++p) seg.replace(p, 2, "/");
      for (size_t p = 0; (p = seg.find("~0", p)) != std::string::npos; ++p) seg.replace(p, 2, "~");
      segments.push_back(seg);
      YAML::Node next = child(cur, seg);
      if (!next.IsDefined()) fail(ref, what + " has a dangling $ref '" + target + "' (nothing at '" + seg + "')");
      cur.reset(next);  // reset, not operator=: assignment would overwrite the tree
      start = end + 1;
    }

    ref_stack_.push_back(target);
    Field base;
    if (segments.size() == 2 && segments[0] == "models") {
      base.type = "object";  // a model's own type (table, view) is not a field type
      base.description = scalar(child(cur, "description"));
      base.fields = build_fields(child(cur, "fields"), depth + 1);
    } else {
      base = build_partial_field(name, ref, cur, depth + 1);
    }
    ref_stack_.pop_back();
    return base;
  }

  YAML::Node root_;
  std::string file_;
  std::vector<std::string> ref_stack_;
  size_t field_count_ = 0;
};

}  // namespace

const Model* Contract::find_model(std::string_view name) const {
  for (const auto& m : models)
    if (m.name == name) return &m;
  return nullptr;
}

Result<Contract> load_string(const std::string& yaml, const std::string& name) {
  try {
    Contract c = Loader(YAML::Load(yaml), name).run();
    c.text = yaml;
    return c;
  } catch (const LoadError& e) {
    return input_error(e.message);
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return input_error(name + ": invalid YAML: " + e.msg);
    return input_error(name + ":" + std::to_string(e.mark.line + 1) + ":" +
                       std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return input_error(name + ": cannot load contract: " + e.what());
  }
}

Result<Contract> load_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return load_string(*text, path.string());
}

Result<const Model*> pick_model(const Contract& contract, const std::string& requested,
                                const Model* input_model) {
  std::string names;
  for (const auto& m : contract.models) names += (names.empty() ? "" : ", ") + m.name;
  if (!requested.empty()) {
    if (const Model* m = contract.find_model(requested)) return m;
    return input_error("contract has no model '" + requested + "' (models: " + names + ")");
  }
  if (contract.models.empty()) return input_error("contract has no models");
  // The input model describes what the tool reads, so it is never the output.
  std::vector<const Model*> candidates;
  for (const auto& m : contract.models)
    if (&m != input_model) candidates.push_back(&m);
  if (candidates.size() == 1) return candidates.front();
  if (candidates.empty()) return &contract.models.front();
  return input_error("contract has " + std::to_string(contract.models.size()) + " models (" +
                     names + "); choose one with --model");
}

Result<const Model*> pick_input_model(const Contract& contract, const std::string& requested) {
  if (!requested.empty()) {
    if (const Model* m = contract.find_model(requested)) return m;
    return input_error("contract has no input model '" + requested + "'");
  }
  const Model* found = nullptr;
  for (const auto& m : contract.models) {
    if (m.name.size() > 5 && m.name.ends_with("Input")) {
      if (found)
        return input_error("contract has several *Input models (" + found->name + ", " + m.name +
                           "); choose one with --input-model");
      found = &m;
    }
  }
  return found;
}

}  // namespace bt::contract
