#include "engine/loop.h"

#include <algorithm>

#include <fmt/format.h>

#include "contract/schema.h"
#include "contract/validate.h"
#include "gate/scan.h"
#include "gate/syntax.h"
#include "llm/extract.h"
#include "llm/prompt.h"
#include "sandbox/process.h"
#include "sandbox/runtime.h"
#include "sandbox/workspace.h"
#include "util/files.h"
#include "util/ids.h"
#include "llm/retry.h"

namespace bt::engine {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// One execution in flight: the state the attempts share.
class Execution {
 public:
  Execution(const LoopConfig& config, const LoopInput& input, llm::Provider& provider,
            store::Journal& journal, Logger& log)
      : config_(config), in_(input), provider_(provider), journal_(journal), log_(log) {
    out_.execution_id = in_.resume ? in_.resume->execution_id : new_execution_id();
    out_.trace_id = in_.resume ? in_.resume->trace_id : new_trace_id();
    if (in_.resume) {
      previous_code_ = in_.resume->previous_code;
      previous_feedback_ = in_.resume->previous_feedback;
    }
    out_.max_attempts = config_.max_attempts;
    schema_text_ = contract::to_json_schema(*in_.model).dump(2);
    clock_ = config_.clock ? config_.clock : &system_clock();
    if (config_.deadline.count() > 0) deadline_ = clock_->now() + config_.deadline;
  }

  Result<Outcome> run();

 private:
  // Runs attempt k. Returns the failure, or nullopt when the tool passed.
  // Sets out_.stopped_by when an infra/usage error ends the loop.
  std::optional<Failure> attempt(int k, const fs::path& workspace, store::AttemptRow& row);
  std::optional<Failure> generate(int k, store::AttemptRow& row);
  std::optional<Failure> extract(int k, store::AttemptRow& row);
  std::optional<Failure> check_and_run(int k, const fs::path& workspace, const std::string& code);
  Status stage(int k, const std::string& name, bool ok, Clock::time_point started,
               nlohmann::json detail = nlohmann::json::object());
  nlohmann::json fields(int k, const std::string& stage_name) const;
  Status accept(const std::string& code);
  // Tries the cached tool for this key, if any. True if it passed here.
  bool try_cache();
  // Time left before the deadline (a large value when there is none).
  std::chrono::milliseconds left() const;
  bool past_deadline() const { return deadline_ && left().count() <= 0; }
  // Ends the execution: the deadline passed during `stage_name`.
  Failure deadline_failure(int k, const std::string& stage_name);

  const LoopConfig& config_;
  const LoopInput& in_;
  llm::Provider& provider_;
  store::Journal& journal_;
  Logger& log_;
  Outcome out_;
  std::string schema_text_;
  std::string previous_code_, previous_feedback_;
  nlohmann::json output_;
  bt::Clock* clock_ = nullptr;
  std::optional<bt::Clock::TimePoint> deadline_;
};

std::chrono::milliseconds Execution::left() const {
  if (!deadline_) return std::chrono::hours(24 * 365);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - clock_->now());
}

Failure Execution::deadline_failure(int k, const std::string& stage_name) {
  const std::string why = fmt::format("deadline: the execution's deadline of {} s passed during {}",
                                      config_.deadline.count() / 1000.0, stage_name);
  out_.stopped_by = semantic_error(why);
  (void)stage(k, kDeadline, false, Clock::now(), {{"summary", why}, {"stage", stage_name}});
  return Failure{kDeadline, why, {}, {}, {}, {}};
}

nlohmann::json Execution::fields(int k, const std::string& stage_name) const {
  nlohmann::json f = {{"trace_id", out_.trace_id}, {"execution_id", out_.execution_id}};
  if (k > 0) {
    f["attempt"] = k;
    f["max_attempts"] = config_.max_attempts;
  }
  if (!stage_name.empty()) f["stage"] = stage_name;
  return f;
}

Status Execution::stage(int k, const std::string& name, bool ok, Clock::time_point started,
                        nlohmann::json detail) {
  const long long ms = ms_since(started);
  auto f = fields(k, name);
  f["duration_ms"] = ms;
  f["ok"] = ok;
  log_.log(ok ? LogLevel::info : LogLevel::warn,
           fmt::format("{}: {}", name, detail.value("summary", ok ? "ok" : "failed")), f);
  return journal_.add_stage(out_.execution_id, {k, name, ok, ms, std::move(detail), ""});
}

