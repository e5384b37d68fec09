// The in-memory form of a data contract (Data Contract Specification YAML):
// models made of fields, each field remembering where it was written so that
// every violation can point at the contract line that demands it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bt::contract {

struct SourceLoc {
  std::string file;
  int line = 0;  // 1-based; 0 = unknown
  std::string str() const { return line ? file + ":" + std::to_string(line) : file; }
};

// A data-quality rule (`quality:` on a model or field). Only `sql` and the
// `library` metrics can be checked locally; anything else is reported as not
// checked, never passed silently.
struct QualityRule {
  std::string type;    // sql | library | text | custom | ... (lower-cased)
  std::string metric;  // library rules: rowCount, nullValues, missingValues, invalidValues, duplicateValues
  std::string query;   // sql rules
  std::string description;
  nlohmann::json arguments;  // library rules: validValues, missingValues, pattern
  // The first of mustBe, mustNotBe, mustBeGreaterThan, mustBeGreaterOrEqualTo,
  // mustBeLessThan, mustBeLessOrEqualTo, mustBeBetween, mustNotBeBetween.
  std::string threshold;
  nlohmann::json bound;  // a number, or [low, high] for the between forms
  SourceLoc loc;
};

struct Field {
  std::string name;
  std::string type;  // as written (lower-cased), e.g. "string", "integer", "object"; ODCS: logicalType
  std::string physical_type;  // ODCS physicalType, or the DCS type as written
  bool required = false;
  std::string description;
  // Constraints, each present only if the contract says so.
  std::optional<long long> min_length, max_length;
  std::optional<nlohmann::json> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<std::string> pattern, format;
  std::vector<nlohmann::json> enum_values;
  bool unique = false, primary_key = false;
  int primary_key_position = 0;  // ODCS: order within a composite key
  // Decimal precision (total digits) and scale (digits after the point).
  std::optional<int> precision, scale;
  std::vector<Field> fields;     // object children
  std::shared_ptr<Field> items;  // array element
  std::vector<QualityRule> quality;
  SourceLoc loc;
};

struct Model {
  std::string name;
  std::string description;
  std::vector<Field> fields;
  std::vector<std::string> primary_key;  // model-level `primaryKey: [a, b]`
  std::vector<QualityRule> quality;
  // DCS `additionalFields`: true lets records carry keys the model does not
  // declare. Strict mode rejects them unless this says so.
  bool additional_fields = false;
  SourceLoc loc;
};

// Where the data lives (`servers:`). Only local JSON files can be read here.
struct Server {
  std::string name, type, path, format, delimiter;  // delimiter: new_line | array | ""
  SourceLoc loc;
};

enum class Spec { dcs, odcs };

// Example data written in the contract (DCS `examples:`): it must satisfy
// its model like any other data.
struct Example {
  std::string type;   // json | yaml | csv | custom
  std::string model;  // "" = the only model
  nlohmann::json data;  // the records (a list), or the text as written
  SourceLoc loc;
};

// A problem found while loading, for `bitter lint`. Errors make the contract
// unusable; warnings (unknown keys, unchecked rules) do not.
struct Diagnostic {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  SourceLoc loc;
  std::string message;
};

struct Contract {
  std::string path;  // file it came from ("<inline>" otherwise)
  std::string id, title, version, spec_version;
  std::string text;  // the YAML as written, for prompts and hashing
  Spec spec = Spec::dcs;
  std::vector<Model> models;
  std::vector<Server> servers;
  std::vector<QualityRule> quality;  // top-level (DCS SodaCL etc.): never checked here
  std::vector<Example> examples;
  std::vector<Diagnostic> diagnostics;

  const Model* find_model(std::string_view name) const;
};

}  // namespace bt::contract
