// `bitter lint`: is this contract usable, and what is wrong with it, each
// problem with file:line. Strict (the default) adds to upstream's checks:
// required keys, unknown types and formats, dangling $ref, contradictory
// constraints are errors; unknown keys are warnings.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contract/contract.h"

namespace bt::contract {

struct LintOptions {
  bool compat = false;                     // judge as datacontract-cli 1.1.1 lint
  std::optional<std::string> json_schema;  // a schema file replacing the bundled ODCS one
};

struct LintReport {
  bool valid = true;
  std::string result = "passed";  // passed | warning | failed | error
  std::string spec;               // dcs | odcs | "" (not recognisable)
  std::vector<Diagnostic> problems;
};

LintReport lint_file(const std::filesystem::path& path, const LintOptions& options);
// With `loaded`, a contract that loads is also handed back, so a caller that
// needs both (the engine's input gate) parses the YAML once.
LintReport lint_string(const std::string& yaml, const std::string& name, const LintOptions& options,
                       std::optional<Contract>* loaded = nullptr);

std::string to_text(const LintReport& report);
nlohmann::json to_json(const LintReport& report);

}  // namespace bt::contract
