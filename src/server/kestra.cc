#include "server/kestra.h"

#include <fmt/format.h>

namespace bt::server {

nlohmann::json execution_json(const store::ExecutionRow& e, const nlohmann::json& details) {
  nlohmann::json state = {{"current", e.state}, {"startDate", e.created_at}};
  if (is_final(e.state)) {
    state["endDate"] = e.updated_at;
    state["duration"] = fmt::format("PT{:.3f}S", e.duration_ms / 1000.0);
  }
  const auto input = nlohmann::json::parse(e.input_json, nullptr, false);
  nlohmann::json j = {{"id", e.id},
                      {"namespace", e.ns},
                      {"flowId", e.flow_id.empty() ? kFlowId : e.flow_id},
                      {"flowRevision", 1},
                      {"state", state},
                      {"inputs",
                       {{"contract", e.contract},
                        {"model", e.model},
                        {"task", e.task},
                        {"input_json", input.is_discarded() ? nlohmann::json(e.input_json) : input},
                        {"max_attempts", e.max_attempts}}},
                      {"labels", nlohmann::json::array()},
                      {"traceId", e.trace_id},
                      {"attempts", e.attempts},
                      {"provider", e.provider}};
  if (!e.reason.empty()) j["reason"] = e.reason;
  if (e.state == "SUCCESS") {
    const auto output = nlohmann::json::parse(e.output_json, nullptr, false);
    j["outputs"] = {{"output", output.is_discarded() ? nlohmann::json(e.output_json) : output},
                    {"code", e.tool_code},
                    {"tool_path", e.tool_path}};
  } else {
    j["outputs"] = nlohmann::json::object();
  }
  if (details.is_object()) {
    j["attemptDetails"] = details.value("attempt_details", nlohmann::json::array());
    j["beforeAttempts"] = details.value("before_attempts", nlohmann::json::array());
  }
  return j;
}

nlohmann::json log_json(const store::ExecutionRow& e, const store::StageRow& s) {
  std::string message = s.detail.is_object() ? s.detail.value("summary", "") : "";
  if (message.empty()) message = s.ok ? "ok" : "failed";
  return {{"executionId", e.id},
          {"namespace", e.ns},
          {"flowId", e.flow_id.empty() ? kFlowId : e.flow_id},
          {"taskId", s.stage},
          {"attemptNumber", s.attempt},
          {"candidate", s.candidate},
          {"timestamp", s.at},
          {"level", s.ok ? "INFO" : "WARN"},
          {"message", fmt::format("{}: {}", s.stage, message)}};
}

}  // namespace bt::server
