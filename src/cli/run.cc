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
  auto contract_path = gate::confine(opt.contract, root);
  if (!contract_path) return fail(contract_path.error(), opt.json);
  auto contract = contract::load_file(*contract_path);
  if (!contract) return fail(contract.error(), opt.json);
  // A contract that loads can still be unusable (an unknown format, a
  // contradiction): the loop would burn LLM calls on it, so lint first.
  if (const auto lint = contract::lint_file(*contract_path, {}); !lint.valid)
    return fail(input_error("the contract has problems; fix them first (`bitter lint " + opt.contract +
                            "`):\n" + contract::to_text(lint)),
                opt.json);
  auto input_model = contract::pick_input_model(*contract, opt.input_model);
  if (!input_model) return fail(input_model.error(), opt.json);
  auto model = contract::pick_model(*contract, opt.model, *input_model);
  if (!model) return fail(model.error(), opt.json);
  auto task = read_confined(opt.task, root);
  if (!task) return fail(task.error(), opt.json);
  if (task->find_first_not_of(" \t\r\n") == std::string::npos)
    return fail(usage_error("--task is empty: say in plain words what the tool should do"),
                opt.json);
  auto task_verdict = gate::check_task(*task);
  if (!task_verdict) return fail(task_verdict.error(), opt.json);
  *task = task_verdict->text;  // cleaned: controls and invisibles removed, NFKC
  auto input_text = read_confined(opt.input, root);
  if (!input_text) return fail(input_text.error(), opt.json);
  auto parsed_input = gate::check_input_json(*input_text);
  if (!parsed_input) return fail(parsed_input.error(), opt.json);
  auto input = std::move(*parsed_input);
  if (*input_model) {
    auto report = contract::validate(**input_model, input);
    if (!report.ok())
      return fail(input_error("--input does not satisfy the contract's input model " +
                              (*input_model)->name + ":\n" + contract::to_text(report)),
                  opt.json);
  }
  if (!task_verdict->accept)
    return reject_task(opt.contract, *contract, **model, *task, input, *task_verdict, opt.json);
  std::string rules_path;
  if (!opt.rules.empty()) {
    auto confined = gate::confine(opt.rules, root);
    if (!confined) return fail(confined.error(), opt.json);
    rules_path = std::filesystem::absolute(*confined).string();
  }
  Prepared p;
  p.contract = &*contract;
  p.model = *model;
  p.contract_path = std::filesystem::absolute(*contract_path).string();
  p.task = *task;
  p.input = std::move(input);
  p.input_gate = task_verdict->to_json();
  p.rules_path = rules_path;
  return execute(opt, log, p);
}

}  // namespace

