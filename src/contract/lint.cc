#include "contract/lint.h"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "contract/loader.h"
#include "contract/loader_base.h"
#include "contract/odcs_loader.h"
#include "contract/plan.h"
#include "contract/validate.h"
#include "contract/yaml_values.h"
#include "util/files.h"

namespace bt::contract {

extern const char* const kOdcsSchema;  // generated from schemas/odcs-v3.schema.json

using nlohmann::json;

namespace {

using Severity = Diagnostic::Severity;

void add(LintReport& r, Severity s, SourceLoc loc, std::string message) {
  r.problems.push_back({s, std::move(loc), std::move(message)});
}

// valijson's context ({"<root>", "[schema]", "[0]", "[name]"}) as a path and
// as the YAML node it names, for the line.
std::pair<std::string, YAML::Node> locate(const YAML::Node& root, const std::vector<std::string>& context) {
  std::string path = "$";
  YAML::Node at = root;
  for (const std::string& token : context) {
    if (token == "<root>" || token.size() < 2) continue;
    const std::string t = token.substr(1, token.size() - 2);
    YAML::Node next(YAML::NodeType::Undefined);
    if (at.IsSequence()) {
      const bool numeric = !t.empty() && t.find_first_not_of("0123456789") == std::string::npos;
      if (numeric && std::stoul(t) < at.size()) next = at[std::stoul(t)];
      path += "[" + t + "]";
    } else {
      next = yaml::child(at, t);
      path += "." + t;
    }
    if (!next.IsDefined()) break;
    at.reset(next);
  }
  return {path, at};
}

bool wrapper(const std::string& d) {
  // Errors that only repeat a nested one.
  for (const char* p : {"Failed to validate against schema associated with property",
                        "Failed to validate item #", "Failed to validate against additional properties",
                        "Failed to validate against child schema", "Failed to validate against dependent schema"})
    if (d.rfind(p, 0) == 0) return true;
  return false;
}

void check_json_schema(LintReport& r, const YAML::Node& root, const std::string& name, const json& schema_json) {
  json doc;
  try {
    doc = yaml::to_json(root);
  } catch (const std::exception& e) {
    return add(r, Severity::error, {name, 0}, std::string("cannot read the document: ") + e.what());
  }
  valijson::Schema schema;
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema_json);
    parser.populateSchema(adapter, schema);
  } catch (const std::exception& e) {
    return add(r, Severity::error, {name, 0}, std::string("the JSON Schema cannot be used: ") + e.what());
  }
  valijson::Validator validator;
  valijson::ValidationResults results;
  validator.validate(schema, valijson::adapters::NlohmannJsonAdapter(doc), &results);
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    if (wrapper(e.description)) continue;
    auto [path, node] = locate(root, e.context);
    std::string found;
    try {
      found = node.IsDefined() ? yaml::to_json(node).dump() : "nothing";
    } catch (const std::exception&) {
      found = "?";
    }
    if (found.size() > 80) found = found.substr(0, 77) + "...";
    add(r, Severity::error, yaml::loc(node, name), path + ": " + e.description + " (found " + found + ")");
  }
}

// What upstream does not check but a contract needs to be used here.
void required_keys(LintReport& r, const YAML::Node& root, const std::string& name) {
  {
    auto need = [&](const YAML::Node& parent, const std::string& key, const std::string& path) {
      if (!yaml::child(parent, key).IsDefined())
        add(r, Severity::error, yaml::loc(parent, name), "required key '" + path + "' is missing");
    };
    need(root, "dataContractSpecification", "dataContractSpecification");
    need(root, "id", "id");
    need(root, "info", "info");
    if (const YAML::Node info = yaml::child(root, "info"); info.IsDefined()) {
      need(info, "title", "info.title");
      need(info, "version", "info.version");
    }
  }
}

void plan_checks(LintReport& r, const Contract& c) {
  for (const Model& m : c.models) {
    auto plan = Plan::compile(m, Mode::strict, c.spec);
    if (!plan) add(r, Severity::error, m.loc, plan.error().message);
  }
  // Example data in the contract must satisfy it like any other data.
  int n = 0;
  for (const Example& ex : c.examples) {
    ++n;
    const std::string what = "example " + std::to_string(n);
    const Model* m = !ex.model.empty() ? c.find_model(ex.model) : c.models.size() == 1 ? &c.models[0] : nullptr;
    if (!m) {
      add(r, Severity::error, ex.loc,
          what + ": " + (ex.model.empty() ? "names no model (the contract has several)" : "model '" + ex.model + "' does not exist"));
      continue;
    }
    if (ex.type != "json" && ex.type != "yaml") {
      add(r, Severity::warning, ex.loc, what + " of type '" + ex.type + "' is not checked (only json and yaml)");
      continue;
    }
    json records = ex.data;
    if (records.is_string()) records = json::parse(records.get<std::string>(), nullptr, false);
    if (records.is_object()) records = json::array({records});
    if (!records.is_array()) {
      add(r, Severity::error, ex.loc, what + ": data is not a JSON record or a list of records");
      continue;
    }
    for (size_t i = 0; i < records.size(); ++i) {
      const auto report = validate(*m, records[i], 10);
      for (const Violation& v : report.violations)
        add(r, Severity::error, ex.loc, what + ", record " + std::to_string(i) + ": " + to_text(v));
    }
  }
}

}  // namespace

