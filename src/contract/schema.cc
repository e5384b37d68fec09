// Contract model -> JSON Schema draft-07. The schema is what the validator
// checks and what the prompt may show, so it follows the contract literally:
// required fields are non-null, optional ones also accept null.
#include "contract/schema.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace bt::contract {
namespace {

using nlohmann::json;

// Contract type -> JSON type, in the order the spec lists them.
constexpr std::array<std::pair<std::string_view, std::string_view>, 28> kTypes = {{
    {"string", "string"},       {"text", "string"},          {"varchar", "string"},
    {"char", "string"},         {"integer", "integer"},      {"int", "integer"},
    {"long", "integer"},        {"bigint", "integer"},       {"number", "number"},
    {"decimal", "number"},      {"numeric", "number"},       {"float", "number"},
    {"double", "number"},       {"boolean", "boolean"},      {"bool", "boolean"},
    {"date", "string"},         {"timestamp", "string"},     {"timestamp_tz", "string"},
    {"timestamp_ntz", "string"}, {"datetime", "string"},     {"time", "string"},
    {"object", "object"},       {"record", "object"},        {"struct", "object"},
    {"array", "array"},         {"bytes", "string"},         {"null", "null"},
    {"map", "object"},
}};

// A timestamp without zone: the date-time shape minus the offset. Month and
// day ranges are in the pattern so 2024-13-01 fails too.
constexpr const char* kTimestampNtzPattern =
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]"
    "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?$";

json field_schema(const Field& f, bool nullable, const SchemaOptions& options);

void add_object_body(json& schema, const std::vector<Field>& fields, const SchemaOptions& options) {
  json properties = json::object();
  json required = json::array();
  for (const Field& f : fields) {
    properties[f.name] = field_schema(f, !f.required, options);
    if (f.required) required.push_back(f.name);
  }
  schema["properties"] = std::move(properties);
  if (!required.empty()) schema["required"] = std::move(required);
  if (options.reject_unknown_fields) schema["additionalProperties"] = false;
}

json field_schema(const Field& f, bool nullable, const SchemaOptions& options) {
  json s = json::object();
  const std::string type = json_type_for(f.type);
  if (type.empty()) {
    // Only reachable for hand-built models; the loader rejects unknown types.
  } else if (nullable && type != "null") {
    s["type"] = json::array({type, "null"});
  } else {
    s["type"] = type;
  }
  if (!f.description.empty()) s["description"] = f.description;

  // An object without declared fields (and a map) is free-form on purpose.
  if (type == "object" && f.type != "map" && !f.fields.empty()) add_object_body(s, f.fields, options);
  // Array elements are never nullable: `required` is about presence in an object.
  if (type == "array" && f.items) s["items"] = field_schema(*f.items, false, options);

  if (std::string fmt = format_of(f); !fmt.empty()) s["format"] = fmt;
  if (f.pattern) s["pattern"] = *f.pattern;
  else if (f.type == "timestamp_ntz") s["pattern"] = kTimestampNtzPattern;
  if (f.min_length) s["minLength"] = *f.min_length;
  if (f.max_length) s["maxLength"] = *f.max_length;
  if (f.minimum) s["minimum"] = *f.minimum;
  if (f.maximum) s["maximum"] = *f.maximum;
  if (f.exclusive_minimum) s["exclusiveMinimum"] = *f.exclusive_minimum;
  if (f.exclusive_maximum) s["exclusiveMaximum"] = *f.exclusive_maximum;
  if (!f.enum_values.empty()) {
    json values = f.enum_values;
    // enum applies to null too, so a nullable field must list it.
    if (nullable && std::find(values.begin(), values.end(), json(nullptr)) == values.end())
      values.push_back(nullptr);
    s["enum"] = std::move(values);
  }
  return s;
}

}  // namespace

std::string json_type_for(std::string_view contract_type) {
  for (const auto& [name, json_type] : kTypes)
    if (name == contract_type) return std::string(json_type);
  return "";
}

std::string known_types() {
  std::string out;
  for (const auto& entry : kTypes) {
    if (!out.empty()) out += ", ";
    out += entry.first;
  }
  return out;
}

std::string format_of(const Field& field) {
  if (field.format && !field.format->empty()) return *field.format;
  if (field.type == "date") return "date";
  if (field.type == "timestamp" || field.type == "timestamp_tz" || field.type == "datetime")
    return "date-time";
  if (field.type == "time") return "time";
  return "";
}

json to_json_schema(const Model& model, const SchemaOptions& options) {
  json s = {
      {"$schema", "http://json-schema.org/draft-07/schema#"},
      {"title", model.name},
      {"type", "object"},
  };
  if (!model.description.empty()) s["description"] = model.description;
  add_object_body(s, model.fields, options);
  return s;
}

}  // namespace bt::contract
