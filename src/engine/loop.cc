#include "engine/loop.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "contract/schema.h"
#include "engine/candidate.h"
#include "engine/context.h"
#include "engine/workspace_remover.h"
#include "sandbox/workspace.h"
#include "util/files.h"
#include "util/ids.h"

namespace bt::engine {
namespace detail {

Context::Context(const LoopConfig& config_, const LoopInput& input, llm::Provider& provider_,
                 store::Journal& journal_, Logger& log_, std::string execution_id_, std::string trace_id_)
    : config(config_),
      in(input),
      provider(provider_),
      journal(journal_),
      log(log_),
      execution_id(std::move(execution_id_)),
      trace_id(std::move(trace_id_)),
      schema_text(contract::to_json_schema(*input.model).dump(2)),
      clock(config_.clock ? config_.clock : &system_clock()) {
  if (config.deadline.count() > 0) deadline_ = clock->now() + config.deadline;
}

std::chrono::milliseconds Context::left() const {
  if (!deadline_) return std::chrono::hours(24 * 365);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - clock->now());
}

nlohmann::json Context::fields(int k, int c, const std::string& stage_name) const {
  nlohmann::json f = {{"trace_id", trace_id}, {"execution_id", execution_id}};
  if (k > 0) {
    f["attempt"] = k;
    f["max_attempts"] = config.max_attempts;
  }
  if (config.speculate > 1 && k > 0) f["candidate"] = c;
  if (!stage_name.empty()) f["stage"] = stage_name;
  return f;
}

store::StageRow Context::report(int k, int c, const std::string& name, bool ok, SteadyClock::time_point started,
                               nlohmann::json detail) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started).count();
  const long long ms = us / 1000;
  auto f = fields(k, c, name);
  f["duration_ms"] = ms;
  f["ok"] = ok;
  log.log(ok ? LogLevel::info : LogLevel::warn, fmt::format("{}: {}", name, detail.value("summary", ok ? "ok" : "failed")),
          f);
  if (config.events) config.events->on_stage({execution_id, k, c, name, ok, ms, detail, us});
  return {k, name, ok, ms, std::move(detail), "", c};
}

void Context::stage(int k, int c, const std::string& name, bool ok, SteadyClock::time_point started,
                    nlohmann::json detail) {
  if (auto s = journal.add_stage(execution_id, report(k, c, name, ok, started, std::move(detail))); !s)
    log.error("journal: cannot record stage " + name + ": " + s.error().message, fields(k, c, name));
}

Status Context::answer_stage(int k, bool ok, SteadyClock::time_point started, nlohmann::json detail,
                             const std::string& answer) {
  return journal.record_answer(execution_id, k, answer, report(k, 0, kGenerate, ok, started, std::move(detail)));
}

}  // namespace detail

namespace {

namespace fs = std::filesystem;
using detail::CandidateResult;
using detail::Context;
using detail::ms_since;
using detail::SteadyClock;

std::string new_or(const std::string& given, std::string (*make)()) { return given.empty() ? make() : given; }

store::ExecutionRow execution_row(const LoopConfig& config, const LoopInput& in, const std::string& id,
                                  const std::string& trace_id) {
  store::ExecutionRow row;
  row.id = id;
  row.trace_id = trace_id;
  row.contract = in.contract_label;
  row.model = in.model->name;
  row.task = in.task;
  row.input_json = in.input.dump();
  row.provider = in.provider_label;
  row.max_attempts = config.max_attempts;
  row.resume_json = in.resume_json;
  row.ns = in.ns;
  row.flow_id = in.flow_id;
  return row;
}

// What one attempt came to, over all its candidates.
struct AttemptResult {
  int winner = -1;
  std::vector<CandidateResult> candidates;
};

// One execution in flight: the state the attempts share.
class Execution {
 public:
  Execution(const LoopConfig& config, const LoopInput& input, llm::Provider& provider, store::Journal& journal,
            Logger& log)
      : ctx_(config, input, provider, journal, log,
             input.resume ? input.resume->execution_id : new_or(input.execution_id, new_execution_id),
             input.resume ? input.resume->trace_id : new_or(input.trace_id, new_trace_id)),
        cancel_(config.cancel ? config.cancel : CancelToken::make()) {
    out_.execution_id = ctx_.execution_id;
    out_.trace_id = ctx_.trace_id;
    out_.max_attempts = config.max_attempts;
    out_.candidates = std::max(1, config.speculate);
    if (input.resume) {
      previous_code_ = input.resume->previous_code;
      previous_feedback_ = input.resume->previous_feedback;
    }
  }