std::optional<Failure> Execution::generate(int k, store::AttemptRow& row) {
  llm::PromptInput p;
  p.task = in_.task;
  p.contract_yaml = in_.contract->text;
  p.model_name = in_.model->name;
  p.json_schema = schema_text_;
  p.input_example = in_.input.dump(2);
  p.attempt = k;
  p.max_attempts = config_.max_attempts;
  p.previous_code = previous_code_;
  p.feedback = previous_feedback_;
  llm::Request request;
  request.messages = llm::build_prompt(p);

  if (in_.resume && k == in_.resume->next_attempt && !in_.resume->recorded_answer.empty()) {
    // The answer arrived before the interruption: it is not bought twice.
    row.llm_text = in_.resume->recorded_answer;
    (void)stage(k, kGenerate, true, Clock::now(),
                {{"summary", fmt::format("{} chars recorded before the interruption; not requested again",
                                         row.llm_text.size())},
                 {"resumed", true}});
    return extract(k, row);
  }
  if (deadline_) request.timeout = std::min(config_.generate_budget, left());
  llm::RetryingProvider retrying(
      provider_, config_.retry, *clock_, std::random_device{}(), config_.breaker, [&](const llm::RetryEvent& e) {
        (void)stage(k, kLlmRetry, false, Clock::now(),
                    {{"summary", fmt::format("transient LLM fault, retry {} of {} in {} ms: {}", e.retry,
                                             config_.retry.max_retries, e.delay.count(), e.error.message)},
                     {"retry", e.retry},
                     {"delay_ms", e.delay.count()},
                     {"error", e.error.message}});
      });

  const auto t0 = Clock::now();
  auto answer = retrying.complete(request);
  if (!answer && past_deadline()) return deadline_failure(k, kGenerate);
  if (!answer) {
    out_.stopped_by = answer.error();
    (void)stage(k, kGenerate, false, t0,
                {{"summary", answer.error().message}, {"provider", provider_.describe()}});
    return Failure{kGenerate, answer.error().message, {}, {}, {}, {}};
  }
  row.llm_text = answer->text;
  if (auto s = journal_.record_answer(out_.execution_id, k, answer->text); !s) {
    out_.stopped_by = s.error();
    return Failure{kGenerate, s.error().message, {}, {}, {}, {}};
  }
  (void)stage(k, kGenerate, !answer->truncated(), t0,
              {{"summary", fmt::format("{} chars, finish_reason {}", answer->text.size(),
                                       answer->finish_reason)},
               {"finish_reason", answer->finish_reason},
               {"prompt_tokens", answer->prompt_tokens},
               {"completion_tokens", answer->completion_tokens},
               {"text", answer->text}});
  if (answer->truncated())
    return Failure{kGenerate,
                   "your answer was cut off (finish_reason \"length\") before it was complete",
                   "Write a shorter tool: one fenced ```nu block, no explanation around it.",
                   {}, {}, {}};

  return extract(k, row);
}

std::optional<Failure> Execution::extract(int k, store::AttemptRow& row) {
  const auto t1 = Clock::now();
  auto ex = llm::extract_code(row.llm_text);
  (void)stage(k, kExtract, ex.found, t1,
              {{"summary", ex.found ? fmt::format("{} lines of code", std::count(
                                                      ex.code.begin(), ex.code.end(), '\n'))
                                    : ex.why}});
  if (!ex.found) return Failure{kExtract, ex.why, {}, {}, {}, {}};
  row.code = ex.code;
  return std::nullopt;
}

