// `bitter run`: the contract loop from the command line.
#include <unistd.h>

#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/run.h"
#include "cli/common.h"
#include "contract/lint.h"
#include "contract/loader.h"
#include "contract/validate.h"
#include "cli/gate.h"
#include "engine/cache.h"
#include "engine/loop.h"
#include "engine/resilience.h"
#include "gate/confine.h"
#include "gate/rules.h"
#include "llm/prompt.h"
#include "llm/provider.h"
#include "sandbox/isolate.h"
#include "sandbox/runtime.h"
#include "sandbox/workspace.h"
#include "store/journal.h"
#include "util/clock.h"
#include "util/files.h"
#include "util/log.h"
#include "util/signals.h"

namespace bt::cli {
namespace {



void print_human(const engine::Outcome& o) {
  const bool ok = o.state == store::State::SUCCESS;
  std::cout << (ok && !o.cached_from.empty()
                    ? fmt::format("accepted from the cache (the tool of execution {})", o.cached_from)
                : ok ? fmt::format("accepted on attempt {} of {}", o.attempts.size(), o.max_attempts)
                     : std::string("not accepted"))
            << fmt::format(" (execution {}, {} ms)\n", o.execution_id, o.duration_ms);
  for (const auto& a : o.attempts)
    std::cout << fmt::format("  attempt {}: {} — {} ({} ms)\n", a.attempt, a.outcome, a.summary,
                             a.duration_ms);
  if (ok) {
    std::cout << "\ntool: " << o.tool_path.string() << "\n\n" << o.code;
    // Shown in the tool's own key order; nlohmann::json would sort the keys.
    auto ordered = nlohmann::ordered_json::parse(o.output_text, nullptr, false);
    std::cout << "\noutput:\n" << (ordered.is_discarded() ? o.output.dump(2) : ordered.dump(2)) << "\n";
  }
  if (!o.workspace.empty()) std::cout << "\nworkspace kept: " << o.workspace.string() << "\n";
  if (!ok) std::cout << "\ndetails: bitter show " << o.execution_id << "\n";
}

nlohmann::json outcome_json(const engine::Outcome& o) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const auto& a : o.attempts)
    attempts.push_back({{"attempt", a.attempt}, {"outcome", a.outcome}, {"summary", a.summary},
                        {"duration_ms", a.duration_ms}});
  nlohmann::json j = {{"execution_id", o.execution_id},
                      {"trace_id", o.trace_id},
                      {"state", store::to_string(o.state)},
                      {"attempts", attempts},
                      {"duration_ms", o.duration_ms}};
  if (o.state == store::State::SUCCESS) {
    j["tool_path"] = o.tool_path.string();
    j["code"] = o.code;
    j["output"] = o.output;
  }
  if (!o.escalation.empty()) j["escalation"] = o.escalation;
  if (o.stopped_by) j["error"] = o.stopped_by->message;
  if (!o.workspace.empty()) j["workspace"] = o.workspace.string();
  if (!o.cached_from.empty()) j["cached_from"] = o.cached_from;
  return j;
}

int run(const RunOptions& opt) {
  Logger log(opt.quiet ? Logger::Format::none : Logger::auto_format(), stderr);
  if (!opt.log_file.empty() && !log.open_file(opt.log_file))
    return fail(usage_error("cannot open log file " + opt.log_file), opt.json);

  // Everything the user gave is checked before the LLM is asked anything.
  // Input gate: user-named files must lie under the root (cwd by default).
  const auto root = gate_root(opt.root);
  engine::Submission sub;
  auto contract_path = gate::confine(opt.contract, root, kWidenRoot);
  if (!contract_path) return fail(contract_path.error(), opt.json);
  sub.contract_path = *contract_path;
  sub.contract_label = opt.contract;
  sub.model = opt.model;
  sub.input_model = opt.input_model;
  auto task = read_confined(opt.task, root);
  if (!task) return fail(task.error(), opt.json);
  sub.task = *task;
  auto input_text = read_confined(opt.input, root);
  if (!input_text) return fail(input_text.error(), opt.json);
  sub.input_json = *input_text;
  auto intake = engine::intake(sub);
  if (!intake) return fail(intake.error(), opt.json);

  engine::Job job;
  job.intake = std::move(*intake);
  job.settings = opt.settings;
  if (!opt.rules.empty()) {
    auto confined = gate::confine(opt.rules, root, kWidenRoot);
    if (!confined) return fail(confined.error(), opt.json);
    job.rules_path = std::filesystem::absolute(*confined).string();
  }
  return run_job(opt, log, std::move(job));
}

}  // namespace

engine::ServiceOptions service_options(const std::string& nu, const std::string& llm, const std::string& llm_model) {
  engine::ServiceOptions so;
  so.data_dir = data_dir();
  so.nu = nu;
  so.llm.spec = llm;
  so.llm.model = llm_model;
  return so;
}

