// Data Contract Specification loader: YAML -> Contract (ODCS documents go to
// odcs_loader.cc). Every failure is an
// input error naming file:line, because the user has to fix the contract file.
#include "contract/loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "contract/loader_base.h"
#include "contract/odcs_loader.h"
#include "contract/schema.h"
#include "contract/yaml_values.h"
#include "util/strings.h"
#include "util/files.h"

namespace bt::contract {
namespace {

using nlohmann::json;
using yaml::child;
using yaml::key_node;
using yaml::scalar;

constexpr std::initializer_list<const char*> kFieldKeys = {
    "type", "required", "unique", "primaryKey", "primary", "description", "title", "format", "pattern",
    "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum",
    "fields", "items", "keys", "values", "$ref", "precision", "scale", "pii", "classification", "tags",
    "example", "examples", "links", "lineage", "config", "references", "const", "quality",
    "physicalType", "size", "ref"};

class DcsLoader : detail::LoaderBase {
 public:
  DcsLoader(YAML::Node root, std::string file, LoadOptions options)
      : LoaderBase(std::move(file), options), root_(std::move(root)) {}

  Contract run() {
    Contract c;
    c.path = file_;
    c.spec = Spec::dcs;
    c.spec_version = scalar(child(root_, "dataContractSpecification"));
    c.id = scalar(child(root_, "id"));
    const YAML::Node info = child(root_, "info");
    c.title = scalar(child(info, "title"));
    c.version = scalar(child(info, "version"));
    c.servers = read_servers(child(root_, "servers"));
    if (const YAML::Node q = child(root_, "quality"); q.IsDefined() && !q.IsNull()) {
      QualityRule r;  // SodaCL and friends: recorded, never run here
      r.type = lower(scalar(child(q, "type")));
      r.loc = loc(q);
      c.quality.push_back(std::move(r));
    }

    c.examples = read_examples(child(root_, "examples"));
    const YAML::Node models = child(root_, "models");
    if (models.IsDefined() && !models.IsNull() && !models.IsMap())
      fail(key_node(root_, "models"), "'models' must be a mapping of model name to model");
    if (!options_.compat && (!models.IsMap() || models.size() == 0))
      fail(key_node(root_, "models"), "contract defines no models (needs a non-empty 'models' mapping)");
    if (models.IsMap()) {
      for (const auto& entry : models) c.models.push_back(read_model(c, entry.first, entry.second));
    }
    c.diagnostics = std::move(diagnostics_);
    return c;
  }

 private:
  std::vector<Server> read_servers(const YAML::Node& node) {
    std::vector<Server> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (!node.IsMap()) fail(node, "'servers' must be a mapping of server name to server");
    for (const auto& entry : node) {
      Server s;
      s.name = scalar(entry.first);
      s.loc = loc(entry.first);
      s.type = scalar(child(entry.second, "type"));
      s.path = scalar(child(entry.second, "path"));
      s.format = scalar(child(entry.second, "format"));
      s.delimiter = scalar(child(entry.second, "delimiter"));
      out.push_back(std::move(s));
    }
    return out;
  }

  std::vector<Example> read_examples(const YAML::Node& node) {
    std::vector<Example> out;
    if (!node.IsSequence()) return out;
    for (const auto& e : node) {
      Example ex;
      ex.loc = loc(e);
      ex.type = lower(scalar(child(e, "type")));
      ex.model = scalar(child(e, "model"));
      try {
        ex.data = yaml::to_json(child(e, "data"));
      } catch (const std::exception& err) {
        fail(e, std::string("example: ") + err.what());
      }
      out.push_back(std::move(ex));
    }
    return out;
  }