std::optional<Failure> Execution::check_and_run(int k, const fs::path& workspace,
                                                const std::string& code) {
  const fs::path tool = workspace / "tool.nu";
  if (auto s = write_file_atomic(tool, code); !s) {
    out_.stopped_by = s.error();
    return Failure{kExecute, s.error().message, {}, {}, {}, {}};
  }

  auto t0 = Clock::now();
  if (past_deadline()) return deadline_failure(k, kSyntax);
  auto syntax = gate::check_nu_syntax(config_.nu, tool, std::min(config_.syntax_timeout, left()));
  if (past_deadline()) return deadline_failure(k, kSyntax);
  if (!syntax) {
    out_.stopped_by = syntax.error();
    (void)stage(k, kSyntax, false, t0, {{"summary", syntax.error().message}});
    return Failure{kSyntax, syntax.error().message, {}, {}, {}, {}};
  }
  const std::string syntax_text = syntax->to_text();
  (void)stage(k, kSyntax, syntax->ok(), t0,
              {{"summary", syntax->ok() ? "parses"
                                        : fmt::format("{} syntax errors", syntax->issues.size())},
               {"errors", syntax_text}});
  if (!syntax->ok())
    return Failure{kSyntax, "nu could not parse the tool", "Parse errors:\n" + syntax_text,
                   {}, {}, {}};

  // Code gate: a blocked tool never runs; it is quarantined and the findings
  // go back to the LLM. Warnings are recorded and shown.
  t0 = Clock::now();
  static const gate::RuleSet kBuiltinRules = gate::RuleSet::builtin();
  const auto scanned = gate::scan(code, gate::Runtime::nu,
                                  config_.scan_rules ? *config_.scan_rules : kBuiltinRules);
  nlohmann::json scan_detail = scanned.to_json();
  scan_detail["summary"] = fmt::format("{} ({} finding(s))", scanned.verdict(),
                                       scanned.findings.size());
  if (scanned.blocked()) {
    auto q = gate::quarantine(config_.data_dir, out_.execution_id, k, tool, scanned);
    scan_detail["quarantine"] = q ? q->string() : q.error().message;
  }
  (void)stage(k, kScan, !scanned.blocked(), t0, scan_detail);
  if (scanned.blocked())
    return Failure{kScan, "the tool breaks code-gate rules and was not run",
                   "Findings (rule: reason; fix hint):\n" + scanned.feedback(), {}, {}, {}};

  sandbox::ProcessSpec spec;
  spec.argv = {config_.nu.string(), "--no-config-file", "--stdin", tool.string()};
  spec.cwd = workspace.string();
  spec.env = sandbox::minimal_env(workspace);
  spec.stdin_data = in_.input.dump();
  if (past_deadline()) return deadline_failure(k, kExecute);
  const bool deadline_bound = left() < config_.tool_timeout;
  spec.timeout = std::min(config_.tool_timeout, left());
  spec.stdout_cap = config_.stdout_cap;
  spec.stderr_cap = config_.stderr_cap;
  if (config_.isolate) {
    sandbox::Isolation iso;
    iso.workspace = workspace.string();
    iso.ro_paths = {config_.nu.string()};
    iso.limits.memory_bytes = config_.memory_mb << 20;
    iso.limits.cpu_seconds = config_.cpu_seconds;
    iso.limits.nproc = config_.nproc;
    iso.limits.nofile = config_.nofile;
    iso.limits.fsize_bytes = config_.fsize_mb << 20;
    spec.isolation = iso;
  }
  t0 = Clock::now();
  auto run = sandbox::run_process(spec);
  if (!run) {
    out_.stopped_by = run.error();
    (void)stage(k, kExecute, false, t0, {{"summary", run.error().message}});
    return Failure{kExecute, run.error().message, {}, {}, {}, {}};
  }
  // Killed because the execution ran out of time, not because the tool is slow.
  if (run->timed_out && deadline_bound) return deadline_failure(k, kExecute);
  const bool ran_ok = !run->timed_out && run->term_signal == 0 && run->exit_code == 0;
  (void)stage(k, kExecute, ran_ok, t0,
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
  if (!ran_ok) {
    std::string why = run->timed_out
                          ? fmt::format("the tool did not finish within {} ms and was killed; "
                                        "it must read stdin once, print one JSON document "
                                        "and exit",
                                        config_.tool_timeout.count())
                          : !run->limit_hit.empty()
                              ? fmt::format("{} ({}); it must stay within the sandbox limits",
                                            run->limit_description(),
                                            run->term_signal != 0
                                                ? "killed by " + sandbox::signal_name(run->term_signal)
                                                : fmt::format("exit {}", run->exit_code))
                              : fmt::format("the tool ended with {} (it must exit 0)",
                                            run->describe());
    return Failure{kExecute, why, {}, run->out, run->err, {}};
  }

  t0 = Clock::now();
  if (run->stdout_truncated) {
    (void)stage(k, kOutput, false, t0, {{"summary", "stdout exceeded the cap"}});
    return Failure{kOutput,
                   fmt::format("the tool printed more than {} bytes; print only the one JSON "
                               "document the contract describes",
                               config_.stdout_cap),
                   {}, run->out, run->err, {}};
  }
  auto doc = nlohmann::json::parse(run->out, nullptr, false);
  if (doc.is_discarded()) {
    const bool empty = run->out.find_first_not_of(" \t\r\n") == std::string::npos;
    const std::string why = empty ? "the tool printed nothing on stdout; it must print one "
                                    "JSON document (e.g. `$result | to json -r`)"
                                  : "stdout is not one JSON document; print only the JSON "
                                    "(use `to json -r`), and diagnostics with `print -e`";
    (void)stage(k, kOutput, false, t0, {{"summary", why}});
    return Failure{kOutput, why, {}, run->out, run->err, {}};
  }
  (void)stage(k, kOutput, true, t0, {{"summary", "one JSON document"}});

  t0 = Clock::now();
  auto report = contract::validate(*in_.model, doc);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& v : report.violations) list.push_back(contract::to_json(v));
  (void)stage(k, kValidate, report.ok(), t0,
              {{"summary", report.ok() ? "output satisfies the contract"
                                       : fmt::format("{} contract violations",
                                                     report.violations.size() + report.omitted)},
               {"violations", list},
               {"omitted", report.omitted}});
  if (!report.ok()) {
    Failure f{kValidate,
              fmt::format("the output does not satisfy the contract (model {})", in_.model->name),
              "Contract violations:\n" + contract::to_text(report), run->out, run->err,
              report.violations};
    return f;
  }
  output_ = std::move(doc);
  out_.output_text = run->out;
  return std::nullopt;
}

