// The syntax gate: parse-check a Nushell tool with `nu --ide-check` before it
// runs, so a broken script costs a parse, not an execution, and the LLM gets
// line:column diagnostics back.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "util/result.h"

namespace bt::gate {

struct SyntaxIssue {
  int line = 0, column = 0;  // 1-based
  std::string message;
  std::string excerpt;  // the source line, with a caret line under it
};

struct SyntaxReport {
  std::vector<SyntaxIssue> issues;
  bool ok() const { return issues.empty(); }
  std::string to_text() const;
};

// Parses `nu --ide-check` JSON lines for the given source. Exposed for tests.
SyntaxReport parse_ide_check(const std::string& ide_output, const std::string& source);

// Runs the check. Errors only when nu cannot be run (infra).
Result<SyntaxReport> check_nu_syntax(const std::filesystem::path& nu,
                                     const std::filesystem::path& script,
                                     std::chrono::milliseconds timeout);

}  // namespace bt::gate