  Model read_model(const Contract& c, const YAML::Node& key, const YAML::Node& node) {
    const std::string name = scalar(key);
    if (c.find_model(name)) fail(key, "model '" + name + "' is declared twice");
    ref_stack_ = {"#/models/" + name};  // a model that refers to itself is a cycle
    Model m;
    m.name = name;
    m.loc = loc(key);
    if (!node.IsMap()) fail(key, "model '" + name + "' must be a mapping");
    const std::string what = "model '" + name + "'";
    m.description = scalar(child(node, "description"));
    m.fields = build_fields(child(node, "fields"), 1);
    if (m.fields.empty() && !options_.compat) fail(key, what + " has no fields");
    m.quality = read_quality(child(node, "quality"), what);
    m.additional_fields = read_bool(node, "additionalFields", what, false);
    if (const YAML::Node pk = child(node, "primaryKey"); pk.IsDefined()) {
      if (pk.IsScalar()) m.primary_key = {pk.Scalar()};
      else if (pk.IsSequence())
        for (const auto& k : pk) m.primary_key.push_back(scalar(k));
      else fail(pk, what + ": 'primaryKey' must be a field name or a list of them");
      if (!options_.compat)
        for (const std::string& k : m.primary_key)
          if (std::none_of(m.fields.begin(), m.fields.end(), [&](const Field& f) { return f.name == k; }))
            fail(pk, what + ": primaryKey names '" + k + "', which is not one of its fields");
    }
    if (!options_.compat)
      warn_unknown_keys(node, {"description", "type", "fields", "quality", "primaryKey", "title",
                               "additionalFields", "config", "tags", "examples", "namespace"},
                        what);
    return m;
  }

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

  Field build_field(const std::string& name, const YAML::Node& key, const YAML::Node& node, int depth) {
    Field f = build_partial_field(name, key, node, depth);
    if (f.type.empty()) {
      if (!f.fields.empty()) f.type = "object";
      else if (f.items) f.type = "array";
      else if (!options_.compat) fail(key, "field '" + name + "' has no type");
    }
    check_contradictions(f, key);
    return f;
  }

  // A definition may leave the type to the field that refers to it, so the
  // "has no type" check waits until the referring field's keys are applied.
  Field build_partial_field(const std::string& name, const YAML::Node& key, const YAML::Node& node,
                            int depth) {
    count_field(key, name, depth);
    if (!node.IsMap()) fail(key, "field '" + name + "' must be a mapping (with at least a 'type')");
    Field f;
    if (const YAML::Node ref = child(node, "$ref"); ref.IsDefined()) {
      if (auto base = resolve_ref(name, ref, depth)) f = std::move(*base);
    }
    f.name = name;
    f.loc = loc(key);
    apply_own_keys(f, node, key, depth);
    return f;
  }

  // The field's own keys override whatever the $ref brought in.
  void apply_own_keys(Field& f, const YAML::Node& node, const YAML::Node& key, int depth) {
    const std::string what = "field '" + f.name + "'";
    if (const YAML::Node t = child(node, "type"); t.IsDefined() && !scalar(t).empty()) {
      f.type = lower(scalar(t));
      f.physical_type = scalar(t);
      if (json_type_for(f.type).empty() && !options_.compat)
        fail(t, what + " has unknown type '" + scalar(t) + "' (known: " + known_types() + ")");
    }
    if (std::string d = scalar(child(node, "description")); !d.empty()) f.description = d;
    f.required = read_bool(node, "required", what, f.required);
    f.unique = read_bool(node, "unique", what, f.unique);
    f.primary_key = read_bool(node, "primaryKey", what, f.primary_key);
    if (auto v = read_length(node, "minLength", what)) f.min_length = v;
    if (auto v = read_length(node, "maxLength", what)) f.max_length = v;
    if (auto v = read_number(node, "minimum", what)) f.minimum = v;
    if (auto v = read_number(node, "maximum", what)) f.maximum = v;
    if (auto v = read_number(node, "exclusiveMinimum", what)) f.exclusive_minimum = v;
    if (auto v = read_number(node, "exclusiveMaximum", what)) f.exclusive_maximum = v;
    if (auto p = read_pattern(node, what)) f.pattern = p;
    if (!options_.compat) {  // upstream keeps them as free-form annotations
      if (auto v = read_length(node, "precision", what)) f.precision = static_cast<int>(*v);
      if (auto v = read_length(node, "scale", what)) f.scale = static_cast<int>(*v);
    }
    if (f.precision && f.scale && *f.scale > *f.precision)
      fail(key, what + ": scale " + std::to_string(*f.scale) + " > precision " + std::to_string(*f.precision));
    if (std::string fmt = scalar(child(node, "format")); !fmt.empty()) f.format = lower(fmt);
    if (const YAML::Node e = child(node, "enum"); e.IsDefined() && !e.IsNull())
      f.enum_values = read_enum(e, f, what);
    if (const YAML::Node sub = child(node, "fields"); sub.IsDefined()) {
      auto fields = build_fields(sub, depth + 1);
      if (!fields.empty()) f.fields = std::move(fields);  // own non-empty map wins over the ref's
    }
    if (const YAML::Node items = child(node, "items"); items.IsDefined())
      f.items = std::make_shared<Field>(build_field(f.name + "[]", key_node(node, "items"), items, depth + 1));
    if (auto q = read_quality(child(node, "quality"), what); !q.empty()) f.quality = std::move(q);
    if (!options_.compat) warn_unknown_keys(node, kFieldKeys, what);
    (void)key;
  }