std::optional<Failure> Execution::attempt(int k, const fs::path& workspace,
                                          store::AttemptRow& row) {
  if (auto f = generate(k, row)) return f;
  return check_and_run(k, workspace, row.code);
}

Status Execution::accept(const std::string& code) {
  const fs::path dir = config_.data_dir / "tools" / out_.execution_id;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return infra_error("cannot create " + dir.string() + ": " + ec.message());
  out_.tool_path = dir / "tool.nu";
  out_.code = code;
  return write_file_atomic(out_.tool_path, code,
                           fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                               fs::perms::others_read);
}

bool Execution::try_cache() {
  auto t0 = Clock::now();
  auto hit = journal_.cache_hit(config_.cache_key);
  if (!hit || !*hit) return false;
  const store::CacheRow& row = **hit;
  (void)stage(0, kCache, true, t0,
              {{"summary", fmt::format("cached tool from execution {} ({} hits); trying it on this input",
                                       row.execution_id, row.hits)},
               {"key", row.key},
               {"from_execution", row.execution_id}});
  auto ws = sandbox::create_workspace(config_.data_dir, out_.execution_id, 0);
  if (!ws) return false;  // the loop proper will meet the same problem and report it
  out_.workspace = ws->dir.parent_path().parent_path();
  const auto failure = check_and_run(0, ws->dir, row.code);
  t0 = Clock::now();
  if (failure) {
    // The contract is the law: a cached tool that fails here is gone.
    (void)journal_.cache_evict(row.key);
    (void)stage(0, kCache, false, t0,
                {{"summary", fmt::format("cached tool failed on this input at {}: evicted; asking the LLM",
                                         failure->stage)},
                 {"failure", failure->summary}});
    return false;
  }
  if (auto s = accept(row.code); !s) return false;
  out_.cached_from = row.execution_id;
  out_.attempts.push_back({0, "passed", "cached tool from execution " + row.execution_id + " passed on this input", ms_since(t0)});
  return true;
}

