// `bitter show ID` and `bitter list`: read the journal back.
#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "store/journal.h"
#include "util/files.h"

namespace bt::cli {
namespace {

std::string one_line(std::string s, size_t max) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (s.size() > max) s = s.substr(0, max - 1) + "…";
  return s;
}

std::string indent(const std::string& text, const std::string& pad) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += pad + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

Result<std::unique_ptr<store::Journal>> open_journal() {
  const auto file = data_dir() / "journal.db";
  if (!std::filesystem::exists(file))
    return usage_error("no executions yet (no journal at " + file.string() + ")");
  auto journal = store::Journal::open(file);
  // Executions whose bitter process died (kill -9, power loss) are not left
  // RUNNING forever: looking at the journal settles them.
  if (journal) (void)(*journal)->fail_interrupted();
  return journal;
}

int show(const std::string& id_prefix, bool json, bool code) {
  auto journal = open_journal();
  if (!journal) return fail(journal.error(), json);
  auto id = (*journal)->resolve_id(id_prefix);
  if (!id) return fail(id.error(), json);
  auto exec = (*journal)->get(*id);
  auto attempts = (*journal)->attempts(*id);
  auto stages = (*journal)->stages(*id);
  if (!exec) return fail(exec.error(), json);
  if (!attempts) return fail(attempts.error(), json);
  if (!stages) return fail(stages.error(), json);
  const store::ExecutionRow& e = **exec;

  if (json) {
    auto j = (*journal)->details(*id);
    if (!j) return fail(j.error(), json);
    print_json(*j);
    return kExitOk;
  }

  std::cout << fmt::format("execution {}  {}\n", e.id, e.state);
  std::cout << fmt::format("  created   {}   duration {} ms   attempts {}/{}\n", e.created_at,
                           e.duration_ms, e.attempts, e.max_attempts);
  std::cout << fmt::format("  contract  {} (model {})\n", e.contract, e.model);
  std::cout << fmt::format("  task      {}\n", one_line(e.task, 100));
  std::cout << fmt::format("  input     {}\n", one_line(e.input_json, 100));
  std::cout << fmt::format("  llm       {}\n", e.provider);
  std::cout << fmt::format("  trace     {}\n", e.trace_id);
  if (!e.reason.empty()) std::cout << fmt::format("  reason    {}\n", e.reason);
  // Stages before the first attempt (the input gate) belong to no attempt.
  for (const auto& s : *stages) {
    if (s.attempt != 0) continue;
    std::string summary = s.detail.is_object() ? s.detail.value("summary", "") : "";
    if (summary.empty() && s.detail.is_object()) summary = s.detail.value("verdict", "");
    std::cout << fmt::format("  {:<9} {}\n", s.stage, one_line(summary, 90));
  }
  const bool speculated =
      std::any_of(stages->begin(), stages->end(), [](const store::StageRow& s) { return s.candidate > 0; });
  for (const auto& a : *attempts) {
    std::cout << fmt::format("\nattempt {}: {} ({} ms)\n", a.attempt, a.outcome, a.duration_ms);
    for (const auto& s : *stages) {
      if (s.attempt != a.attempt) continue;
      std::string summary = s.detail.is_object() ? s.detail.value("summary", "") : "";
      // Speculative candidates interleave: each line says whose it is.
      const std::string who = speculated ? fmt::format("c{} ", s.candidate) : "";
      std::cout << fmt::format("  {}{:<9} {:<4} {:>6} ms  {}\n", who, s.stage, s.ok ? "ok" : "FAIL",
                               s.duration_ms, one_line(summary, 90));
    }
    if (code && !a.code.empty()) std::cout << "  code:\n" << indent(a.code, "    ");
    if (!a.feedback.empty()) std::cout << "  feedback sent to the LLM:\n" << indent(a.feedback, "    ");
  }
  if (!e.tool_path.empty()) {
    std::cout << "\naccepted tool: " << e.tool_path << "\n" << indent(e.tool_code, "    ");
    auto out = nlohmann::json::parse(e.output_json, nullptr, false);
    std::cout << "output:\n" << indent(out.is_discarded() ? e.output_json : out.dump(2), "    ");
  }
  return kExitOk;
}

int list(int limit, bool json) {
  auto journal = open_journal();
  if (!journal) {
    if (json) {
      print_json(nlohmann::json::array());
      return kExitOk;
    }
    std::cout << "no executions yet\n";
    return kExitOk;
  }
  auto rows = (*journal)->recent(limit);
  if (!rows) return fail(rows.error(), json);
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& e : *rows) j.push_back(store::to_json(e));
    print_json(j);
    return kExitOk;
  }
  std::cout << fmt::format("{:<22}  {:<8}  {:>8}  {:>8}  {:<24}  {}\n", "ID", "STATE", "ATTEMPTS",
                           "MS", "CREATED", "TASK");
  for (const auto& e : *rows)
    std::cout << fmt::format("{:<22}  {:<8}  {:>8}  {:>8}  {:<24}  {}\n", e.id, e.state,
                             fmt::format("{}/{}", e.attempts, e.max_attempts), e.duration_ms,
                             e.created_at, one_line(e.task, 50));
  return kExitOk;
}

}  // namespace

Handler add_show(CLI::App& app) {
  struct Opt {
    std::string id;
    bool json = false, code = false;
  };
  auto opt = std::make_shared<Opt>();
  app.add_option("id", opt->id, "Execution id (a unique prefix is enough)")->required();
  app.add_flag("--json", opt->json, "Print the execution, its attempts and stages as JSON");
  app.add_flag("--code", opt->code, "Also print the code of every attempt");
  return [opt] { return show(opt->id, opt->json, opt->code); };
}

Handler add_list(CLI::App& app) {
  struct Opt {
    int limit = 20;
    bool json = false;
  };
  auto opt = std::make_shared<Opt>();
  app.add_option("-n,--limit", opt->limit, "How many executions (default 20)");
  app.add_flag("--json", opt->json, "Print as a JSON array");
  return [opt] { return list(opt->limit, opt->json); };
}

}  // namespace bt::cli