  // Strict: enum values take the field's type (`enum: [1, 2]` on a string
  // field means "1", "2"). Compat: upstream types them List[str], so anything
  // but a string is an error, and "1" never equals the integer 1.
  std::vector<json> read_enum(const YAML::Node& node, const Field& f, const std::string& what) {
    if (!node.IsSequence()) fail(node, what + ": 'enum' must be a list");
    const std::string jt = json_type_for(f.type);
    std::vector<json> out;
    for (const auto& item : node) {
      if (!item.IsScalar() && !item.IsNull()) fail(item, what + ": enum values must be scalars");
      json v = yaml::scalar_to_json(item);
      if (options_.compat) {
        if (!v.is_string())
          fail(item, what + ": enum value '" + scalar(item) + "' must be a string (enum is a list of strings)");
        out.push_back(std::move(v));
        continue;
      }
      if (jt == "string" && !v.is_null() && !v.is_string()) v = item.Scalar();
      const bool fits = jt == "integer"   ? v.is_number_integer()
                        : jt == "number"  ? v.is_number()
                        : jt == "boolean" ? v.is_boolean()
                                          : true;
      if (!fits && !v.is_null()) fail(item, what + ": enum value '" + item.Scalar() + "' is not of type " + jt);
      out.push_back(std::move(v));
    }
    return out;
  }

  // The document a $ref points into: this one for "#/...", else a file beside
  // the contract ("defs.yaml#/definitions/x", "file://defs.yaml#/...").
  std::optional<YAML::Node> ref_document(const std::string& target, const YAML::Node& ref,
                                         const std::string& what) {
    if (target.rfind("#/", 0) == 0) return root_;
    std::string path = target.substr(0, target.find('#'));
    if (path.rfind("file://", 0) == 0) path = path.substr(7);
    if (path.find("://") != std::string::npos) {
      if (options_.compat) return std::nullopt;
      fail(ref, what + ": $ref '" + target + "' points to a URL; only this file and files beside it can be read");
    }
    std::filesystem::path full = path;
    if (full.is_relative()) full = std::filesystem::path(file_).parent_path() / full;
    if (auto it = external_.find(full.string()); it != external_.end()) return it->second;
    // Only regular files: `$ref: /dev/zero#/x` would read until memory runs
    // out, a FIFO or /dev/stdin would block the load forever (fuzz/README.md).
    if (std::error_code ec; std::filesystem::exists(full, ec) && !std::filesystem::is_regular_file(full, ec)) {
      if (options_.compat) return std::nullopt;
      fail(ref, what + ": $ref '" + target + "': " + full.string() + " is not a regular file");
    }
    auto text = read_file(full);
    if (!text) {
      if (options_.compat) return std::nullopt;
      fail(ref, what + ": $ref '" + target + "': " + text.error().message);
    }
    try {
      YAML::Node doc = YAML::Load(*text);
      external_.emplace(full.string(), doc);
      return doc;
    } catch (const YAML::Exception& e) {
      fail(ref, what + ": $ref '" + target + "': " + full.string() + " is not valid YAML: " + e.msg);
    }
  }

