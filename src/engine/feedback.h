// What the LLM is told after a failed attempt. The text is built from the
// same structures users see (violations, syntax issues, process results), so
// the model is told exactly what a person would be.
#pragma once

#include <string>
#include <vector>

#include "contract/validate.h"

namespace bt::engine {

// The stage an attempt failed in. Names are stable: they are stored in the
// journal and shown by `bitter show`.
inline constexpr const char* kGenerate = "generate";
inline constexpr const char* kExtract = "extract";
inline constexpr const char* kSyntax = "syntax";
inline constexpr const char* kExecute = "execute";
inline constexpr const char* kOutput = "output";
inline constexpr const char* kValidate = "validate";
// The code gate (rules over the extracted tool) and the input gate (task text, attempt 0).
inline constexpr const char* kScan = "scan";
inline constexpr const char* kInputGate = "input_gate";
// A transient LLM fault that was retried (no attempt consumed), and the
// execution's deadline passing.
inline constexpr const char* kLlmRetry = "llm_retry";
inline constexpr const char* kDeadline = "deadline";
// A cached tool tried on this input before any LLM request (attempt 0).
inline constexpr const char* kCache = "cache";

struct Failure {
  std::string stage;
  std::string summary;   // one sentence
  std::string details;   // exact errors (violations, diagnostics, process status)
  std::string stdout_excerpt, stderr_excerpt;
  std::vector<contract::Violation> violations;
};

// Cuts text to at most `max` bytes (on a UTF-8 boundary), saying how much was cut.
std::string excerpt(const std::string& text, size_t max = 2000);

std::string feedback_text(const Failure& f, int attempt, int max_attempts,
                          const std::string& model_name);

std::string escalation_text(const Failure& last, int max_attempts,
                            const std::string& contract_label, const std::string& model_name);

}  // namespace bt::engine
