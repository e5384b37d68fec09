#include "contract/plan.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <re2/re2.h>

#include "contract/formats.h"
#include "contract/schema.h"
#include "util/strings.h"

namespace bt::contract {

using nlohmann::json;

namespace {

// datacontract-cli's dcs_importer::_convert_type_to_logical_type.
std::string dcs_logical(const std::string& type) {
  static const std::map<std::string, std::string> table = {
      {"string", "string"},     {"text", "string"},          {"varchar", "string"},
      {"char", "string"},       {"integer", "integer"},      {"int", "integer"},
      {"long", "integer"},      {"bigint", "integer"},       {"float", "number"},
      {"double", "number"},     {"decimal", "number"},       {"numeric", "number"},
      {"number", "number"},     {"boolean", "boolean"},      {"bool", "boolean"},
      {"timestamp", "timestamp"}, {"timestamp_tz", "timestamp"}, {"timestamp_ntz", "timestamp"},
      {"datetime", "timestamp"}, {"date", "date"},           {"array", "array"},
      {"object", "object"},     {"record", "object"},        {"struct", "object"},
  };
  auto it = table.find(lower(type));
  return it == table.end() ? "" : it->second;
}

// jsonschema_exporter::convert_type_format: logical type -> (JSON type, format).
std::pair<std::string, std::string> compat_json_type(const std::string& logical, const std::string& format) {
  if (logical == "string" || logical == "varchar" || logical == "text") return {"string", format};
  if (logical == "timestamp" || logical == "timestamp_tz" || logical == "date-time" || logical == "datetime")
    return {"string", "date-time"};
  if (logical == "timestamp_ntz") return {"string", ""};
  if (logical == "date") return {"string", "date"};
  if (logical == "time") return {"string", "time"};
  if (logical == "number" || logical == "decimal" || logical == "numeric" || logical == "float" ||
      logical == "double")
    return {"number", ""};
  if (logical == "integer" || logical == "int" || logical == "long" || logical == "bigint")
    return {"integer", ""};
  if (logical == "boolean") return {"boolean", ""};
  if (logical == "object" || logical == "record" || logical == "struct") return {"object", ""};
  if (logical == "array") return {"array", ""};
  return {"", ""};
}

unsigned bit_of(const std::string& json_type) {
  if (json_type == "string") return Plan::kString;
  if (json_type == "integer") return Plan::kInteger;
  if (json_type == "number") return Plan::kNumber;
  if (json_type == "boolean") return Plan::kBoolean;
  if (json_type == "object") return Plan::kObject;
  if (json_type == "array") return Plan::kArray;
  if (json_type == "null") return Plan::kNull;
  return 0;
}

std::shared_ptr<const RE2> compile_regex(const std::string& pattern, std::string& error) {
  RE2::Options o;
  o.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, o);
  if (!re->ok()) {
    error = re->error();
    return nullptr;
  }
  return re;
}

}  // namespace

std::string compat_logical_type(const Field& f, Spec spec) {
  return spec == Spec::odcs ? lower(f.type) : dcs_logical(f.type);
}

Result<Plan> Plan::compile(const Model& model, Mode mode, Spec spec) {
  Plan plan;
  plan.mode_ = mode;
  plan.spec_ = spec;
  plan.model_ = &model;
  plan.nodes_.emplace_back();
  Node& root = plan.nodes_.back();
  root.location = model.loc.str();
  root.types = kObject;
  root.type_text = "object";
  std::vector<std::string> problems;
  plan.add_object(0, model.fields, problems);
  plan.nodes_[0].allow_unknown = mode == Mode::compat || model.additional_fields;
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    return input_error(all);
  }
  return plan;
}