LintReport lint_string(const std::string& text, const std::string& name, const LintOptions& options,
                       std::optional<Contract>* loaded_out) {
  LintReport r;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own message is "bad file"
    add(r, Severity::error, {name, e.mark.line + 1},
        "invalid YAML: nested deeper than " + std::to_string(e.depth()) + " levels");
    r.valid = false;
    r.result = "error";
    return r;
  } catch (const YAML::Exception& e) {
    add(r, Severity::error, {name, e.mark.is_null() ? 0 : e.mark.line + 1}, "invalid YAML: " + e.msg);
    r.valid = false;
    r.result = "error";
    return r;
  }
  if (!root.IsMap()) {
    add(r, Severity::error, {name, 1}, "not a data contract: expected a mapping at the top level");
    r.valid = false;
    r.result = "failed";
    return r;
  }
  const bool odcs = is_odcs(root);
  r.spec = odcs ? "odcs" : "dcs";

  if (odcs) {
    json schema;
    if (options.json_schema) {
      auto custom = read_file(*options.json_schema);
      if (!custom) {
        add(r, Severity::error, {*options.json_schema, 0}, custom.error().message);
      } else {
        schema = json::parse(*custom, nullptr, false);
        if (schema.is_discarded()) add(r, Severity::error, {*options.json_schema, 0}, "not a JSON file");
      }
    } else {
      schema = json::parse(kOdcsSchema);
    }
    if (r.problems.empty()) check_json_schema(r, root, name, schema);
  }
  // Upstream: a document that fails its JSON Schema stops there ("failed");
  // one that the model cannot parse is an exception ("error").
  const bool schema_failed = !r.problems.empty();
  if (!options.compat && !odcs) required_keys(r, root, name);
  if (!schema_failed) {
    auto loaded = detail::load_parsed(root, text, name, LoadOptions{options.compat});
    if (!loaded) {
      add(r, Severity::error, {name, 0}, loaded.error().message);
      r.valid = false;
      r.result = options.compat ? "error" : "failed";
      return r;
    }
    if (!options.compat) {
      plan_checks(r, *loaded);
      for (const Diagnostic& d : loaded->diagnostics) r.problems.push_back(d);
    }
    if (loaded_out) *loaded_out = std::move(*loaded);
  }
  r.valid = std::none_of(r.problems.begin(), r.problems.end(),
                         [](const Diagnostic& d) { return d.severity == Severity::error; });
  r.result = !r.valid ? "failed" : r.problems.empty() ? "passed" : "warning";
  return r;
}

LintReport lint_file(const std::filesystem::path& path, const LintOptions& options) {
  auto text = read_file(path);
  if (!text) {
    LintReport r;
    add(r, Severity::error, {path.string(), 0}, text.error().message);
    r.valid = false;
    r.result = "error";
    return r;
  }
  return lint_string(*text, path.string(), options);
}

std::string to_text(const LintReport& report) {
  std::string out;
  for (const Diagnostic& d : report.problems) {
    // The loader's messages already start with file:line.
    const std::string where = d.loc.str();
    const bool located = d.message.rfind(d.loc.file, 0) == 0;
    out += (located ? "" : where + ": ") + std::string(d.severity == Severity::error ? "error: " : "warning: ") +
           d.message + "\n";
  }
  out += std::string(report.valid ? "valid" : "invalid") + " (" + report.result + ")\n";
  return out;
}

json to_json(const LintReport& report) {
  json problems = json::array();
  for (const Diagnostic& d : report.problems)
    problems.push_back({{"severity", d.severity == Severity::error ? "error" : "warning"},
                        {"location", d.loc.str()},
                        {"message", d.message}});
  return {{"valid", report.valid}, {"result", report.result}, {"spec", report.spec}, {"problems", std::move(problems)}};
}

}  // namespace bt::contract
