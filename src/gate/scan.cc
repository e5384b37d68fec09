#include "gate/scan.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "util/files.h"

namespace bt::gate {
namespace {

namespace fs = std::filesystem;

// End of the statement that starts at `from`: a newline (or, in nu and
// bash, a pipe or `;`) outside brackets, or the bracket that closes around it.
size_t statement_end(const std::string& code, size_t from, Runtime rt) {
  int depth = 0;
  for (size_t k = from; k < code.size(); ++k) {
    const char c = code[k];
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') {
      if (depth == 0) return k;
      --depth;
    }
    if (depth > 0) continue;
    if (c == '\n') return k;
    if (rt != Runtime::python3 && (c == '|' || c == ';')) return k;
  }
  return code.size();
}

bool ident(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Replaces references to literal-only variables by their quoted value.
std::string expand(const std::string& args, const Views& v, Runtime rt) {
  if (v.literals.empty()) return args;
  std::string out;
  for (size_t i = 0; i < args.size();) {
    size_t start = i, name_at = i;
    bool braced = false;
    if (rt != Runtime::python3) {
      if (args[i] != '$') { out += args[i++]; continue; }
      name_at = i + 1;
      braced = rt == Runtime::bash && name_at < args.size() && args[name_at] == '{';
      if (braced) ++name_at;
    } else if (!ident(args[i]) || (i > 0 && (ident(args[i - 1]) || args[i - 1] == '.'))) {
      out += args[i++];
      continue;
    }
    size_t e = name_at;
    while (e < args.size() && ident(args[e])) ++e;
    const auto it = v.literals.find(args.substr(name_at, e - name_at));
    if (e == name_at || it == v.literals.end()) {
      out += args.substr(start, std::max<size_t>(e, start + 1) - start);
      i = std::max<size_t>(e, start + 1);
      continue;
    }
    if (braced && e < args.size() && args[e] == '}') ++e;
    out += "\"" + it->second + "\"";
    i = e;
  }
  return out;
}

std::string line_of(const std::string& src, size_t off, int& line, int& col) {
  off = std::min(off, src.size());
  const size_t ls = off == 0 ? 0 : (src.rfind('\n', off - 1) == std::string::npos ? 0 : src.rfind('\n', off - 1) + 1);
  line = static_cast<int>(std::count(src.begin(), src.begin() + static_cast<long>(off), '\n')) + 1;
  col = static_cast<int>(off - ls) + 1;
  size_t le = src.find('\n', off);
  if (le == std::string::npos) le = src.size();
  std::string text = src.substr(ls, le - ls);
  const auto b = text.find_first_not_of(" \t");
  text = b == std::string::npos ? "" : text.substr(b);
  if (text.size() > 160) text = text.substr(0, 157) + "...";
  return text;
}

}  // namespace

bool ScanReport::blocked() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::block; });
}

std::string ScanReport::verdict() const {
  if (blocked()) return "block";
  return findings.empty() ? "pass" : "warn";
}

nlohmann::json ScanReport::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings)
    list.push_back({{"rule", f.rule}, {"severity", to_string(f.severity)}, {"reason", f.reason},
                    {"fix", f.fix}, {"line", f.line}, {"column", f.column},
                    {"excerpt", f.excerpt}});
  return {{"verdict", verdict()}, {"runtime", to_string(runtime)}, {"findings", list}};
}

std::string ScanReport::to_text() const {
  std::string out;
  for (const auto& f : findings)
    out += fmt::format("{} {} line {}, column {}: {}\n    {}\n", to_string(f.severity), f.rule,
                       f.line, f.column, f.reason, f.excerpt);
  return out;
}

std::string ScanReport::feedback() const {
  std::string out;
  for (const auto& f : findings)
    out += fmt::format("- rule {} ({}), line {}: {}; fix: {}\n    {}\n", f.rule,
                       to_string(f.severity), f.line, f.reason, f.fix, f.excerpt);
  return out;
}

ScanReport scan(const std::string& source, Runtime rt, const RuleSet& rules) {
  ScanReport report;
  report.runtime = rt;
  const Views v = lex(source, rt);
  std::set<std::pair<std::string, int>> seen;
  for (const auto& c : rules.rules()) {
    const Rule& r = c.rule;
    if (!r.enabled || r.runtime != rt) continue;
    const std::string& view = r.view_text ? v.text : v.code;
    const int groups = std::min(c.re->NumberOfCapturingGroups(), 1);
    re2::StringPiece m[2];
    size_t pos = 0;
    while (pos <= view.size() &&
           c.re->Match(view, pos, view.size(), RE2::UNANCHORED, m, 1 + groups)) {
      const size_t start = static_cast<size_t>(m[0].data() - view.data());
      const size_t end = start + m[0].size();
      pos = end > pos ? end : pos + 1;
      if (c.args) {
        const size_t se = statement_end(v.code, end, rt);
        const std::string args = expand(v.text.substr(end, se - end), v, rt);
        if (!RE2::PartialMatch(args, *c.args)) continue;
      }
      const size_t at = groups && m[1].data() ? static_cast<size_t>(m[1].data() - view.data()) : start;
      Finding f{r.id, r.severity, r.reason, r.fix, 0, 0, ""};
      f.excerpt = line_of(source, at, f.line, f.column);
      if (seen.insert({r.id, f.line}).second) report.findings.push_back(std::move(f));
    }
  }
  std::sort(report.findings.begin(), report.findings.end(), [](const auto& a, const auto& b) {
    return std::tie(a.line, a.column, a.rule) < std::tie(b.line, b.column, b.rule);
  });
  return report;
}

Result<fs::path> quarantine(const fs::path& data_dir, const std::string& execution_id,
                            int attempt, int candidate, const fs::path& tool, const ScanReport& report) {
  const fs::path dir = data_dir / "quarantine" / execution_id / std::to_string(attempt) / std::to_string(candidate);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return infra_error("cannot create " + dir.string() + ": " + ec.message());
  fs::permissions(dir, fs::perms::owner_all, ec);
  const fs::path dest = dir / tool.filename();
  fs::rename(tool, dest, ec);
  if (ec) {  // another file system: copy, then remove the original
    fs::copy_file(tool, dest, fs::copy_options::overwrite_existing, ec);
    if (ec) return infra_error("cannot quarantine " + tool.string() + ": " + ec.message());
    fs::remove(tool, ec);
  }
  // Readable evidence, never executable.
  fs::permissions(dest, fs::perms::owner_read | fs::perms::owner_write, ec);
  auto j = report.to_json();
  j["execution_id"] = execution_id;
  j["attempt"] = attempt;
  j["candidate"] = candidate;
  if (auto s = write_file_atomic(dir / "verdict.json", j.dump(2) + "\n"); !s) return s.error();
  return dir;
}

}  // namespace bt::gate
