#include "contract/odcs_loader.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "contract/loader_base.h"
#include "contract/schema.h"
#include "contract/yaml_values.h"
#include "util/strings.h"

namespace bt::contract {
namespace {

using nlohmann::json;
using yaml::child;
using yaml::scalar;

// ODCS v3 logical types (the spec's enumeration).
bool known_logical_type(const std::string& t) {
  static const std::set<std::string> known = {"string", "date",   "timestamp", "time",   "number",
                                              "integer", "object", "array",     "boolean"};
  return known.count(t) > 0;
}

class OdcsLoader : detail::LoaderBase {
 public:
  OdcsLoader(const YAML::Node& root, std::string file, LoadOptions options)
      : LoaderBase(std::move(file), options), root_(root) {}

  Contract run() {
    Contract c;
    c.path = file_;
    c.spec = Spec::odcs;
    c.spec_version = scalar(child(root_, "apiVersion"));
    c.id = scalar(child(root_, "id"));
    c.title = scalar(child(root_, "name"));
    c.version = scalar(child(root_, "version"));
    c.servers = read_servers(child(root_, "servers"));
    const YAML::Node schema = child(root_, "schema");
    if (schema.IsDefined() && !schema.IsNull() && !schema.IsSequence())
      fail(schema, "'schema' must be a list of schema objects");
    if (schema.IsSequence()) {
      for (const auto& node : schema) c.models.push_back(read_model(c, node));
    }
    if (c.models.empty() && !options_.compat)
      fail(yaml::key_node(root_, "schema"), "contract defines no schema objects (needs a non-empty 'schema' list)");
    c.diagnostics = std::move(diagnostics_);
    return c;
  }

 private:
  std::vector<Server> read_servers(const YAML::Node& node) {
    std::vector<Server> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (!node.IsSequence()) fail(node, "'servers' must be a list of servers");
    for (const auto& s : node) {
      Server server;
      server.name = scalar(child(s, "server"));
      server.loc = loc(s);
      server.type = scalar(child(s, "type"));
      server.path = scalar(child(s, "path"));
      server.format = scalar(child(s, "format"));
      server.delimiter = scalar(child(s, "delimiter"));
      out.push_back(std::move(server));
    }
    return out;
  }

  Model read_model(const Contract& c, const YAML::Node& node) {
    if (!node.IsMap()) fail(node, "each schema object must be a mapping");
    Model m;
    m.name = scalar(child(node, "name"));
    m.loc = loc(node);
    if (m.name.empty()) fail(node, "schema object has no 'name'");
    if (c.find_model(m.name)) fail(node, "schema object '" + m.name + "' is declared twice");
    const std::string what = "schema object '" + m.name + "'";
    m.description = scalar(child(node, "description"));
    m.fields = read_properties(child(node, "properties"), 1, what);
    m.quality = read_quality(child(node, "quality"), what);
    std::vector<std::pair<int, std::string>> keys;
    for (const Field& f : m.fields)
      if (f.primary_key) keys.emplace_back(f.primary_key_position, f.name);
    std::stable_sort(keys.begin(), keys.end());
    for (auto& k : keys) m.primary_key.push_back(k.second);
    return m;
  }

  std::vector<Field> read_properties(const YAML::Node& node, int depth, const std::string& what) {
    std::vector<Field> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (!node.IsSequence()) fail(node, what + ": 'properties' must be a list");
    std::set<std::string> seen;
    for (const auto& p : node) {
      Field f = read_property(p, depth);
      if (!seen.insert(f.name).second) fail(p, "property '" + f.name + "' is declared twice");
      out.push_back(std::move(f));
    }
    return out;
  }