int run_job(const RunOptions& opt, Logger& log, engine::Job job) {
  // Usage mistakes are reported before nu, the LLM or the sandbox are looked for.
  if (job.intake.verdict.accept)
    if (auto s = job.settings.check(); !s) return fail(s.error(), opt.json);
  engine::ServiceOptions so = service_options(opt.nu, opt.llm, opt.llm_model);
  so.strict_budget = opt.strict_budget;
  auto service = engine::Service::open(so, log);
  if (!service) return fail(service.error(), opt.json);

  // Ctrl-C or SIGTERM ends the execution as KILLED, recorded, instead of
  // leaving it half-written for `bitter resume`.
  auto cancel = CancelToken::make();
  SignalCancel on_signal(cancel);
  const bool rejected = !job.intake.verdict.accept;
  const nlohmann::json verdict = job.intake.verdict.to_json();
  auto outcome = (*service)->run(std::move(job), cancel);
  if (!outcome) return fail(outcome.error(), opt.json);

  if (opt.json) {
    auto j = outcome_json(*outcome);
    if (rejected) j["input_gate"] = verdict;
    print_json(j);
  } else {
    print_human(*outcome);
  }
  if (outcome->state == store::State::SUCCESS) return kExitOk;
  if (outcome->stopped_by) {
    if (!opt.json) std::fprintf(stderr, "bitter: error: %s\n", outcome->stopped_by->message.c_str());
    return exit_code_for(*outcome->stopped_by);
  }
  if (!opt.json) std::fprintf(stderr, "\n%s\n", outcome->escalation.c_str());
  return kExitFailed;
}

Handler add_run(CLI::App& app) {
  auto opt = std::make_shared<RunOptions>();
  app.add_option("contract", opt->contract, "Data contract (Data Contract Specification YAML)")
      ->required();
  app.add_option("--task", opt->task, "What the tool should do, in plain words (or @FILE)")
      ->required();
  app.add_option("--input", opt->input, "Input JSON for the tool, or @FILE (default {})");
  app.add_option("--model", opt->model, "Output model of the contract (default: the only one)");
  app.add_option("--input-model", opt->input_model,
                 "Model the input must satisfy (default: the model named *Input, if any)");
  app.add_option("--max-attempts", opt->settings.max_attempts, "Attempts before escalating (default 3)");
  app.add_option("--speculate", opt->settings.speculate,
                 "Candidates per attempt, generated and checked in parallel with different approaches; "
                 "the first that passes wins, the rest are cancelled (default 1, at most 8)");
  app.add_option("--llm", opt->llm,
                 "LLM provider: openai (OPENAI_BASE_URL, OPENAI_API_KEY) or replay:FILE; "
                 "default $BITTER_LLM");
  app.add_option("--llm-model", opt->llm_model, "Model name for the provider (or $BITTER_LLM_MODEL)");
  app.add_option("--nu", opt->nu, "Path to the nu binary (else $BITTER_NU, next to bitter, PATH)");
  app.add_option("--timeout", opt->settings.timeout_s,
                 "Wall-clock limit in seconds for each run of the generated tool (default 10)");
  app.add_option("--deadline", opt->settings.deadline_s,
                 "Wall-clock limit in seconds for the whole execution, all attempts (default 1800)");
  app.add_option("--generate-timeout", opt->settings.generate_s,
                 "Limit in seconds for one LLM answer, retries included (default 300)");
  app.add_flag("--no-cache", opt->settings.no_cache,
               "Always ask the LLM: do not reuse a validated tool for the same contract, task and LLM");
  app.add_flag("--strict-budget", opt->strict_budget,
               "Refuse to start when the stage budgets times the attempts exceed --deadline");
  app.add_option("--memory", opt->settings.memory_mb,
                 "Address-space limit in MB for each run of the generated tool (default 1024)");
  app.add_flag("--unsafe-no-sandbox", opt->settings.unsafe,
               "Run generated tools without isolation (logs a warning on every run)");
  app.add_flag("--json", opt->json, "Print the result as one JSON object");
  app.add_flag("--keep", opt->settings.keep, "Keep the workspaces even when the tool is accepted");
  app.add_option("--log-file", opt->log_file, "Append JSON log lines to this file");
  app.add_flag("-q,--quiet", opt->quiet, "No progress or log lines on stderr");
  app.add_option("--root", opt->root,
                 "Contract and @FILE paths must lie under this directory (default $BITTER_ROOT, "
                 "else the working directory)");
  app.add_option("--rules", opt->rules, "YAML rule file for the code gate (add, disable, override)");
  return [opt] { return run(*opt); };
}

}  // namespace bt::cli
