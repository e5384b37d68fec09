// Continuing an execution a dead bitter process left unfinished: where it
// stopped, and the job that continues it with its own contract, task, input
// and settings. Shared by `bitter resume` and `bitter serve` (which resumes
// at start-up).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/service.h"
#include "store/journal.h"

namespace bt::engine {

// FAILED with reason "interrupted...": its process died before it finished.
bool interrupted(const store::ExecutionRow& e);

// Claims `e` for this process (only one process can) and builds the job that
// continues it. Errors: no resume data, already claimed, contract gone.
// `saved` receives the settings it was started with (llm, nu, ...).
Result<Job> resume_job(store::Journal& journal, const store::ExecutionRow& e, nlohmann::json* saved = nullptr);

}  // namespace bt::engine