int execute(const RunOptions& opt, Logger& log, Prepared& p) {
  auto scan_rules = std::make_shared<gate::RuleSet>(gate::RuleSet::builtin());
  if (!p.rules_path.empty())
    if (auto s = scan_rules->apply_file(p.rules_path); !s) return fail(s.error(), opt.json);
  if (opt.max_attempts < 1 || opt.max_attempts > 100)
    return fail(usage_error("--max-attempts must be between 1 and 100"), opt.json);
  if (opt.speculate < 1 || opt.speculate > 8)
    return fail(usage_error("--speculate must be between 1 and 8"), opt.json);
  // Seconds as the user wrote them; NaN, infinity and values that would
  // round to "no limit" or overflow are refused before any LLM call.
  auto seconds = [&](const char* flag, double v, double min, double max) -> Status {
    if (!(v >= min && v <= max))
      return usage_error(fmt::format("{} must be a number of seconds from {} to {}, got {}", flag, min, max, v));
    return {};
  };
  for (auto st : {seconds("--timeout", opt.timeout_s, 0.01, 86'400), seconds("--deadline", opt.deadline_s, 0.01, 604'800),
                  seconds("--generate-timeout", opt.generate_s, 0.01, 86'400)})
    if (!st) return fail(st.error(), opt.json);
  if (opt.memory_mb < 64 || opt.memory_mb > (uint64_t{1} << 22))
    return fail(usage_error(fmt::format("--memory must be from 64 MB (nu itself needs about that) to 4194304 MB, got {}",
                                        opt.memory_mb)),
                opt.json);
  auto resilience = engine::resilience_from_env();
  if (!resilience) return fail(resilience.error(), opt.json);

  auto nu = sandbox::find_nu(opt.nu);
  if (!nu.found) {
    std::string looked;
    for (const auto& l : nu.looked) looked += "\n  " + l;
    return fail(infra_error("nu (Nushell) not found; looked at:" + looked +
                            "\nInstall it with the README's set-up command, or pass --nu PATH"),
                opt.json);
  }

  llm::ProviderConfig pc;
  pc.spec = opt.llm;
  pc.model = opt.llm_model;
  auto provider = llm::make_provider(pc);
  if (!provider) return fail(provider.error(), opt.json);

  if (opt.unsafe) {
    log.warn("--unsafe-no-sandbox: generated tools run with bitter's privileges, network and "
             "files");
  } else if (auto probe = sandbox::probe_sandbox(); !probe.usable) {
    std::string why;
    for (const auto& n : probe.notes) why += "\n  " + n;
    return fail(infra_error("the sandbox is not available here, so generated code will not run:" +
                            why + "\nSee `bitter doctor`; --unsafe-no-sandbox runs it anyway, "
                                  "unisolated"),
                opt.json);
  }

  const auto data = data_dir();
  // Old failed workspaces go first; then make sure this execution fits.
  (void)sandbox::sweep_workspaces(data, sandbox::workspace_retention());
  if (auto s = sandbox::check_free_space(data, sandbox::min_free_bytes()); !s)
    return fail(s.error(), opt.json);
  auto journal = store::Journal::open(data / "journal.db");
  if (!journal) return fail(journal.error(), opt.json);
  if (auto orphans = (*journal)->fail_interrupted(); orphans && !orphans->empty())
    log.warn(fmt::format("{} execution(s) interrupted by a bitter process that ended marked FAILED", orphans->size()));

  engine::LoopConfig config;
  config.data_dir = data;
  config.nu = *nu.found;
  config.max_attempts = opt.max_attempts;
  config.speculate = opt.speculate;
  config.tool_timeout = std::chrono::milliseconds(static_cast<long long>(opt.timeout_s * 1000));
  config.keep_workspace = opt.keep;
  config.scan_rules = scan_rules;
  config.isolate = !opt.unsafe;
  config.memory_mb = opt.memory_mb;
  config.deadline = std::chrono::milliseconds(static_cast<long long>(opt.deadline_s * 1000));
  config.generate_budget = std::chrono::milliseconds(static_cast<long long>(opt.generate_s * 1000));
  config.retry = resilience->retry;
  // Budgets that cannot all be used: say so before the first request.
  if (const auto worst = engine::worst_case(config); worst > config.deadline) {
    const std::string why = fmt::format(
        "{} attempts at their stage budgets (generate {} s + syntax {} s + tool {} s) may take {} s, "
        "more than the --deadline of {} s",
        config.max_attempts, config.generate_budget.count() / 1000.0, config.syntax_timeout.count() / 1000.0,
        config.tool_timeout.count() / 1000.0, worst.count() / 1000.0, config.deadline.count() / 1000.0);
    if (opt.strict_budget)
      return fail(usage_error(why + "; refusing to start (--strict-budget): raise --deadline or lower the budgets"),
                  opt.json);
    log.warn(why + "; the deadline wins");
  }
  // One breaker per endpoint, its state in the journal, so every bitter
  // process using this data dir agrees on whether the server is down.
  engine::JournalBreakerStore breaker_store(**journal);
  llm::CircuitBreaker breaker((*provider)->endpoint(), resilience->breaker, breaker_store, system_clock(),
                              [&log](const std::string& from, const std::string& to, const llm::BreakerState& s) {
                                log.warn(fmt::format("circuit breaker for {}: {} -> {} ({} consecutive failures)",
                                                     "the LLM endpoint", from, to, s.failures));
                              });
  config.breaker = &breaker;
  if (!opt.no_cache) {
    auto version = sandbox::nu_version(*nu.found);
    engine::CacheKeyInput key{p.contract, p.model->name, p.task, "nu " + (version ? *version : std::string("?")),
                              (*provider)->describe(), llm::kPromptVersion};
    config.cache_key = engine::cache_key(key);
  }

  engine::LoopInput in;
  in.contract = p.contract;
  in.model = p.model;
  in.contract_label = opt.contract;
  in.task = p.task;
  in.input = p.input;
  in.provider_label = (*provider)->describe();
  in.input_gate = p.input_gate;
  in.resume = p.resume;
  // What `bitter resume` needs: where everything came from and how it was
  // configured. Secrets stay in the environment.
  const nlohmann::json resume = {{"contract_path", p.contract_path}, {"contract_text", p.contract->text},
                    {"contract_label", opt.contract}, {"model", p.model->name}, {"llm", opt.llm},
                    {"llm_model", opt.llm_model}, {"nu", opt.nu}, {"rules_path", p.rules_path},
                    {"max_attempts", opt.max_attempts}, {"speculate", opt.speculate}, {"timeout_s", opt.timeout_s},
                    {"deadline_s", opt.deadline_s}, {"generate_s", opt.generate_s}, {"memory_mb", opt.memory_mb},
                    {"unsafe", opt.unsafe}, {"keep", opt.keep}, {"no_cache", opt.no_cache}};
  in.resume_json = resume.dump();

  // Ctrl-C or SIGTERM ends the execution as KILLED, recorded, instead of
  // leaving it half-written for `bitter resume`.
  config.cancel = CancelToken::make();
  SignalCancel on_signal(config.cancel);
  auto outcome = engine::run_loop(config, in, **provider, **journal, log);
  if (!outcome) return fail(outcome.error(), opt.json);

  if (opt.json) {
    print_json(outcome_json(*outcome));
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
  app.add_option("--max-attempts", opt->max_attempts, "Attempts before escalating (default 3)");
  app.add_option("--speculate", opt->speculate,
                 "Candidates per attempt, generated and checked in parallel with different approaches; "
                 "the first that passes wins, the rest are cancelled (default 1, at most 8)");
  app.add_option("--llm", opt->llm,
                 "LLM provider: openai (OPENAI_BASE_URL, OPENAI_API_KEY) or replay:FILE; "
                 "default $BITTER_LLM");
  app.add_option("--llm-model", opt->llm_model, "Model name for the provider (or $BITTER_LLM_MODEL)");
  app.add_option("--nu", opt->nu, "Path to the nu binary (else $BITTER_NU, next to bitter, PATH)");
  app.add_option("--timeout", opt->timeout_s,
                 "Wall-clock limit in seconds for each run of the generated tool (default 10)");
  app.add_option("--deadline", opt->deadline_s,
                 "Wall-clock limit in seconds for the whole execution, all attempts (default 1800)");
  app.add_option("--generate-timeout", opt->generate_s,
                 "Limit in seconds for one LLM answer, retries included (default 300)");
  app.add_flag("--no-cache", opt->no_cache,
               "Always ask the LLM: do not reuse a validated tool for the same contract, task and LLM");
  app.add_flag("--strict-budget", opt->strict_budget,
               "Refuse to start when the stage budgets times the attempts exceed --deadline");
  app.add_option("--memory", opt->memory_mb,
                 "Address-space limit in MB for each run of the generated tool (default 1024)");
  app.add_flag("--unsafe-no-sandbox", opt->unsafe,
               "Run generated tools without isolation (logs a warning on every run)");
  app.add_flag("--json", opt->json, "Print the result as one JSON object");
  app.add_flag("--keep", opt->keep, "Keep the workspaces even when the tool is accepted");
  app.add_option("--log-file", opt->log_file, "Append JSON log lines to this file");
  app.add_flag("-q,--quiet", opt->quiet, "No progress or log lines on stderr");
  app.add_option("--root", opt->root,
                 "Contract and @FILE paths must lie under this directory (default $BITTER_ROOT, "
                 "else the working directory)");
  app.add_option("--rules", opt->rules, "YAML rule file for the code gate (add, disable, override)");
  return [opt] { return run(*opt); };
}

}  // namespace bt::cli
