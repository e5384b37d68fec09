#include "engine/candidate.h"

#include <algorithm>
#include <future>
#include <random>

#include <fmt/format.h>

#include "contract/validate.h"
#include "gate/scan.h"
#include "gate/syntax.h"
#include "llm/extract.h"
#include "llm/prompt.h"
#include "llm/retry.h"
#include "sandbox/process.h"
#include "sandbox/runtime.h"
#include "util/files.h"
#include "util/json_depth.h"

namespace bt::engine::detail {
namespace {

namespace fs = std::filesystem;

// Pipeline positions, for CandidateResult::reached.
enum Reached { kAtGenerate = 1, kAtExtract, kAtSyntax, kAtScan, kAtExecute, kAtOutput, kAtValidate };

CandidateResult failed(Failure f, int reached) {
  CandidateResult r;
  r.failure = std::move(f);
  r.reached = reached;
  return r;
}

CandidateResult stopped(Error e, const std::string& stage, int reached) {
  CandidateResult r;
  r.failure = Failure{stage, e.message, {}, {}, {}, {}};
  r.stopped_by = std::move(e);
  r.reached = reached;
  return r;
}

// The execution's deadline passed during `stage_name`: recorded, not fed back.
CandidateResult deadline_passed(Context& ctx, int k, int c, const std::string& stage_name, int reached) {
  const std::string why = fmt::format("deadline: the execution's deadline of {} s passed during {}",
                                      ctx.config.deadline.count() / 1000.0, stage_name);
  ctx.stage(k, c, kDeadline, false, SteadyClock::now(), {{"summary", why}, {"stage", stage_name}});
  return stopped(semantic_error(why), kDeadline, reached);
}

// Cancelled (a kill, or another candidate passed first): recorded so the
// journal says why this candidate stopped, then nothing more.
CandidateResult cancelled(Context& ctx, int k, int c, const CancelToken* cancel, const std::string& stage_name,
                          int reached) {
  const std::string why = cancel->reason();
  ctx.stage(k, c, "cancelled", false, SteadyClock::now(),
            {{"summary", fmt::format("cancelled during {}: {}", stage_name, why)}, {"stage", stage_name}});
  return stopped(cancelled_error(why), stage_name, reached);
}

bool is_cancelled(const CancelToken* t) { return t && t->cancelled(); }

std::string execute_failure_text(const sandbox::ProcessResult& run, std::chrono::milliseconds tool_timeout) {
  if (run.timed_out)
    return fmt::format("the tool did not finish within {} ms and was killed; it must read stdin once, print "
                       "one JSON document and exit",
                       tool_timeout.count());
  if (!run.limit_hit.empty())
    return fmt::format("{} ({}); it must stay within the sandbox limits", run.limit_description(),
                       run.term_signal != 0 ? "killed by " + sandbox::signal_name(run.term_signal)
                                            : fmt::format("exit {}", run.exit_code));
  return fmt::format("the tool ended with {} (it must exit 0)", run.describe());
}

CandidateResult extract(Context& ctx, int k, int c, CandidateResult r) {
  const auto t0 = SteadyClock::now();
  ctx.hold_for_test(k, c, kExtract);
  auto ex = llm::extract_code(r.llm_text);
  ctx.stage(k, c, kExtract, ex.found, t0,
            {{"summary", ex.found ? fmt::format("{} lines of code", std::count(ex.code.begin(), ex.code.end(), '\n'))
                                  : ex.why}});
  r.reached = kAtExtract;
  if (!ex.found) {
    r.failure = Failure{kExtract, ex.why, {}, {}, {}, {}};
    return r;
  }
  r.code = ex.code;
  return r;
}

CandidateResult generate(Context& ctx, const CandidateTask& t) {
  const int k = t.attempt, c = t.candidate;
  CandidateResult r;
  r.reached = kAtGenerate;
  if (!t.recorded_answer.empty()) {
    // The answer arrived before the interruption: it is not bought twice.
    r.llm_text = t.recorded_answer;
    ctx.stage(k, c, kGenerate, true, SteadyClock::now(),
              {{"summary", fmt::format("{} chars recorded before the interruption; not requested again",
                                       r.llm_text.size())},
               {"resumed", true}});
    return extract(ctx, k, c, std::move(r));
  }

  llm::PromptInput p;
  p.task = ctx.in.task;
  p.contract_yaml = ctx.in.contract->text;
  p.model_name = ctx.in.model->name;
  p.json_schema = ctx.schema_text;
  p.input_example = ctx.in.input.dump(2);
  p.attempt = k;
  p.max_attempts = ctx.config.max_attempts;
  p.previous_code = t.previous_code;
  p.feedback = t.previous_feedback;
  p.strategy_hint = llm::strategy_hint(c);
  llm::Request request;
  request.messages = llm::build_prompt(p);
  request.cancel = t.cancel;
  if (t.candidates > 1) {
    // Candidates differ by approach, temperature and seed, so they do not
    // all make the same mistake.
    request.temperature = std::min(1.0, request.temperature + 0.2 * c);
    request.seed = 1000 * k + c;
  }
  if (ctx.has_deadline()) request.timeout = std::min(ctx.config.generate_budget, ctx.left());
  llm::RetryingProvider retrying(
      ctx.provider, ctx.config.retry, *ctx.clock, std::random_device{}(), ctx.config.breaker,
      [&](const llm::RetryEvent& e) {
        ctx.stage(k, c, kLlmRetry, false, SteadyClock::now(),
                  {{"summary", fmt::format("transient LLM fault, retry {} of {} in {} ms: {}", e.retry,
                                           ctx.config.retry.max_retries, e.delay.count(), e.error.message)},
                   {"retry", e.retry},
                   {"delay_ms", e.delay.count()},
                   {"error", e.error.message}});
      });

  const auto t0 = SteadyClock::now();
  auto answer = retrying.complete(request);
  if (!answer && is_cancelled(t.cancel)) return cancelled(ctx, k, c, t.cancel, kGenerate, kAtGenerate);
  if (!answer && ctx.past_deadline()) return deadline_passed(ctx, k, c, kGenerate, kAtGenerate);
  if (!answer) {
    ctx.stage(k, c, kGenerate, false, t0, {{"summary", answer.error().message}, {"provider", ctx.provider.describe()}});
    return stopped(answer.error(), kGenerate, kAtGenerate);
  }
  r.llm_text = answer->text;
  // Written before anything else happens: a crash after this must not lose
  // what was paid for. The generate stage holds each candidate's text; the
  // attempt row keeps candidate 0's, for resume.
  nlohmann::json detail = {
      {"summary", fmt::format("{} chars, finish_reason {}", answer->text.size(), answer->finish_reason)},
      {"finish_reason", answer->finish_reason},
      {"prompt_tokens", answer->prompt_tokens},
      {"completion_tokens", answer->completion_tokens},
      {"text", answer->text}};
  if (c != 0)
    ctx.stage(k, c, kGenerate, !answer->truncated(), t0, std::move(detail));
  else if (auto s = ctx.answer_stage(k, !answer->truncated(), t0, std::move(detail), answer->text); !s)
    return stopped(s.error(), kGenerate, kAtGenerate);
  // The disk makes it durable while extract, the syntax check and the scan
  // go on; the tool does not run before it is (check_and_run waits).
  r.answer_durable = ctx.journal.sync_checkpoint_async();
  if (answer->truncated()) {
    r.failure = Failure{kGenerate, "your answer was cut off (finish_reason \"length\") before it was complete",
                        "Write a shorter tool: one fenced ```nu block, no explanation around it.", {}, {}, {}};
    return r;
  }
  return extract(ctx, k, c, std::move(r));
}

}  // namespace

CandidateResult check_and_run(Context& ctx, int k, int c, const fs::path& workspace, const std::string& code,
                              const CancelToken* cancel, std::future<Status>* answer_durable) {
  const LoopConfig& config = ctx.config;
  const fs::path tool = workspace / "tool.nu";
  if (auto s = write_new_file(tool, code); !s) return stopped(s.error(), kExecute, kAtSyntax);

  // The tool's sandbox, for its parse as for its run.
  std::optional<sandbox::Isolation> iso;
  if (config.isolate) {
    iso.emplace();
    iso->workspace = workspace.string();
    iso->ro_paths = {config.nu.string()};
    iso->limits.memory_bytes = config.memory_mb << 20;
    iso->limits.cpu_seconds = config.cpu_seconds;
    iso->limits.nproc = config.nproc;
    iso->limits.nofile = config.nofile;
    iso->limits.fsize_bytes = config.fsize_mb << 20;
  }

  auto t0 = SteadyClock::now();
  if (ctx.past_deadline()) return deadline_passed(ctx, k, c, kSyntax, kAtSyntax);
  if (is_cancelled(cancel)) return cancelled(ctx, k, c, cancel, kSyntax, kAtSyntax);
  auto syntax = gate::check_nu_syntax(config.nu, tool, std::min(config.syntax_timeout, ctx.left()),
                                      iso ? &*iso : nullptr);
  if (ctx.past_deadline()) return deadline_passed(ctx, k, c, kSyntax, kAtSyntax);
  if (!syntax) {
    ctx.stage(k, c, kSyntax, false, t0, {{"summary", syntax.error().message}});
    return stopped(syntax.error(), kSyntax, kAtSyntax);
  }
  const std::string syntax_text = syntax->to_text();
  ctx.stage(k, c, kSyntax, syntax->ok(), t0,
            {{"summary", syntax->ok() ? "parses" : fmt::format("{} syntax errors", syntax->issues.size())},
             {"errors", syntax_text}});
  if (!syntax->ok())
    return failed(Failure{kSyntax, "nu could not parse the tool", "Parse errors:\n" + syntax_text, {}, {}, {}},
                  kAtSyntax);

  // Code gate: a blocked tool never runs; it is quarantined and the findings
  // go back to the LLM. Warnings are recorded and shown.
  t0 = SteadyClock::now();
  ctx.hold_for_test(k, c, kScan);
  static const gate::RuleSet kBuiltinRules = gate::RuleSet::builtin();
  const auto scanned = gate::scan(code, gate::Runtime::nu, config.scan_rules ? *config.scan_rules : kBuiltinRules);
  nlohmann::json scan_detail = scanned.to_json();
  scan_detail["summary"] = fmt::format("{} ({} finding(s))", scanned.verdict(), scanned.findings.size());
  if (scanned.blocked()) {
    auto q = gate::quarantine(config.data_dir, ctx.execution_id, k, c, tool, scanned);
    scan_detail["quarantine"] = q ? q->string() : q.error().message;
  }
  ctx.stage(k, c, kScan, !scanned.blocked(), t0, scan_detail);
  if (scanned.blocked())
    return failed(Failure{kScan, "the tool breaks code-gate rules and was not run",
                          "Findings (rule: reason; fix hint):\n" + scanned.feedback(), {}, {}, {}},
                  kAtScan);

  sandbox::ProcessSpec spec;
  spec.argv = {config.nu.string(), "--no-config-file", "--stdin", tool.string()};
  spec.cwd = workspace.string();
  spec.env = sandbox::minimal_env(workspace);
  spec.stdin_data = ctx.in.input.dump();
  spec.cancel = cancel;
  if (ctx.past_deadline()) return deadline_passed(ctx, k, c, kExecute, kAtExecute);
  if (is_cancelled(cancel)) return cancelled(ctx, k, c, cancel, kExecute, kAtExecute);
  const bool deadline_bound = ctx.left() < config.tool_timeout;
  spec.timeout = std::min(config.tool_timeout, ctx.left());
  spec.stdout_cap = config.stdout_cap;
  spec.stderr_cap = config.stderr_cap;
  if (iso) spec.isolation = *iso;
  if (answer_durable && answer_durable->valid())
    if (auto s = answer_durable->get(); !s) return stopped(s.error(), kExecute, kAtExecute);
  t0 = SteadyClock::now();
  auto run = sandbox::run_process(spec);
  if (!run) {
    ctx.stage(k, c, kExecute, false, t0, {{"summary", run.error().message}});
    return stopped(run.error(), kExecute, kAtExecute);
  }
  if (run->cancelled) return cancelled(ctx, k, c, cancel, kExecute, kAtExecute);
  // Killed because the execution ran out of time, not because the tool is slow.
  if (run->timed_out && deadline_bound) return deadline_passed(ctx, k, c, kExecute, kAtExecute);
  const bool ran_ok = !run->timed_out && run->term_signal == 0 && run->exit_code == 0;
  ctx.stage(k, c, kExecute, ran_ok, t0,
            {{"summary", run->describe()},
             {"exit_code", run->exit_code},
             {"signal", run->term_signal},
             {"timed_out", run->timed_out},
             {"limit_hit", run->limit_hit},
             {"isolated", run->isolated},
             {"stdout", excerpt(run->out, 64 << 10)},
             {"stderr", excerpt(run->err, 16 << 10)},
             {"stdout_truncated", run->stdout_truncated},
             {"cpu_us", run->cpu.count()},
             {"max_rss_kb", run->max_rss_kb}});
  if (!ran_ok)
    return failed(Failure{kExecute, execute_failure_text(*run, config.tool_timeout), {}, run->out, run->err, {}},
                  kAtExecute);

  t0 = SteadyClock::now();
  ctx.hold_for_test(k, c, kOutput);
  if (run->stdout_truncated) {
    ctx.stage(k, c, kOutput, false, t0, {{"summary", "stdout exceeded the cap"}});
    return failed(Failure{kOutput,
                          fmt::format("the tool printed more than {} bytes; print only the one JSON document the "
                                      "contract describes",
                                      config.stdout_cap),
                          {}, run->out, run->err, {}},
                  kAtOutput);
  }
  if (nests_too_deep(run->out)) {
    const std::string why = fmt::format("stdout nests deeper than {} levels; print the flat document the contract "
                                        "describes",
                                        kMaxJsonDepth);
    ctx.stage(k, c, kOutput, false, t0, {{"summary", why}});
    return failed(Failure{kOutput, why, {}, excerpt(run->out, 4096), run->err, {}}, kAtOutput);
  }
  auto doc = nlohmann::json::parse(run->out, nullptr, false);
  if (doc.is_discarded()) {
    const bool empty = run->out.find_first_not_of(" \t\r\n") == std::string::npos;
    const std::string why = empty ? "the tool printed nothing on stdout; it must print one JSON document (e.g. "
                                    "`$result | to json -r`)"
                                  : "stdout is not one JSON document; print only the JSON (use `to json -r`), and "
                                    "diagnostics with `print -e`";
    ctx.stage(k, c, kOutput, false, t0, {{"summary", why}});
    return failed(Failure{kOutput, why, {}, run->out, run->err, {}}, kAtOutput);
  }
  ctx.stage(k, c, kOutput, true, t0, {{"summary", "one JSON document"}});

  t0 = SteadyClock::now();
  ctx.hold_for_test(k, c, kValidate);
  auto report = contract::validate(*ctx.in.model, doc);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : report.violations) list.push_back(contract::to_json(v));
  ctx.stage(k, c, kValidate, report.ok(), t0,
            {{"summary", report.ok() ? "output satisfies the contract"
                                     : fmt::format("{} contract violations", report.violations.size() + report.omitted)},
             {"violations", list},
             {"omitted", report.omitted}});
  if (!report.ok())
    return failed(Failure{kValidate, fmt::format("the output does not satisfy the contract (model {})", ctx.in.model->name),
                          "Contract violations:\n" + contract::to_text(report), run->out, run->err,
                          report.violations},
                  kAtValidate);
  CandidateResult r;
  r.reached = kAtValidate;
  r.output = std::move(doc);
  r.output_text = run->out;
  return r;
}

CandidateResult run_candidate(Context& ctx, const CandidateTask& t) {
  CandidateResult r = generate(ctx, t);
  if (r.failure || r.stopped_by) return r;
  CandidateResult checked =
      check_and_run(ctx, t.attempt, t.candidate, t.workspace, r.code, t.cancel, &r.answer_durable);
  checked.llm_text = std::move(r.llm_text);
  checked.code = std::move(r.code);
  return checked;
}

}  // namespace bt::engine::detail