  Field read_property(const YAML::Node& node, int depth, bool named = true) {
    if (!node.IsMap()) fail(node, "each property must be a mapping");
    Field f;
    f.name = scalar(child(node, "name"));
    f.loc = loc(node);
    count_field(node, f.name, depth);
    const std::string what = "property '" + f.name + "'";
    if (f.name.empty() && named) fail(node, "property has no 'name'");
    if (const YAML::Node t = child(node, "logicalType"); t.IsDefined() && !scalar(t).empty()) {
      f.type = lower(scalar(t));
      if (!known_logical_type(f.type) && !options_.compat)
        fail(t, what + " has unknown logicalType '" + scalar(t) +
                    "' (known: string, date, timestamp, time, number, integer, object, array, boolean)");
    }
    f.physical_type = scalar(child(node, "physicalType"));
    f.description = scalar(child(node, "description"));
    f.required = read_bool(node, "required", what, false);
    f.unique = read_bool(node, "unique", what, false);
    f.primary_key = read_bool(node, "primaryKey", what, false);
    if (const json pos = yaml::scalar_to_json(child(node, "primaryKeyPosition")); pos.is_number_integer())
      f.primary_key_position = pos.get<int>();

    const YAML::Node opts = child(node, "logicalTypeOptions");
    if (opts.IsDefined() && !opts.IsNull() && !opts.IsMap())
      fail(opts, what + ": 'logicalTypeOptions' must be a mapping");
    f.min_length = read_length(opts, "minLength", what);
    f.max_length = read_length(opts, "maxLength", what);
    f.minimum = read_number(opts, "minimum", what);
    f.maximum = read_number(opts, "maximum", what);
    read_exclusive(opts, "exclusiveMinimum", f.minimum, f.exclusive_minimum, what);
    read_exclusive(opts, "exclusiveMaximum", f.maximum, f.exclusive_maximum, what);
    f.pattern = read_pattern(opts, what);
    if (std::string fmt = scalar(child(opts, "format")); !fmt.empty()) f.format = lower(fmt);
    f.quality = read_quality(child(node, "quality"), what);
    f.enum_values = read_enum(node, opts, f, what);

    if (const YAML::Node props = child(node, "properties"); props.IsDefined())
      f.fields = read_properties(props, depth + 1, what);
    if (const YAML::Node items = child(node, "items"); items.IsDefined() && !items.IsNull()) {
      Field item = read_property(items, depth + 1, /*named=*/false);
      if (item.name.empty()) item.name = "item";
      f.items = std::make_shared<Field>(std::move(item));
    }
    check_contradictions(f, node);
    return f;
  }

  // ODCS 3.0 writes exclusiveMinimum as a number (draft-07) or as a boolean
  // that makes minimum exclusive (draft-04); both mean the same bound.
  void read_exclusive(const YAML::Node& opts, const char* key, std::optional<json>& inclusive,
                      std::optional<json>& exclusive, const std::string& what) {
    const YAML::Node n = child(opts, key);
    if (!n.IsDefined() || n.IsNull()) return;
    const json v = yaml::scalar_to_json(n);
    if (v.is_boolean()) {
      if (v.get<bool>() && inclusive) {
        exclusive = inclusive;
        inclusive.reset();
      }
      return;
    }
    exclusive = read_number(opts, key, what);
  }

  // Upstream's order: logicalTypeOptions.enum, then a customProperty `enum`
  // (a JSON-encoded list), then a quality rule invalidValues/validValues.
  std::vector<json> read_enum(const YAML::Node& node, const YAML::Node& opts, const Field& f,
                              const std::string& what) {
    if (const YAML::Node e = child(opts, "enum"); e.IsSequence()) {
      std::vector<json> out;
      for (const auto& item : e) out.push_back(yaml::scalar_to_json(item));
      return out;
    }
    if (const YAML::Node props = child(node, "customProperties"); props.IsSequence()) {
      for (const auto& p : props) {
        if (scalar(child(p, "property")) != "enum") continue;
        const YAML::Node value = child(p, "value");
        json parsed = value.IsSequence() ? yaml::to_json(value)
                                         : json::parse(scalar(value), nullptr, /*allow_exceptions=*/false);
        if (!parsed.is_array()) fail(p, what + ": customProperty 'enum' must be a JSON list");
        return parsed.get<std::vector<json>>();
      }
    }
    for (const QualityRule& q : f.quality)
      if (q.metric == "invalidValues" && q.arguments.contains("validValues") &&
          q.arguments["validValues"].is_array())
        return q.arguments["validValues"].get<std::vector<json>>();
    return {};
  }

  const YAML::Node& root_;
};

}  // namespace

bool is_odcs(const YAML::Node& root) {
  return scalar(child(root, "kind")) == "DataContract" && scalar(child(root, "apiVersion")).rfind("v3", 0) == 0;
}

Contract load_odcs(const YAML::Node& root, const std::string& file, const LoadOptions& options) {
  return OdcsLoader(root, file, options).run();
}

}  // namespace bt::contract
