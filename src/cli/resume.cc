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
#include "engine/resume.h"
#include "store/journal.h"
#include "util/files.h"

namespace bt::cli {
namespace {

struct ResumeOptions {
  std::string id;
  bool json = false, quiet = false;
};

int resume_one(store::Journal& journal, const store::ExecutionRow& e, const ResumeOptions& opt, Logger& log) {
  nlohmann::json saved;
  auto job = engine::resume_job(journal, e, &saved);
  if (!job) return fail(job.error(), opt.json);
  RunOptions ro;
  ro.llm = saved.value("llm", "");
  ro.llm_model = saved.value("llm_model", "");
  ro.nu = saved.value("nu", "");
  ro.json = opt.json;
  ro.settings = job->settings;
  const auto& r = *job->resume;
  log.info(fmt::format("resuming execution {} at attempt {}{}", e.id, r.next_attempt,
                       r.recorded_answers.empty() || r.recorded_answers[0].empty() ? ""
                                                                                   : " with its recorded LLM answer"));
  return run_job(ro, log, std::move(*job));
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
    if (!engine::interrupted(**e))
      return fail(usage_error(fmt::format("execution {} is {}{}; only interrupted executions can be resumed", *id,
                                          (*e)->state, (*e)->reason.empty() ? "" : " (" + (*e)->reason + ")")),
                  opt.json);
    todo.push_back(**e);
  } else {
    auto recent = (*journal)->recent(1000);
    if (!recent) return fail(recent.error(), opt.json);
    for (const auto& e : *recent)
      if (engine::interrupted(e)) todo.push_back(e);
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
