// What the DCS and ODCS loaders share: where they are, how they fail, and
// how they read the pieces both specs have in common (quality rules, numbers).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "contract/contract.h"
#include "contract/loader.h"

namespace bt::contract::detail {

// Thrown inside the loaders only; load_string turns it into an input error.
struct LoadError {
  std::string message;
};

// Deeper nesting than this is a mistake or an attack, not a contract.
constexpr int kMaxDepth = 64;
// YAML aliases can multiply a small file into millions of fields.
constexpr size_t kMaxFields = 10000;

// Loads an already parsed document (`text` is its source, kept in the
// contract), so that lint and load can share one YAML parse.
Result<Contract> load_parsed(const YAML::Node& root, const std::string& text, const std::string& name,
                             const LoadOptions& options);

class LoaderBase {
 public:
  LoaderBase(std::string file, LoadOptions options) : file_(std::move(file)), options_(options) {}

 protected:
  SourceLoc loc(const YAML::Node& n) const;
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const;
  void warn(const YAML::Node& at, const std::string& message);
  // Warns about each key of `node` that is not in `known` (a typo is a rule lost).
  void warn_unknown_keys(const YAML::Node& node, std::initializer_list<const char*> known,
                         const std::string& what);

  // true/false; with compat also pydantic's lax forms (yes/no/on/off/1/0/t/f/y/n).
  bool read_bool(const YAML::Node& node, const char* key, const std::string& what, bool fallback);
  std::optional<long long> read_length(const YAML::Node& node, const char* key,
                                       const std::string& what);
  std::optional<nlohmann::json> read_number(const YAML::Node& node, const char* key,
                                            const std::string& what);
  std::optional<std::string> read_pattern(const YAML::Node& node, const std::string& what);
  std::vector<QualityRule> read_quality(const YAML::Node& node, const std::string& what);
  // minLength > maxLength and the like: a contract no value can satisfy.
  void check_contradictions(const Field& f, const YAML::Node& at);
  void count_field(const YAML::Node& at, const std::string& name, int depth);

  std::string file_;
  LoadOptions options_;
  std::vector<Diagnostic> diagnostics_;
  size_t field_count_ = 0;
};

}  // namespace bt::contract::detail