  Result<Outcome> run();

 private:
  Result<Outcome> interrupt(store::ExecutionRow& row);
  const LoopConfig& config() const { return ctx_.config; }
  const LoopInput& in() const { return ctx_.in; }
  Status record_input_gate();
  AttemptResult attempt(int k);
  // The attempt's outcome as a Failure (nullopt: passed), its row filled in.
  std::optional<Failure> settle(int k, AttemptResult& a, store::AttemptRow& row);
  std::string recorded_answer(int k, int c) const;
  Status accept(const std::string& code);
  bool try_cache();  // true if the cached tool passed on this input
  bool killed() const { return cancel_->cancelled(); }

  Context ctx_;
  CancelPtr cancel_;
  Outcome out_;
  std::string previous_code_, previous_feedback_;
};

std::string Execution::recorded_answer(int k, int c) const {
  const auto& r = in().resume;
  if (!r || k != r->next_attempt || c >= static_cast<int>(r->recorded_answers.size())) return "";
  return r->recorded_answers[c];
}

AttemptResult Execution::attempt(int k) {
  const int n = out_.candidates;
  AttemptResult a;
  a.candidates.resize(n);
  std::vector<CancelPtr> tokens;
  for (int c = 0; c < n; ++c) tokens.push_back(CancelToken::make(cancel_));
  std::atomic<int> winner{-1};

  auto run_one = [&](int c) {
    CandidateResult& r = a.candidates[c];
    auto ws = sandbox::create_workspace(config().data_dir, ctx_.execution_id, k, c);
    if (!ws) {
      r.failure = Failure{kExecute, ws.error().message, {}, {}, {}, {}};
      r.stopped_by = ws.error();
      return;
    }
    detail::CandidateTask t{k, c, n, ws->dir, tokens[c].get(), recorded_answer(k, c), previous_code_,
                            previous_feedback_};
    r = detail::run_candidate(ctx_, t);
    int none = -1;
    if (r.passed() && winner.compare_exchange_strong(none, c))
      for (int other = 0; other < n; ++other)
        if (other != c) tokens[other]->cancel(fmt::format("candidate {} passed first", c));
  };
  if (n == 1) {
    run_one(0);
  } else {
    // Joined before the attempt is settled: a losing candidate writes
    // nothing after the winner is accepted.
    std::vector<std::thread> threads;
    for (int c = 0; c < n; ++c) threads.emplace_back(run_one, c);
    for (auto& t : threads) t.join();
  }
  a.winner = winner.load();
  return a;
}

std::optional<Failure> Execution::settle(int k, AttemptResult& a, store::AttemptRow& row) {
  if (a.winner >= 0) {
    CandidateResult& w = a.candidates[a.winner];
    row.outcome = "passed";
    row.code = w.code;
    row.llm_text = w.llm_text;
    return std::nullopt;
  }
  if (killed()) {
    out_.stopped_by = cancelled_error(cancel_->reason());
    row.outcome = "killed";
    row.code = a.candidates[0].code;
    row.llm_text = a.candidates[0].llm_text;
    return Failure{"killed", cancel_->reason(), {}, {}, {}, {}};
  }
  // Failures the tool is to blame for go back to the LLM; a deadline, a
  // dead LLM or a broken journal end the execution, unless another
  // candidate's failure still gives the model something to fix.
  std::vector<const CandidateResult*> semantic;
  const CandidateResult* stop = nullptr;
  for (const auto& r : a.candidates) {
    if (!r.stopped_by) {
      semantic.push_back(&r);
    } else if (r.stopped_by->kind != ErrorKind::cancelled && (!stop || r.failure->stage == kDeadline)) {
      stop = &r;
    }
  }
  if (stop && (semantic.empty() || stop->failure->stage == kDeadline)) {
    out_.stopped_by = stop->stopped_by;
    row.outcome = stop->failure->stage;
    row.code = stop->code;
    row.llm_text = stop->llm_text;
    return *stop->failure;
  }
  ctx_.hold_for_test(k, 0, "feedback");
  // The candidate that got furthest shows its code to the next attempt.
  const CandidateResult* best = semantic.front();
  for (const auto* r : semantic)
    if (r->reached > best->reached) best = r;
  row.outcome = best->failure->stage;
  row.code = best->code;
  row.llm_text = best->llm_text;
  const int max = config().max_attempts;
  const std::string& model = in().model->name;
  if (out_.candidates == 1) {
    row.feedback = feedback_text(*best->failure, k, max, model);
  } else {
    row.feedback = fmt::format("All {} candidates of attempt {} of {} failed. The previous tool shown is candidate {}'s, "
                               "which got furthest.\n",
                               out_.candidates, k, max, best - a.candidates.data());
    for (const auto* r : semantic)
      row.feedback += fmt::format("\n--- candidate {} ---\n{}", r - a.candidates.data(),
                                  feedback_text(*r->failure, k, max, model));
  }
  return *best->failure;
}

Status Execution::accept(const std::string& code) {
  const fs::path dir = config().data_dir / "tools" / ctx_.execution_id;
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
  auto t0 = SteadyClock::now();
  out_.cache_lookup = "miss";
  auto hit = ctx_.journal.cache_hit(config().cache_key);
  if (!hit || !*hit) return false;
  const store::CacheRow& row = **hit;
  ctx_.stage(0, 0, kCache, true, t0,
             {{"summary", fmt::format("cached tool from execution {} ({} hits); trying it on this input",
                                      row.execution_id, row.hits)},
              {"key", row.key},
              {"from_execution", row.execution_id}});
  auto ws = sandbox::create_workspace(config().data_dir, ctx_.execution_id, 0);
  if (!ws) return false;  // the loop proper will meet the same problem and report it
  out_.workspace = ws->dir.parent_path().parent_path();
  const auto result = detail::check_and_run(ctx_, 0, 0, ws->dir, row.code, cancel_.get());
  t0 = SteadyClock::now();
  if (!result.passed()) {
    if (killed()) return false;
    // The contract is the law: a cached tool that fails here is gone.
    (void)ctx_.journal.cache_evict(row.key);
    ctx_.stage(0, 0, kCache, false, t0,
               {{"summary", fmt::format("cached tool failed on this input at {}: evicted; asking the LLM",
                                        result.failure->stage)},
                {"failure", result.failure->summary}});
    return false;
  }
  if (auto s = accept(row.code); !s) return false;
  out_.output = result.output;
  out_.output_text = result.output_text;
  out_.cached_from = row.execution_id;
  out_.cache_lookup = "hit";
  out_.attempts.push_back(
      {0, "passed", "cached tool from execution " + row.execution_id + " passed on this input", ms_since(t0)});
  return true;
}

Status Execution::record_input_gate() {
  // The input gate ran before the loop; its verdict belongs to the
  // execution, and a rejection ends it before any LLM request.
  const nlohmann::json& gate = in().input_gate;
  const bool accepted = gate.value("verdict", "") == "accept";
  auto detail = gate;
  detail["summary"] = fmt::format("{} (score {})", detail.value("verdict", "?"), detail.value("score", 0.0));
  auto f = ctx_.fields(0, 0, kInputGate);
  f["attempt"] = 0;  // before the first attempt
  f["duration_ms"] = 0;
  f["ok"] = accepted;
  ctx_.log.log(accepted ? LogLevel::info : LogLevel::warn, std::string(kInputGate) + ": " + detail.value("summary", ""),
               f);
  if (config().events) config().events->on_stage({ctx_.execution_id, 0, 0, kInputGate, accepted, 0, detail});
  if (auto s = ctx_.journal.add_stage(ctx_.execution_id, {0, kInputGate, accepted, 0, detail, ""}); !s) return s;
  if (!accepted) {
    std::string why = "the task was rejected by the input gate:";
    for (const auto& r : gate.value("reasons", nlohmann::json::array())) why += "\n  - " + r.get<std::string>();
    out_.stopped_by = input_error(why);
  }
  return {};
}

Result<Outcome> Execution::interrupt(store::ExecutionRow& row) {
  // Not an end: the row says interrupted (resumable), the attempt in
  // progress keeps no outcome, so resume redoes it from its recorded answer.
  out_.state = store::State::FAILED;
  out_.stopped_by = cancelled_error(kShutdownReason);
  if (auto s = ctx_.journal.set_state(row.id, store::State::FAILED, std::string("interrupted: ") + kShutdownReason); !s)
    return s.error();
  ctx_.log.warn(fmt::format("execution {} interrupted: {}; `bitter resume` or the next start continues it", row.id,
                            kShutdownReason),
                ctx_.fields(0, 0, ""));
  return std::move(out_);
}

Result<Outcome> Execution::run() {
  const auto started = SteadyClock::now();
  store::ExecutionRow row = execution_row(config(), in(), ctx_.execution_id, ctx_.trace_id);
  store::Journal& journal = ctx_.journal;
  if (!in().resume && in().execution_id.empty()) {
    // Not queued first: it is created running, in one commit.
    row.state = store::to_string(store::State::RUNNING);
    if (auto s = journal.create_execution(row); !s) return s.error();
  } else if (auto s = journal.set_state(row.id, store::State::RUNNING); !s) {
    return s.error();
  }
  ctx_.log.info(fmt::format("execution {} started: model {}, up to {} attempts{}, LLM {}", row.id, in().model->name,
                            config().max_attempts,
                            out_.candidates > 1 ? fmt::format(" of {} candidates", out_.candidates) : "",
                            in().provider_label),
                ctx_.fields(0, 0, ""));

  if (!in().input_gate.is_null() && !in().resume)
    if (auto s = record_input_gate(); !s) return s.error();

  Failure last;
  bool passed = false;
  if (!out_.stopped_by && !config().cache_key.empty() && !in().resume) passed = try_cache();
  const int first = in().resume ? in().resume->next_attempt : 1;
  for (int k = first; k <= config().max_attempts && !passed && !out_.stopped_by; ++k) {
    if (killed() && cancel_->reason() == kShutdownReason) return interrupt(row);
    if (killed()) {
      out_.stopped_by = cancelled_error(cancel_->reason());
      break;
    }
    if (ctx_.past_deadline()) {
      const std::string why =
          fmt::format("deadline: the execution's deadline of {} s passed during the wait before attempt {}",
                      config().deadline.count() / 1000.0, k);
      ctx_.stage(k - 1, 0, kDeadline, false, SteadyClock::now(), {{"summary", why}});
      out_.stopped_by = semantic_error(why);
      last = Failure{kDeadline, why, {}, {}, {}, {}};
      break;
    }
    const auto t0 = SteadyClock::now();
    if (auto s = journal.start_attempt(row.id, k); !s) return s.error();
    if (in().resume && k == in().resume->next_attempt) {
      // What the dead process left of this attempt is half-done work, not evidence.
      std::error_code ec;
      fs::remove_all(config().data_dir / "work" / row.id / std::to_string(k), ec);
    }
    out_.workspace = config().data_dir / "work" / row.id;
    AttemptResult a = attempt(k);
    if (killed() && cancel_->reason() == kShutdownReason) return interrupt(row);
    store::AttemptRow attempt_row;
    attempt_row.attempt = k;
    const auto failure = settle(k, a, attempt_row);
    attempt_row.duration_ms = ms_since(t0);
    if (!failure) {
      passed = true;
      const CandidateResult& w = a.candidates[a.winner];
      out_.winner = a.winner;
      out_.output = w.output;
      out_.output_text = w.output_text;
      if (auto s = accept(w.code); !s) return s.error();
      // Only a tool that passed every gate and the contract is cached.
      if (!config().cache_key.empty())
        (void)journal.cache_put({config().cache_key, w.code, row.id, in().model->name, in().contract_label, "", "", 0});
    } else {
      last = *failure;
      if (!out_.stopped_by) {
        previous_feedback_ = attempt_row.feedback;
        if (!attempt_row.code.empty()) previous_code_ = attempt_row.code;
      }
    }
    if (auto s = journal.finish_attempt(row.id, attempt_row); !s) return s.error();
    std::string summary = failure ? failure->summary : std::string("output satisfies the contract");
    if (!failure && out_.candidates > 1) summary += fmt::format(" (candidate {} of {})", a.winner, out_.candidates);
    out_.attempts.push_back({k, attempt_row.outcome, summary, attempt_row.duration_ms});
  }
  if (!passed && !out_.stopped_by && killed()) out_.stopped_by = cancelled_error(cancel_->reason());

  out_.duration_ms = ms_since(started);
  row.attempts = static_cast<int>(out_.attempts.size()) + (in().resume ? in().resume->finished_attempts : 0);
  row.duration_ms = out_.duration_ms;
  if (passed) {
    out_.state = store::State::SUCCESS;
    row.tool_path = out_.tool_path.string();
    row.tool_code = out_.code;
    row.output_json = out_.output.dump();
  } else if (out_.stopped_by && out_.stopped_by->kind == ErrorKind::cancelled) {
    out_.state = store::State::KILLED;
    row.reason = "killed: " + out_.stopped_by->message;
  } else {
    out_.state = store::State::FAILED;
    if (out_.stopped_by) {
      row.reason = out_.stopped_by->message;
    } else {
      out_.escalation = escalation_text(last, config().max_attempts, in().contract_label, in().model->name);
      row.reason = fmt::format("no tool satisfied the contract after {} attempts", config().max_attempts);
    }
  }
  row.state = store::to_string(out_.state);
  ctx_.hold_for_test(0, 0, "finish");
  if (auto s = journal.finish_execution(row); !s) return s.error();
  if (config().events) config().events->on_finish(row, out_);

  // Workspaces are evidence: kept when the execution failed or on request.
  if (passed && !config().keep_workspace) {
    if (config().remover) config().remover->remove(row.id);
    else (void)sandbox::remove_execution_workspaces(config().data_dir, row.id);
    out_.workspace.clear();
  }
  auto f = ctx_.fields(0, 0, "");
  f["duration_ms"] = out_.duration_ms;
  f["state"] = row.state;
  ctx_.log.log(passed ? LogLevel::info : LogLevel::error,
               fmt::format("execution {} {} after {} attempt(s)", row.id, row.state, out_.attempts.size()), f);
  return std::move(out_);
}

}  // namespace

std::chrono::milliseconds worst_case(const LoopConfig& config) {
  if (config.deadline.count() <= 0) return std::chrono::milliseconds(0);
  return (config.generate_budget + config.syntax_timeout + config.tool_timeout) * config.max_attempts;
}

Status queue_execution(const LoopConfig& config, LoopInput& input, store::Journal& journal) {
  input.execution_id = new_or(input.execution_id, new_execution_id);
  input.trace_id = new_or(input.trace_id, new_trace_id);
  auto row = execution_row(config, input, input.execution_id, input.trace_id);
  row.state = store::to_string(store::State::QUEUED);
  return journal.create_execution(row);
}

Result<Outcome> run_loop(const LoopConfig& config, const LoopInput& input, llm::Provider& provider,
                         store::Journal& journal, Logger& log) {
  return Execution(config, input, provider, journal, log).run();
}

}  // namespace bt::engine