void Plan::add_object(int at, const std::vector<Field>& fields, std::vector<std::string>& problems) {
  std::vector<Prop> props;
  std::vector<std::pair<std::shared_ptr<const RE2>, int>> pattern_props;
  std::string names;
  // Upstream: if the first child's name starts with '^', all children are
  // patternProperties (ODCS has no other way to say "keys matching").
  const bool by_pattern = mode_ == Mode::compat && !fields.empty() && fields.front().name.rfind('^', 0) == 0;
  for (const Field& f : fields) {
    const bool item_nullable = !f.required;
    const int child = add(f, item_nullable, problems);
    names += (names.empty() ? "" : ", ") + f.name;
    if (by_pattern) {
      std::string error;
      if (auto re = compile_regex(f.name, error)) pattern_props.emplace_back(std::move(re), child);
      else problems.push_back(f.loc.str() + ": property name pattern '" + f.name + "': " + error);
    } else {
      props.push_back({f.name, child, f.required});
    }
  }
  Node& n = nodes_[static_cast<size_t>(at)];
  n.props = std::move(props);
  n.pattern_props = std::move(pattern_props);
  n.declared = names.empty() ? "no fields at all" : "one of the declared fields: " + names;
  n.allow_unknown = mode_ == Mode::compat;
}

int Plan::add(const Field& f, bool nullable, std::vector<std::string>& problems) {
  const int index = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  Node n;
  n.field = &f;
  n.location = f.loc.str();

  std::string json_type, format;
  if (mode_ == Mode::compat) {
    std::tie(json_type, format) = compat_json_type(compat_logical_type(f, spec_), f.format.value_or(""));
  } else {
    json_type = json_type_for(f.type);
    format = format_of(f);
    if (f.type == "timestamp_ntz" && !f.format) format = "timestamp_ntz";
    if (json_type.empty())
      problems.push_back(f.loc.str() + ": field '" + f.name + "' has unknown type '" + f.type + "'");
    if (!format.empty() && !is_known_format(format))
      problems.push_back(f.loc.str() + ": field '" + f.name + "' has format '" + format +
                         "', which strict validation cannot check (known: date, date-time, time, "
                         "email, uri, uuid)");
    if (json_type != "string") format.clear();
  }
  n.format = format;
  if (!json_type.empty()) {
    n.types = bit_of(json_type);
    n.type_text = json_type;
    if (!format.empty()) n.type_text += " (" + format + ")";
    if (nullable && json_type != "null") {
      n.types |= kNull;
      n.type_text += " or null";
    }
  }

  if (f.min_length) n.min_length = static_cast<size_t>(*f.min_length);
  if (f.max_length) n.max_length = static_cast<size_t>(*f.max_length);
  if (f.minimum) n.minimum = Number::of(*f.minimum);
  if (f.maximum) n.maximum = Number::of(*f.maximum);
  if (f.exclusive_minimum) n.exclusive_minimum = Number::of(*f.exclusive_minimum);
  if (f.exclusive_maximum) n.exclusive_maximum = Number::of(*f.exclusive_maximum);
  if (mode_ == Mode::strict) {
    // Upstream keeps precision/scale as annotations; strict checks them.
    n.precision = f.precision;
    n.scale = f.scale;
  }
  if (f.pattern) {
    std::string error;
    n.pattern = compile_regex(*f.pattern, error);
    n.pattern_text = *f.pattern;
    if (!n.pattern) problems.push_back(f.loc.str() + ": pattern '" + *f.pattern + "': " + error);
  }
  if (!f.enum_values.empty()) {
    n.has_enum = true;
    n.enum_values = f.enum_values;
    // Strict: enum constrains values, and null is the absence of one. Compat:
    // the JSON Schema enum never lists null, so an optional null fails (h041).
    if (mode_ == Mode::strict && (n.types & kNull) &&
        std::find(n.enum_values.begin(), n.enum_values.end(), json(nullptr)) == n.enum_values.end())
      n.enum_values.push_back(nullptr);
  }
  nodes_[static_cast<size_t>(index)] = std::move(n);

  if (json_type == "object") {
    // An object without declared fields (and a map) is free-form on purpose.
    add_object(index, f.fields, problems);
    Node& self = nodes_[static_cast<size_t>(index)];
    if (f.fields.empty() || f.type == "map") self.allow_unknown = true;
  }
  if (json_type == "array" && f.items) {
    // Strict: elements are never null. Compat: DCS items are always nullable,
    // ODCS items unless they say required: true (h004, h094).
    const bool items_nullable = mode_ == Mode::compat && (spec_ == Spec::dcs || !f.items->required);
    const int items = add(*f.items, items_nullable, problems);
    nodes_[static_cast<size_t>(index)].items = items;
  }
  return index;
}

}  // namespace bt::contract