Result<Outcome> Execution::run() {
  const auto started = Clock::now();
  store::ExecutionRow row;
  row.id = out_.execution_id;
  row.trace_id = out_.trace_id;
  row.contract = in_.contract_label;
  row.model = in_.model->name;
  row.task = in_.task;
  row.input_json = in_.input.dump();
  row.provider = in_.provider_label;
  row.max_attempts = config_.max_attempts;
  row.resume_json = in_.resume_json;
  if (!in_.resume) {
    if (auto s = journal_.create_execution(row); !s) return s.error();
    if (auto s = journal_.set_state(row.id, store::State::RUNNING); !s) return s.error();
  }
  log_.info(fmt::format("execution {} started: model {}, up to {} attempts, LLM {}", row.id,
                        in_.model->name, config_.max_attempts, in_.provider_label),
            fields(0, ""));

  // The input gate ran before the loop (the CLI); its verdict belongs to the
  // execution, and a rejection ends it before any LLM request.
  if (!in_.input_gate.is_null() && !in_.resume) {
    const bool accepted = in_.input_gate.value("verdict", "") == "accept";
    auto detail = in_.input_gate;
    detail["summary"] = fmt::format("{} (score {})", detail.value("verdict", "?"),
                                    detail.value("score", 0.0));
    auto f = fields(0, kInputGate);
    f["attempt"] = 0;  // before the first attempt
    f["duration_ms"] = 0;
    f["ok"] = accepted;
    log_.log(accepted ? LogLevel::info : LogLevel::warn,
             std::string(kInputGate) + ": " + detail.value("summary", ""), f);
    if (auto s = journal_.add_stage(out_.execution_id, {0, kInputGate, accepted, 0, detail, ""}); !s)
      return s.error();
    if (!accepted) {
      std::string why = "the task was rejected by the input gate:";
      for (const auto& r : in_.input_gate.value("reasons", nlohmann::json::array()))
        why += "\n  - " + r.get<std::string>();
      out_.stopped_by = input_error(why);
    }
  }

  Failure last;
  bool passed = false;
  if (!out_.stopped_by && !config_.cache_key.empty() && !in_.resume) passed = try_cache();
  const int first = in_.resume ? in_.resume->next_attempt : 1;
  for (int k = first; k <= config_.max_attempts && !passed && !out_.stopped_by; ++k) {
    if (past_deadline()) {
      last = deadline_failure(k - 1, "the wait before attempt " + std::to_string(k));
      break;
    }
    const auto t0 = Clock::now();
    if (auto s = journal_.start_attempt(row.id, k); !s) return s.error();
    store::AttemptRow attempt_row;
    attempt_row.attempt = k;

    std::optional<Failure> failure;
    if (in_.resume && k == in_.resume->next_attempt) {
      // What the dead process left of this attempt is half-done work, not evidence.
      std::error_code ec;
      fs::remove_all(config_.data_dir / "work" / row.id / std::to_string(k), ec);
    }
    auto ws = sandbox::create_workspace(config_.data_dir, row.id, k);
    if (!ws) {
      out_.stopped_by = ws.error();
      failure = Failure{kExecute, ws.error().message, {}, {}, {}, {}};
    } else {
      out_.workspace = ws->dir.parent_path().parent_path();
      failure = attempt(k, ws->dir, attempt_row);
    }
    attempt_row.duration_ms = ms_since(t0);
    if (!failure) {
      passed = true;
      attempt_row.outcome = "passed";
      if (auto s = accept(attempt_row.code); !s) return s.error();
      // Only a tool that passed every gate and the contract is cached.
      if (!config_.cache_key.empty())
        (void)journal_.cache_put({config_.cache_key, attempt_row.code, row.id, in_.model->name, in_.contract_label, "", "", 0});
    } else {
      attempt_row.outcome = failure->stage;
      last = *failure;
      if (!out_.stopped_by) {
        attempt_row.feedback =
            feedback_text(*failure, k, config_.max_attempts, in_.model->name);
        previous_feedback_ = attempt_row.feedback;
        if (!attempt_row.code.empty()) previous_code_ = attempt_row.code;
      }
    }
    if (auto s = journal_.finish_attempt(row.id, attempt_row); !s) return s.error();
    out_.attempts.push_back({k, attempt_row.outcome,
                             failure ? failure->summary : std::string("output satisfies the contract"),
                             attempt_row.duration_ms});
    if (out_.stopped_by) break;
  }

  out_.duration_ms = ms_since(started);
  row.attempts = static_cast<int>(out_.attempts.size()) + (in_.resume ? in_.resume->finished_attempts : 0);
  row.duration_ms = out_.duration_ms;
  if (passed) {
    out_.state = store::State::SUCCESS;
    out_.output = output_;
    row.tool_path = out_.tool_path.string();
    row.tool_code = out_.code;
    row.output_json = output_.dump();
  } else {
    out_.state = store::State::FAILED;
    if (out_.stopped_by) {
      row.reason = out_.stopped_by->message;
    } else {
      out_.escalation =
          escalation_text(last, config_.max_attempts, in_.contract_label, in_.model->name);
      row.reason = fmt::format("no tool satisfied the contract after {} attempts",
                               config_.max_attempts);
    }
  }
  row.state = store::to_string(out_.state);
  if (auto s = journal_.finish_execution(row); !s) return s.error();

  // Workspaces are evidence: kept when the execution failed or on request.
  if (passed && !config_.keep_workspace) {
    (void)sandbox::remove_execution_workspaces(config_.data_dir, row.id);
    out_.workspace.clear();
  }
  auto f = fields(0, "");
  f["duration_ms"] = out_.duration_ms;
  f["state"] = row.state;
  log_.log(passed ? LogLevel::info : LogLevel::error,
           fmt::format("execution {} {} after {} attempt(s)", row.id, row.state,
                       out_.attempts.size()),
           f);
  return std::move(out_);
}

}  // namespace

std::chrono::milliseconds worst_case(const LoopConfig& config) {
  if (config.deadline.count() <= 0) return std::chrono::milliseconds(0);
  return (config.generate_budget + config.syntax_timeout + config.tool_timeout) * config.max_attempts;
}

Result<Outcome> run_loop(const LoopConfig& config, const LoopInput& input, llm::Provider& provider,
                         store::Journal& journal, Logger& log) {
  return Execution(config, input, provider, journal, log).run();
}

}  // namespace bt::engine
