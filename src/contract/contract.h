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

struct Field {
  std::string name;
  std::string type;  // as written (lower-cased), e.g. "string", "integer", "object"
  bool required = false;
  std::string description;
  // Constraints, each present only if the contract says so.
  std::optional<long long> min_length, max_length;
  std::optional<nlohmann::json> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<std::string> pattern, format;
  std::vector<nlohmann::json> enum_values;
  bool unique = false, primary_key = false;
  std::vector<Field> fields;     // object children
  std::shared_ptr<Field> items;  // array element
  SourceLoc loc;
};

struct Model {
  std::string name;
  std::string description;
  std::vector<Field> fields;
  SourceLoc loc;
};

struct Contract {
  std::string path;  // file it came from ("<inline>" otherwise)
  std::string id, title, version, spec_version;
  std::string text;  // the YAML as written, for prompts and hashing
  std::vector<Model> models;

  const Model* find_model(std::string_view name) const;
};

}  // namespace bt::contract
