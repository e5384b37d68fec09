// `bitter resume [ID]`: continue executions a dead bitter process left
// unfinished, from the last recorded step. An LLM answer already in the
// journal is not requested again; an execution is claimed before it runs, so
// two resumes never run it twice.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/run.h"
#include "contract/loader.h"
#include "store/journal.h"
#include "util/files.h"

namespace bt::cli {
namespace {

struct ResumeOptions {
  std::string id;
  bool json = false, quiet = false;
};

bool interrupted(const store::ExecutionRow& e) {
  return e.state == "FAILED" && e.reason.rfind("interrupted", 0) == 0;
}

// Each candidate's answer to `attempt` as its generate stage recorded it.
std::vector<std::string> recorded_answers(const std::vector<store::StageRow>& stages, int attempt) {
  std::vector<std::string> out;
  for (const auto& s : stages) {
    if (s.attempt != attempt || s.stage != engine::kGenerate || !s.detail.contains("text")) continue;
    if (s.candidate >= static_cast<int>(out.size())) out.resize(s.candidate + 1);
    out[s.candidate] = s.detail.value("text", "");
  }
  return out;
}

// The attempt to restart and what the finished ones left behind.
engine::ResumePoint resume_point(const store::ExecutionRow& e, const std::vector<store::AttemptRow>& attempts,
                                 const std::vector<store::StageRow>& stages) {
  engine::ResumePoint r;
  r.execution_id = e.id;
  r.trace_id = e.trace_id;
  r.next_attempt = 1;
  for (const auto& a : attempts) {
    if (a.outcome.empty()) {  // started, never finished: the crash happened here
      r.next_attempt = a.attempt;
      r.recorded_answers = recorded_answers(stages, a.attempt);
      // The attempt row has candidate 0's answer even if its stage was not written.
      if (r.recorded_answers.empty()) r.recorded_answers.resize(1);
      if (r.recorded_answers[0].empty()) r.recorded_answers[0] = a.llm_text;
      break;
    }
    ++r.finished_attempts;
    r.next_attempt = a.attempt + 1;
    if (!a.code.empty()) r.previous_code = a.code;
    r.previous_feedback = a.feedback;
  }
  return r;
}

int resume_one(store::Journal& journal, const store::ExecutionRow& e, const ResumeOptions& opt, Logger& log) {
  const auto saved = nlohmann::json::parse(e.resume_json, nullptr, false);
  if (!saved.is_object())
    return fail(input_error("execution " + e.id + " was started by a bitter without resume support"), opt.json);
  auto attempts = journal.attempts(e.id);
  if (!attempts) return fail(attempts.error(), opt.json);
  auto stages = journal.stages(e.id);
  if (!stages) return fail(stages.error(), opt.json);
  // Claim it: only the process that moves the owner from the dead one runs it.
  auto claimed = journal.claim(e.id, e.owner);
  if (!claimed) return fail(claimed.error(), opt.json);
  if (!*claimed) return fail(usage_error("execution " + e.id + " was resumed by another process"), opt.json);

  auto contract = contract::load_string(saved.value("contract_text", ""), saved.value("contract_path", ""));
  if (!contract) return fail(contract.error(), opt.json);

  RunOptions ro;
  ro.llm = saved.value("llm", "");
  ro.llm_model = saved.value("llm_model", "");
  ro.nu = saved.value("nu", "");
  ro.json = opt.json;
  engine::RunSettings defaults;
  defaults.max_attempts = e.max_attempts;
  ro.settings = engine::RunSettings::from_json(saved, defaults);
  ro.settings.no_cache = true;  // it continues as it began, with its own attempts

  engine::Job job;
  engine::Intake& in = job.intake;
  in.contract = std::make_shared<const contract::Contract>(std::move(*contract));
  in.model = in.contract->find_model(saved.value("model", ""));
  if (!in.model) return fail(input_error("the contract no longer has model " + saved.value("model", "")), opt.json);
  in.contract_label = saved.value("contract_label", e.contract);
  in.contract_path = saved.value("contract_path", "");
  in.task = e.task;  // the input gate accepted it when the execution began
  in.input = nlohmann::json::parse(e.input_json, nullptr, false);
  job.settings = ro.settings;
  job.rules_path = saved.value("rules_path", "");
  job.resume = resume_point(e, *attempts, *stages);
  log.info(fmt::format("resuming execution {} at attempt {}{}", e.id, job.resume->next_attempt,
                       job.resume->recorded_answers.empty() || job.resume->recorded_answers[0].empty()
                           ? ""
                           : " with its recorded LLM answer"));
  return run_job(ro, log, std::move(job));
}

int resume(const ResumeOptions& opt) {
  Logger log(opt.quiet ? Logger::Format::none : Logger::auto_format(), stderr);
  auto journal = store::Journal::open(data_dir() / "journal.db");
  if (!journal) return fail(journal.error(), opt.json);
  (void)(*journal)->fail_interrupted();  // settles executions whose process died

  std::vector<store::ExecutionRow> todo;
  if (!opt.id.empty()) {
    auto id = (*journal)->resolve_id(opt.id);
    if (!id) return fail(id.error(), opt.json);
    auto e = (*journal)->get(*id);
    if (!e) return fail(e.error(), opt.json);
    if (!interrupted(**e))
      return fail(usage_error(fmt::format("execution {} is {}{}; only interrupted executions can be resumed", *id,
                                          (*e)->state, (*e)->reason.empty() ? "" : " (" + (*e)->reason + ")")),
                  opt.json);
    todo.push_back(**e);
  } else {
    auto recent = (*journal)->recent(1000);
    if (!recent) return fail(recent.error(), opt.json);
    for (const auto& e : *recent)
      if (interrupted(e)) todo.push_back(e);
  }
  if (todo.empty()) {
    if (opt.json) print_json(nlohmann::json::array());
    else std::cout << "nothing to resume\n";
    return kExitOk;
  }
  int worst = kExitOk;
  for (const auto& e : todo) worst = std::max(worst, resume_one(**journal, e, opt, log));
  return worst;
}

}  // namespace

Handler add_resume(CLI::App& app) {
  auto opt = std::make_shared<ResumeOptions>();
  app.add_option("id", opt->id, "Execution to resume (default: every interrupted one)");
  app.add_flag("--json", opt->json, "Print each result as one JSON object");
  app.add_flag("-q,--quiet", opt->quiet, "No progress or log lines on stderr");
  app.footer(
      "\nAn execution is interrupted when the bitter process running it ended (kill -9, crash,\n"
      "power loss) before it finished. Resume continues it from the last recorded step with the\n"
      "same contract, task, input and settings; an LLM answer already recorded is not requested\n"
      "again. The resumed part gets the execution's --deadline afresh. Exit codes as for `run`.");
  return [opt] { return resume(*opt); };
}

}  // namespace bt::cli
