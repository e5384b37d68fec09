#include "contract/data_check.h"

#include <glob.h>

#include <algorithm>

#include "contract/columns.h"
#include "contract/loader.h"

namespace bt::contract {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

int rank(const std::string& r) {
  if (r == "error") return 3;
  if (r == "failed") return 2;
  if (r == "warning") return 1;
  return 0;
}

// Upstream's file collection: a directory is walked, anything else globbed;
// only names ending in .json count (h091). Strict also takes .ndjson/.jsonl.
std::vector<std::string> collect_files(const std::string& path, Mode mode) {
  auto wanted = [&](const fs::path& p) {
    const std::string ext = p.extension().string();
    return ext == ".json" || (mode == Mode::strict && (ext == ".ndjson" || ext == ".jsonl"));
  };
  std::vector<std::string> out;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      if (it->is_regular_file(ec) && wanted(it->path())) out.push_back(it->path().string());
  } else {
    glob_t g{};
    if (::glob(path.c_str(), 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i)
        if (wanted(g.gl_pathv[i])) out.push_back(g.gl_pathv[i]);
    globfree(&g);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string substitute_model(std::string path, const std::string& model) {
  for (size_t p; (p = path.find("{model}")) != std::string::npos;) path.replace(p, 7, model);
  return path;
}

// Reads one file's records into both stages. Returns false if a record is
// not JSON (the report then says error and names it).
class FileCheck {
 public:
  FileCheck(const Plan& plan, DataReport& report, size_t cap) : plan_(plan), report_(report), validator_(plan, cap), cap_(cap) {}

  void run(const std::string& file, Delimiter d) {
    if (d == Delimiter::new_line) {
      auto st = for_each_line(file, RecordValidator::kPadding, [&](std::string_view text, long long index) {
        return record(file, text, index);
      });
      if (!st) fail(file, st.error().message);
      return;
    }
    auto data = read_padded(file, RecordValidator::kPadding);
    if (!data) return fail(file, data.error().message);
    std::vector<Violation> found;
    if (d == Delimiter::none) {
      const auto outcome = validator_.validate(*data, -1, found);
      keep(found, outcome.violations);
      ++report_.records;
      if (!outcome.parse_error.empty()) return fail(file, "not a JSON document: " + outcome.parse_error);
      return;
    }
    long long records = 0;
    const auto outcome = validator_.validate_array(*data, report_.records, found, records);
    keep(found, outcome.violations);
    report_.records += records;
    if (!outcome.parse_error.empty()) fail(file, "not a JSON array of records: " + outcome.parse_error);
  }

  bool ok() const { return ok_; }

 private:
  bool record(const std::string& file, std::string_view text, long long line) {
    std::vector<Violation> found;
    const auto outcome = validator_.validate(text, report_.records, found);
    keep(found, outcome.violations);
    ++report_.records;
    if (!outcome.parse_error.empty()) {
      fail(file, "line " + std::to_string(line + 1) + " is not JSON: " +
                     (text.empty() ? std::string("empty line") : outcome.parse_error));
      return false;
    }
    return true;
  }

  void keep(std::vector<Violation>& found, size_t total) {
    for (Violation& v : found) {
      if (report_.violations.size() < cap_) report_.violations.push_back(std::move(v));
      else ++report_.omitted;
    }
    report_.omitted += total - std::min(total, found.size());
  }

  void fail(const std::string& file, const std::string& message) {
    ok_ = false;
    report_.checks.push_back({plan_.model().name + " records", "error", file + ": " + message, ""});
  }

  const Plan& plan_;
  DataReport& report_;
  RecordValidator validator_;
  size_t cap_;
  bool ok_ = true;
};

// The second pass: records as DOM values for the checks across records.
Status feed_columns(ColumnChecks& columns, const std::string& file, Delimiter d) {
  auto add_text = [&](std::string_view text) {
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    columns.add(j);
  };
  if (d == Delimiter::new_line)
    return for_each_line(file, 0, [&](std::string_view text, long long) {
      add_text(text);
      return true;
    });
  auto data = read_padded(file, 0);
  if (!data) return data.error();
  json doc = json::parse(*data, nullptr, false);
  if (d == Delimiter::array && doc.is_array()) {
    for (const json& r : doc) columns.add(r);
  } else {
    columns.add(doc);
  }
  return {};
}

}  // namespace

std::string worse(const std::string& a, const std::string& b) { return rank(b) > rank(a) ? b : a; }

Result<DataReport> check_data(const Contract& contract, const DataOptions& options) {
  DataReport report;
  report.mode = options.mode;
  const bool compat = options.mode == Mode::compat;
  const size_t cap = options.cap;

  // Which server, if the data is not named on the command line.
  const Server* server = nullptr;
  if (!options.server.empty()) {
    for (const Server& s : contract.servers)
      if (s.name == options.server) server = &s;
    if (!server) return input_error("contract has no server '" + options.server + "'");
  } else if (!contract.servers.empty()) {
    server = &contract.servers.front();  // upstream: the first one
  }

  // Which models.
  std::vector<const Model*> models;
  if (!options.model.empty()) {
    const Model* m = contract.find_model(options.model);
    if (!m) {
      std::string names;
      for (const auto& x : contract.models) names += (names.empty() ? "" : ", ") + x.name;
      return input_error("contract has no model '" + options.model + "' (models: " + names + ")");
    }
    models.push_back(m);
  } else if (options.data && !compat) {
    auto m = pick_model(contract, "");
    if (!m) return m.error();
    models.push_back(*m);
  } else {
    for (const Model& m : contract.models) models.push_back(&m);
  }

  if (!options.data && !server) {
    if (!compat) return input_error("no data to check: name a DATA file or give the contract a server with a path");
    report.checks.push_back({"servers", "warning", "Servers block is missing", ""});
    report.result = "warning";
    return report;
  }
  if (!options.data && server) {
    if (server->type != "local")
      return input_error("server '" + server->name + "' has type '" + server->type +
                         "'; only local files can be read (name a DATA file instead)");
    if (!server->format.empty() && server->format != "json") {
      report.checks.push_back({"server " + server->name, "warning",
                               "format '" + server->format + "' is not checked (only json)", server->loc.str()});
      report.result = "warning";
      return report;
    }
  }

  for (const Model* model : models) {
    report.models.push_back(model->name);
    auto plan = Plan::compile(*model, options.mode, contract.spec);
    if (!plan) return plan.error();

    std::vector<std::string> files;
    std::optional<Delimiter> delimiter = options.delimiter;
    if (options.data) {
      files.push_back(*options.data);
      if (!delimiter && server && !server->delimiter.empty()) {
        auto d = parse_delimiter(server->delimiter);
        if (!d) return d.error();
        delimiter = *d;
      }
      if (!delimiter) {
        auto d = sniff_delimiter(*options.data);
        if (!d) return d.error();
        delimiter = *d;
      }
    } else {
      files = collect_files(substitute_model(server->path, model->name), options.mode);
      if (!delimiter) {
        auto d = parse_delimiter(server->delimiter);
        if (!d) return d.error();
        delimiter = *d;
      }
      if (files.empty()) {
        // Upstream warns and passes; strict does not pass what it did not check.
        report.checks.push_back({model->name + " files", compat ? "warning" : "error",
                                 "No files found in " + substitute_model(server->path, model->name) +
                                     (compat ? "" : " (only names ending in .json, .ndjson or .jsonl are read)"),
                                 server->loc.str()});
        continue;
      }
    }

    const size_t before = report.violations.size() + report.omitted;
    bool readable = true;
    for (const std::string& file : files) {
      report.files.push_back(file);
      FileCheck check(*plan, report, cap);
      check.run(file, *delimiter);
      readable = readable && check.ok();
    }
    const bool records_ok = report.violations.size() + report.omitted == before;
    if (records_ok && readable)
      report.checks.push_back({model->name + " records", "passed", "All JSON entries are valid.", model->loc.str()});

    // Upstream stops at the first schema failure: its DuckDB stage never runs.
    if (!readable || (compat && !records_ok)) continue;
    ColumnChecks columns(*model, options.mode, contract.spec);
    if (!columns.needed()) continue;
    for (const std::string& file : files)
      if (auto st = feed_columns(columns, file, *delimiter); !st) return st.error();
    for (Check& c : columns.finish()) report.checks.push_back(std::move(c));
  }

  // Contract-level quality (SodaCL and the like) cannot be run here.
  if (!compat)
    for (const QualityRule& q : contract.quality)
      report.checks.push_back({"quality (" + (q.type.empty() ? std::string("contract level") : q.type) + ")",
                               "warning", "contract-level quality rules cannot be checked locally; not checked",
                               q.loc.str()});
  std::string result = "passed";
  if (!report.violations.empty() || report.omitted) result = "failed";
  for (const Check& c : report.checks) result = worse(result, c.result);
  report.result = result;
  return report;
}

std::string to_text(const DataReport& report) {
  std::string out;
  for (const Violation& v : report.violations) out += to_text(v) + "\n";
  if (report.omitted) out += "... and " + std::to_string(report.omitted) + " more violations\n";
  for (const Check& c : report.checks) {
    if (c.result == "passed") continue;
    out += c.result + ": " + c.name + (c.message.empty() ? "" : ": " + c.message);
    if (!c.location.empty()) out += " (" + c.location + ")";
    out += "\n";
  }
  out += "result: " + report.result + " (" + std::to_string(report.records) + " records, " +
         (report.mode == Mode::compat ? "compat" : "strict") + " mode)\n";
  return out;
}

json to_json(const DataReport& report) {
  json violations = json::array();
  for (const Violation& v : report.violations) violations.push_back(to_json(v));
  json checks = json::array();
  for (const Check& c : report.checks)
    checks.push_back({{"name", c.name}, {"result", c.result}, {"message", c.message}, {"location", c.location}});
  return {{"result", report.result},
          {"mode", report.mode == Mode::compat ? "compat" : "strict"},
          {"models", report.models},
          {"files", report.files},
          {"records", report.records},
          {"violations", std::move(violations)},
          {"omitted", report.omitted},
          {"checks", std::move(checks)}};
}

}  // namespace bt::contract