  std::optional<Field> resolve_ref(const std::string& name, const YAML::Node& ref, int depth) {
    const std::string what = "field '" + name + "'";
    const std::string target = scalar(ref);
    // Compat: upstream leaves a field whose $ref does not resolve unchanged.
    auto dangling = [&](const std::string& why) -> std::optional<Field> {
      if (options_.compat) return std::nullopt;
      fail(ref, what + " has a dangling $ref '" + target + "' (" + why + ")");
    };
    const size_t hash = target.find('#');
    if (hash == std::string::npos || target.compare(hash, 2, "#/") != 0)
      return dangling("expected '#/definitions/...', '#/models/...' or 'file.yaml#/...'");
    if (std::find(ref_stack_.begin(), ref_stack_.end(), target) != ref_stack_.end()) {
      std::string chain;
      for (const auto& r : ref_stack_) chain += r + " -> ";
      fail(ref, what + ": $ref cycle: " + chain + target);
    }
    auto doc = ref_document(target, ref, what);
    if (!doc) return std::nullopt;

    std::vector<std::string> segments;
    YAML::Node cur = *doc;
    for (size_t start = hash + 2; start <= target.size();) {
      size_t end = target.find('/', start);
      if (end == std::string::npos) end = target.size();
      std::string seg = target.substr(start, end - start);
      for (size_t p = 0; (p = seg.find("~1", p)) != std::string::npos; ++p) seg.replace(p, 2, "/");
      for (size_t p = 0; (p = seg.find("~0", p)) != std::string::npos; ++p) seg.replace(p, 2, "~");
      segments.push_back(seg);
      YAML::Node next = child(cur, seg);
      if (!next.IsDefined()) return dangling("nothing at '" + seg + "'");
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
  std::vector<std::string> ref_stack_;
  std::map<std::string, YAML::Node> external_;
};

}  // namespace

const Model* Contract::find_model(std::string_view name) const {
  for (const auto& m : models)
    if (m.name == name) return &m;
  return nullptr;
}

namespace {

Error yaml_error(const std::string& name, const YAML::Exception& e) {
  if (e.mark.is_null()) return input_error(name + ": invalid YAML: " + e.msg);
  return input_error(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                     ": invalid YAML: " + e.msg);
}

}  // namespace

Result<Contract> detail::load_parsed(const YAML::Node& root, const std::string& text, const std::string& name,
                                     const LoadOptions& options) {
  try {
    if (!root.IsMap()) return input_error(name + ": not a data contract: expected a mapping at the top level");
    Contract c = is_odcs(root) ? load_odcs(root, name, options) : DcsLoader(root, name, options).run();
    c.text = text;
    return c;
  } catch (const detail::LoadError& e) {
    return input_error(e.message);
  } catch (const YAML::Exception& e) {
    return yaml_error(name, e);
  } catch (const std::exception& e) {
    return input_error(name + ": cannot load contract: " + e.what());
  }
}

Result<Contract> load_string(const std::string& yaml, const std::string& name, const LoadOptions& options) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp 0.7 stops at 500 levels; its own message ("bad file") says nothing.
    return input_error(name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                       ": invalid YAML: nested deeper than " + std::to_string(e.depth()) + " levels");
  } catch (const YAML::Exception& e) {
    return yaml_error(name, e);
  }
  return detail::load_parsed(root, yaml, name, options);
}

Result<Contract> load_file(const std::filesystem::path& path, const LoadOptions& options) {
  auto text = read_file(path);
  if (!text) return text.error();
  return load_string(*text, path.string(), options);
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
