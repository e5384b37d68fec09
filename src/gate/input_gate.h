// The input gate: everything the user hands `bitter run` is checked before
// the LLM sees any of it. The task text is cleaned (controls, invisibles,
// bidi removed; NFKC) and scored for instruction-override and
// command-smuggling phrasings; the input JSON must parse within a size cap.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace bt::gate {

struct InputGateOptions {
  size_t max_task_bytes = 4 << 10;
  size_t max_input_bytes = 1 << 20;
  double reject_threshold = 1.0;  // score at or above it rejects
};

struct RiskHit {
  std::string id;      // e.g. "override.en"
  double weight = 0;
  std::string reason;  // human text naming the phrase that matched
};

struct TaskVerdict {
  bool accept = true;
  double score = 0;
  std::vector<RiskHit> hits;
  std::string text;  // the cleaned task: what the loop and the LLM get
  nlohmann::json to_json() const;  // {verdict, score, reasons}
  std::string reasons_text() const;
};

// The risk score of already cleaned text; exposed for tests and the corpus.
std::vector<RiskHit> score_risk(const std::string& clean_utf8);

// Errors (input) when the text is unusable: empty, over the cap, not UTF-8.
Result<TaskVerdict> check_task(const std::string& text, const InputGateOptions& opt = {});

// Parses the input document; input errors for size and syntax.
Result<nlohmann::json> check_input_json(const std::string& text, const InputGateOptions& opt = {});

}  // namespace bt::gate
