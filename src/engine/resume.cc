#include "engine/resume.h"

#include "contract/loader.h"
#include "engine/feedback.h"

namespace bt::engine {
namespace {

// Each candidate's answer to `attempt` as its generate stage recorded it.
std::vector<std::string> recorded_answers(const std::vector<store::StageRow>& stages, int attempt) {
  std::vector<std::string> out;
  for (const auto& s : stages) {
    if (s.attempt != attempt || s.stage != kGenerate || !s.detail.contains("text")) continue;
    if (s.candidate >= static_cast<int>(out.size())) out.resize(s.candidate + 1);
    out[s.candidate] = s.detail.value("text", "");
  }
  return out;
}

// The attempt to restart and what the finished ones left behind.
ResumePoint resume_point(const store::ExecutionRow& e, const std::vector<store::AttemptRow>& attempts,
                                 const std::vector<store::StageRow>& stages) {
  ResumePoint r;
  r.execution_id = e.id;
  r.trace_id = e.trace_id;
  r.next_attempt = 1;
  for (const auto& a : attempts) {
    // Started and never finished: the crash happened here. Or it passed and
    // the crash came before the execution was finished: redone from its
    // answer, not followed by an attempt that would ask the LLM again.
    if (a.outcome.empty() || a.outcome == "passed") {
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

}  // namespace

bool interrupted(const store::ExecutionRow& e) {
  return e.state == "FAILED" && e.reason.rfind("interrupted", 0) == 0;
}

Result<Job> resume_job(store::Journal& journal, const store::ExecutionRow& e, nlohmann::json* saved_out) {
  const auto saved = nlohmann::json::parse(e.resume_json, nullptr, false);
  if (!saved.is_object()) return input_error("execution " + e.id + " was started by a bitter without resume support");
  auto attempts = journal.attempts(e.id);
  if (!attempts) return attempts.error();
  auto stages = journal.stages(e.id);
  if (!stages) return stages.error();
  // Killed on request, then bitter died before it could close the execution:
  // the kill stands, and nothing is asked of the LLM again.
  for (const auto& a : *attempts)
    if (a.outcome == "killed") {
      const std::string why = "killed: the kill came just before the bitter that ran it ended";
      if (auto s = journal.set_state(e.id, store::State::KILLED, why); !s) return s.error();
      return usage_error("execution " + e.id + " was killed before its bitter ended; it stays KILLED, not resumed");
    }
  // Claim it: only the process that moves the owner from the dead one runs it.
  auto claimed = journal.claim(e.id, e.owner);
  if (!claimed) return claimed.error();
  if (!*claimed) return usage_error("execution " + e.id + " was resumed by another process");

  auto contract = contract::load_string(saved.value("contract_text", ""), saved.value("contract_path", ""));
  if (!contract) return contract.error();
  Job job;
  Intake& in = job.intake;
  in.contract = std::make_shared<const contract::Contract>(std::move(*contract));
  in.model = in.contract->find_model(saved.value("model", ""));
  if (!in.model) return input_error("the contract no longer has model " + saved.value("model", ""));
  in.contract_label = saved.value("contract_label", e.contract);
  in.contract_path = saved.value("contract_path", "");
  in.task = e.task;  // the input gate accepted it when the execution began
  in.input = nlohmann::json::parse(e.input_json, nullptr, false);
  RunSettings defaults;
  defaults.max_attempts = e.max_attempts;
  job.settings = RunSettings::from_json(saved, defaults);
  job.settings.no_cache = true;  // it continues as it began, with its own attempts
  job.rules_path = saved.value("rules_path", "");
  job.ns = e.ns;
  job.flow_id = e.flow_id;
  job.resume = resume_point(e, *attempts, *stages);
  if (saved_out) *saved_out = saved;
  return job;
}

}  // namespace bt::engine
