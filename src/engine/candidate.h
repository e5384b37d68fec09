// One candidate of one attempt: generate (or reuse a recorded answer) →
// extract → syntax → scan → execute → output → validate. With --speculate K
// an attempt runs K of these at once, each in its own workspace, each
// cancellable on its own.
#pragma once

#include <filesystem>
#include <future>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/context.h"
#include "engine/feedback.h"
#include "util/cancel.h"
#include "util/result.h"

namespace bt::engine::detail {

struct CandidateTask {
  int attempt = 1;
  int candidate = 0;
  int candidates = 1;
  std::filesystem::path workspace;
  const CancelToken* cancel = nullptr;
  std::string recorded_answer;  // set: answered before an interruption, not requested again
  std::string previous_code, previous_feedback;
};

struct CandidateResult {
  // Unset with stopped_by unset: the tool passed.
  std::optional<Failure> failure;
  // An error that is not the tool's fault (LLM down, journal, deadline,
  // cancelled): it is not fed back.
  std::optional<Error> stopped_by;
  std::string llm_text, code;
  nlohmann::json output;
  std::string output_text;  // the tool's stdout as printed (keeps its key order)
  int reached = 0;          // how far it got (pipeline position), to pick whose code to show next
  // The journal's sync that makes the LLM answer durable, running beside the
  // gates (BITTER_JOURNAL_SYNC=checkpoints); waited for before the tool runs.
  std::future<Status> answer_durable;
  bool passed() const { return !failure && !stopped_by; }
};

CandidateResult run_candidate(Context& ctx, const CandidateTask& task);

// The gates, the sandboxed run and the contract check for code already in
// hand (a candidate's extraction, or a cached tool at attempt 0).
CandidateResult check_and_run(Context& ctx, int k, int c, const std::filesystem::path& workspace,
                              const std::string& code, const CancelToken* cancel,
                              std::future<Status>* answer_durable = nullptr);

}  // namespace bt::engine::detail
