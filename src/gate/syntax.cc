#include "gate/syntax.h"

#include <algorithm>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sandbox/process.h"
#include "sandbox/runtime.h"
#include "util/files.h"

namespace bt::gate {
namespace {

// Byte offset → 1-based line and column, plus that line's text.
void locate(const std::string& src, size_t offset, SyntaxIssue& issue) {
  offset = std::min(offset, src.size());
  const size_t line_start = offset == 0 ? 0 : src.rfind('\n', offset - 1) + 1;
  issue.line = static_cast<int>(std::count(src.begin(), src.begin() + offset, '\n')) + 1;
  issue.column = static_cast<int>(offset - (line_start == std::string::npos ? 0 : line_start)) + 1;
  size_t line_end = src.find('\n', offset);
  if (line_end == std::string::npos) line_end = src.size();
  const std::string text = src.substr(line_start, line_end - line_start);
  issue.excerpt = text + "\n" + std::string(static_cast<size_t>(issue.column - 1), ' ') + "^";
}

}  // namespace

std::string SyntaxReport::to_text() const {
  std::string out;
  for (const auto& i : issues) {
    out += fmt::format("line {}, column {}: {}\n", i.line, i.column, i.message);
    std::istringstream ex(i.excerpt);
    for (std::string l; std::getline(ex, l);) out += "    " + l + "\n";
  }
  return out;
}

SyntaxReport parse_ide_check(const std::string& ide_output, const std::string& source) {
  SyntaxReport report;
  std::set<std::pair<size_t, std::string>> seen;  // nu repeats some diagnostics
  std::istringstream lines(ide_output);
  for (std::string line; std::getline(lines, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("type", "") != "diagnostic") continue;
    if (j.value("severity", "") != "Error") continue;
    const size_t start = j.contains("span") ? j["span"].value("start", 0ul) : 0ul;
    const std::string message = j.value("message", "syntax error");
    if (!seen.insert({start, message}).second) continue;
    SyntaxIssue issue;
    issue.message = message;
    locate(source, start, issue);
    report.issues.push_back(std::move(issue));
  }
  std::stable_sort(report.issues.begin(), report.issues.end(),
                   [](const auto& a, const auto& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  return report;
}

Result<SyntaxReport> check_nu_syntax(const std::filesystem::path& nu,
                                     const std::filesystem::path& script,
                                     std::chrono::milliseconds timeout,
                                     const sandbox::Isolation* isolation) {
  auto source = read_file(script);
  if (!source) return source.error();
  sandbox::ProcessSpec spec;
  // The script path is an argv element, never part of a command string.
  spec.argv = {nu.string(), "--no-config-file", "--no-std-lib", "--ide-check", "20",
               script.string()};
  spec.cwd = script.parent_path().string();
  spec.env = sandbox::minimal_env(script.parent_path());
  spec.timeout = timeout;
  if (isolation) spec.isolation = *isolation;
  auto run = sandbox::run_process(spec);
  if (!run) return run.error();
  if (run->timed_out || run->term_signal != 0)
    return infra_error("syntax check of " + script.string() + " did not finish: " +
                       run->describe());
  return parse_ide_check(run->out, *source);
}

}  // namespace bt::gate
