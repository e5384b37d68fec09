// The code gate: a generated tool is matched against the rules before it may
// run. A `block` finding keeps it from running (it is quarantined and the
// findings go back to the LLM); `warn` findings are recorded and shown.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/rules.h"
#include "gate/tokenize.h"
#include "util/result.h"

namespace bt::gate {

struct Finding {
  std::string rule;
  Severity severity = Severity::block;
  std::string reason, fix;
  int line = 0, column = 0;  // 1-based, bytes
  std::string excerpt;       // the source line, trimmed
};

struct ScanReport {
  Runtime runtime = Runtime::nu;
  std::vector<Finding> findings;

  bool blocked() const;
  std::string verdict() const;  // pass | warn | block
  nlohmann::json to_json() const;
  std::string to_text() const;      // for people: one finding per line
  std::string feedback() const;     // for the LLM: "rule X: reason; fix hint"
};

ScanReport scan(const std::string& source, Runtime rt, const RuleSet& rules);

// Moves a blocked tool out of the workspace into
// <data>/quarantine/<execution>/<attempt>/<candidate>/ (as workspaces are
// laid out) with verdict.json beside it; the quarantined file is not
// executable. Returns the quarantine dir.
Result<std::filesystem::path> quarantine(const std::filesystem::path& data_dir,
                                         const std::string& execution_id, int attempt, int candidate,
                                         const std::filesystem::path& tool,
                                         const ScanReport& report);

}  // namespace bt::gate
