// Validation: valijson checks the generated schema, then this file turns its
// errors into Violations that name the JSON path, the rule, what was expected,
// what was found and the contract line. Formats are checked here, not by
// valijson, whose date check accepts 2023-02-31 and which ignores email/uri/uuid.
#include "contract/validate.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <set>
#include <string_view>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "contract/formats.h"
#include "contract/plan.h"

#if !VALIJSON_USE_EXCEPTIONS
#error "valijson must throw (VALIJSON_USE_EXCEPTIONS=1); without it a schema problem aborts"
#endif

namespace bt::contract {
namespace {

using nlohmann::json;

constexpr size_t kExcerptMax = 80;

std::string excerpt(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() <= kExcerptMax) return s;
  size_t cut = kExcerptMax - 1;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return s.substr(0, cut) + "…";
}

std::string type_name(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  return v.type_name();  // string, boolean, null, object, array
}

bool is_identifier(std::string_view k) {
  if (k.empty() || std::isdigit(static_cast<unsigned char>(k[0]))) return false;
  return std::all_of(k.begin(), k.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

std::string key_path(const std::string& base, const std::string& key) {
  if (is_identifier(key)) return base + "." + key;
  // Escaped so a path is always one line of text.
  std::string quoted;
  for (char c : key) {
    if (c == '\'' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      const std::string escaped = json(std::string(1, c)).dump();  // "\n", "\u0001", ...
      quoted += escaped.substr(1, escaped.size() - 2);
    } else {
      quoted += c;
    }
  }
  return base + "['" + quoted + "']";
}

std::string index_path(const std::string& base, size_t i) { return base + "[" + std::to_string(i) + "]"; }

const Field* find_field(const std::vector<Field>* fields, const std::string& name) {
  if (!fields) return nullptr;
  for (const Field& f : *fields)
    if (f.name == name) return &f;
  return nullptr;
}

// A place in the document: its path, the value there (null if absent) and
// the contract field that declares it (null at the root or if undeclared).
struct Spot {
  std::string path = "$";
  const json* value = nullptr;
  const Field* field = nullptr;
  const std::vector<Field>* children = nullptr;  // declared fields of the object here
  bool is_item = false;                          // an array element: never nullable
};

Spot step_key(const Spot& at, const std::string& key) {
  Spot next;
  next.path = key_path(at.path, key);
  if (at.value && at.value->is_object())
    if (auto it = at.value->find(key); it != at.value->end()) next.value = &*it;
  next.field = find_field(at.children, key);
  if (next.field) next.children = &next.field->fields;
  return next;
}

Spot step_index(const Spot& at, size_t i) {
  Spot next;
  next.path = index_path(at.path, i);
  if (at.value && at.value->is_array() && i < at.value->size()) next.value = &(*at.value)[i];
  if (at.field && at.field->items) {
    next.field = at.field->items.get();
    next.children = &next.field->fields;
  }
  next.is_item = true;
  return next;
}

// valijson's context is {"<root>", "[data]", "[items]", "[3]"}: keys and
// indexes look alike, so the document decides which one each token is.
Spot locate(const Model& model, const json& doc, const std::vector<std::string>& context) {
  Spot at;
  at.value = &doc;
  at.children = &model.fields;
  for (const std::string& token : context) {
    if (token == "<root>" || token.size() < 2) continue;
    const std::string t = token.substr(1, token.size() - 2);
    size_t index = 0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), index);
    if (at.value && at.value->is_array() && ec == std::errc() && ptr == t.data() + t.size())
      at = step_index(at, index);
    else
      at = step_key(at, t);
  }
  return at;
}

std::string location(const Spot& at, const Model& model) {
  if (at.field) return at.field->loc.str();
  return at.path == "$" ? model.loc.str() : "";
}

std::string type_expectation(const Spot& at) {
  if (!at.field) return "object";  // only the root has no field and a type rule
  std::string t = json_type_for(at.field->type);
  if (std::string fmt = format_of(*at.field); !fmt.empty() && t == "string") t += " (" + fmt + ")";
  if (!at.field->required && !at.is_item && t != "null") t += " or null";
  return t;
}

std::string bound(const Spot& at, const char* op, const std::optional<json>& limit) {
  const std::string t = at.field ? json_type_for(at.field->type) : "number";
  return t + " " + op + " " + (limit ? limit->dump() : "?");
}

std::string declared_names(const std::vector<Field>* fields) {
  std::string out;
  if (fields)
    for (const Field& f : *fields) out += (out.empty() ? "" : ", ") + f.name;
  return out.empty() ? "no fields at all" : "one of the declared fields: " + out;
}

// valijson reports only the first unknown key of an object; report each.
void add_unknown_fields(const Spot& at, const Model& model, std::vector<Violation>& out) {
  if (!at.value || !at.value->is_object()) return;
  for (const auto& [key, value] : at.value->items()) {
    if (find_field(at.children, key)) continue;
    out.push_back({key_path(at.path, key), "additionalProperties", declared_names(at.children),
                   excerpt(value), location(at, model)});
  }
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// valijson casts integers to int64 before comparing them with a bound, so it
// sees 2^64-1 as -1; bounds of such values are checked by check_value instead.
bool beyond_int64(const json& v) {
  return v.is_number_unsigned() &&
         v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

void translate(const Model& model, const json& doc, const valijson::ValidationResults::Error& e,
               std::vector<Violation>& out) {
  const std::string& d = e.description;
  // Wrappers repeat a nested error one level up; the nested one says it all.
  if (starts_with(d, "Failed to validate against schema associated with property") ||
      starts_with(d, "Failed to validate item #") ||
      starts_with(d, "Failed to validate against additional properties") ||
      starts_with(d, "Failed to validate against child schema"))
    return;

  const Spot at = locate(model, doc, e.context);
  if (starts_with(d, "Expected number") && at.value && beyond_int64(*at.value)) return;
  if (constexpr std::string_view p = "Missing required property '"; starts_with(d, p)) {
    const std::string name = d.substr(p.size(), d.size() - p.size() - 2);  // drop "'."
    const Spot missing = step_key(at, name);
    out.push_back({missing.path, "required", "present", "missing", location(missing, model)});
    return;
  }
  if (starts_with(d, "Object contains a property that could not be validated")) {
    add_unknown_fields(at, model, out);
    return;
  }

  Violation v{at.path, "", "", at.value ? excerpt(*at.value) : "missing", location(at, model)};
  const Field* f = at.field;
  const size_t length = at.value && at.value->is_string()
                            ? utf8_length(at.value->get_ref<const std::string&>())
                            : 0;
  if (starts_with(d, "Value type not permitted")) {
    v.rule = "type";
    v.expected = type_expectation(at);
    if (at.value) v.actual += " (" + type_name(*at.value) + ")";
  } else if (starts_with(d, "Failed to match against any enum")) {
    v.rule = "enum";
    v.expected = f ? "one of " + json(f->enum_values).dump() : d;
  } else if (starts_with(d, "String should be no fewer than")) {
    v.rule = "minLength";
    v.expected = f && f->min_length ? "length >= " + std::to_string(*f->min_length) : d;
    v.actual += " (length " + std::to_string(length) + ")";
  } else if (starts_with(d, "String should be no more than")) {
    v.rule = "maxLength";
    v.expected = f && f->max_length ? "length <= " + std::to_string(*f->max_length) : d;
    v.actual += " (length " + std::to_string(length) + ")";
  } else if (starts_with(d, "Expected number greater than or equal to")) {
    v.rule = "minimum";
    v.expected = bound(at, ">=", f ? f->minimum : std::nullopt);
  } else if (starts_with(d, "Expected number greater than")) {
    v.rule = "exclusiveMinimum";
    v.expected = bound(at, ">", f ? f->exclusive_minimum : std::nullopt);
  } else if (starts_with(d, "Expected number less than or equal to")) {
    v.rule = "maximum";
    v.expected = bound(at, "<=", f ? f->maximum : std::nullopt);
  } else if (starts_with(d, "Expected number less than")) {
    v.rule = "exclusiveMaximum";
    v.expected = bound(at, "<", f ? f->exclusive_maximum : std::nullopt);
  } else if (starts_with(d, "Failed to match regex")) {
    v.rule = "pattern";
    if (f && f->pattern) v.expected = "string matching pattern " + *f->pattern;
    else if (f && f->type == "timestamp_ntz") v.expected = format_expectation("timestamp_ntz");
    else v.expected = d;
  } else if (starts_with(d, "Array contains more items") || starts_with(d, "Cannot validate item")) {
    v.rule = "items";
    v.expected = d;
  } else {
    v.rule = "schema";  // a keyword the contract cannot produce today; keep valijson's words
    v.expected = d;
  }
  out.push_back(std::move(v));
}

void check_value(const Field& f, const json& v, const std::string& path, std::vector<Violation>& out);

void check_object(const std::vector<Field>& fields, const json& object, const std::string& path,
                  std::vector<Violation>& out) {
  if (!object.is_object()) return;
  for (const Field& f : fields)
    if (auto it = object.find(f.name); it != object.end()) check_value(f, *it, key_path(path, f.name), out);
}

// The second pass, following the model: formats, and bounds valijson misreads.
// Type errors were reported already.
void check_value(const Field& f, const json& v, const std::string& path, std::vector<Violation>& out) {
  if (v.is_string()) {
    const std::string fmt = format_of(f);
    if (!fmt.empty() && !matches_format(fmt, v.get_ref<const std::string&>()))
      out.push_back({path, "format", format_expectation(fmt), excerpt(v), f.loc.str()});
  } else if (v.is_object()) {
    check_object(f.fields, v, path, out);
  } else if (v.is_array() && f.items) {
    for (size_t i = 0; i < v.size(); ++i) check_value(*f.items, v[i], index_path(path, i), out);
  } else if (beyond_int64(v)) {
    const double x = v.get<double>();
    const std::string t = json_type_for(f.type);
    auto check = [&](const char* rule, const char* op, const std::optional<json>& limit, auto broken) {
      if (limit && broken(x, limit->get<double>()))
        out.push_back({path, rule, t + " " + op + " " + limit->dump(), excerpt(v), f.loc.str()});
    };
    check("minimum", ">=", f.minimum, [](double a, double b) { return a < b; });
    check("exclusiveMinimum", ">", f.exclusive_minimum, [](double a, double b) { return a <= b; });
    check("maximum", "<=", f.maximum, [](double a, double b) { return a > b; });
    check("exclusiveMaximum", "<", f.exclusive_maximum, [](double a, double b) { return a >= b; });
  }
}

// The schema without "format": formats are checked by check_value instead.
void strip_formats(json& schema) {
  if (!schema.is_object()) return;
  schema.erase("format");
  if (auto it = schema.find("properties"); it != schema.end() && it->is_object())
    for (auto& [name, sub] : it->items()) strip_formats(sub);
  if (auto it = schema.find("items"); it != schema.end()) strip_formats(*it);
}

// A wrong type makes every other rule at that path noise; and no problem
// should be listed twice.
std::vector<Violation> dedupe(std::vector<Violation> all) {
  std::set<std::string> mistyped;
  for (const Violation& v : all)
    if (v.rule == "type") mistyped.insert(v.path);
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<Violation> out;
  for (Violation& v : all) {
    if (v.rule != "type" && mistyped.count(v.path)) continue;
    if (!seen.insert({v.path, v.rule}).second) continue;
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

nlohmann::json to_json(const Violation& v) {
  json out = {{"path", v.path}, {"rule", v.rule}, {"expected", v.expected}, {"actual", v.actual},
              {"location", v.location}};
  if (v.record >= 0) out["record"] = v.record;
  return out;
}

std::string to_text(const Violation& v) {
  std::string line = (v.record >= 0 ? "[record " + std::to_string(v.record) + "] " : std::string()) + v.path + ": " + v.rule + " — expected " + v.expected + ", got " + v.actual;
  if (!v.location.empty()) line += " (" + v.location + ")";
  return line;
}

std::string to_text(const ValidationReport& report) {
  std::string out;
  for (const Violation& v : report.violations) out += to_text(v) + "\n";
  if (report.omitted) out += "... and " + std::to_string(report.omitted) + " more\n";
  return out;
}

nlohmann::json to_json(const ValidationReport& report) {
  json list = json::array();
  for (const Violation& v : report.violations) list.push_back(to_json(v));
  return {{"ok", report.ok()}, {"violations", std::move(list)}, {"omitted", report.omitted}};
}

ValidationReport validate_reference(const Model& model, const nlohmann::json& document,
                                    const SchemaOptions& options, size_t cap) {
  std::vector<Violation> all;
  try {
    json schema = to_json_schema(model, options);
    strip_formats(schema);
    valijson::Schema compiled;
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter schema_adapter(schema);
    parser.populateSchema(schema_adapter, compiled);

    valijson::Validator validator;  // strict types: "1" is not 1, 1.0 is not an integer
    valijson::ValidationResults results;
    validator.validate(compiled, valijson::adapters::NlohmannJsonAdapter(document), &results);
    valijson::ValidationResults::Error error;
    while (results.popError(error)) translate(model, document, error, all);
    check_object(model.fields, document, "$", all);
  } catch (const std::exception& e) {
    // Hand-built models can carry a regex std::regex rejects; say so, don't throw.
    all.push_back({"$", "internal", "a contract the validator can check", e.what(), model.loc.str()});
  }

  ValidationReport report;
  report.violations = dedupe(std::move(all));
  if (report.violations.size() > cap) {
    report.omitted = report.violations.size() - cap;
    report.violations.resize(cap);
  }
  return report;
}

ValidationReport validate(const Model& model, const nlohmann::json& document, size_t cap) {
  ValidationReport report;
  auto plan = Plan::compile(model, Mode::strict);
  if (!plan) {
    report.violations.push_back({"$", "contract", "a contract the validator can check", plan.error().message,
                                 model.loc.str()});
    return report;
  }
  std::string text = document.dump(-1, ' ', false, json::error_handler_t::replace);
  const size_t size = text.size();
  text.resize(size + RecordValidator::kPadding, ' ');
  RecordValidator validator(*plan, cap);
  auto outcome = validator.validate(std::string_view(text.data(), size), -1, report.violations);
  if (!outcome.parse_error.empty())
    report.violations.push_back({"$", "json", "a JSON document", outcome.parse_error, ""});
  if (outcome.violations > report.violations.size()) report.omitted = outcome.violations - report.violations.size();
  return report;
}

}  // namespace bt::contract
