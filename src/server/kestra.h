// The shapes Kestra's API uses for an execution and its logs, so scripts
// written against Kestra read bitter's answers unchanged. bitter's own
// detail (attempts, stages, validation errors, gate findings) rides along
// under keys Kestra does not use.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "store/journal.h"

namespace bt::server {

inline constexpr const char* kFlowId = "contract-loop";

using store::is_final;

// {id, namespace, flowId, flowRevision, state{current, startDate, endDate,
// duration}, inputs, outputs, labels, ...}; `details` (Journal::details) adds
// attemptDetails.
nlohmann::json execution_json(const store::ExecutionRow& e, const nlohmann::json& details = nullptr);

// One Kestra LogEntry per stage result.
nlohmann::json log_json(const store::ExecutionRow& e, const store::StageRow& s);

}  // namespace bt::server
