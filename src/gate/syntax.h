// The syntax gate: parse-check a Nushell tool with `nu --ide-check` before it
// runs, so a broken script costs a parse, not an execution, and the LLM gets
// line:column diagnostics back.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "sandbox/isolate.h"
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

// Runs the check. Errors only when nu cannot be run (infra). nu's parser
// evaluates `const` expressions and reads `source`/`use` files while it
// parses, so generated code is parsed in the sandbox (`isolation`) like it
// runs; null only for code that is not untrusted.
Result<SyntaxReport> check_nu_syntax(const std::filesystem::path& nu,
                                     const std::filesystem::path& script,
                                     std::chrono::milliseconds timeout,
                                     const sandbox::Isolation* isolation = nullptr);

}  // namespace bt::gate
