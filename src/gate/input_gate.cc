#include "gate/input_gate.h"

#include <cmath>

#include <fmt/format.h>

#include "gate/text.h"
#include "util/json_depth.h"

namespace bt::gate {

nlohmann::json TaskVerdict::to_json() const {
  nlohmann::json reasons = nlohmann::json::array();
  for (const auto& h : hits) reasons.push_back(h.reason);
  nlohmann::json signals = nlohmann::json::array();
  for (const auto& h : hits) signals.push_back({{"id", h.id}, {"weight", h.weight}});
  return {{"verdict", accept ? "accept" : "reject"},
          {"score", std::round(score * 100) / 100},
          {"reasons", reasons},
          {"signals", signals}};
}

std::string TaskVerdict::reasons_text() const {
  std::string out;
  for (const auto& h : hits) out += fmt::format("  - {} (+{:.2f})\n", h.reason, h.weight);
  return out;
}

Result<TaskVerdict> check_task(const std::string& text, const InputGateOptions& opt) {
  if (text.size() > opt.max_task_bytes)
    return input_error(fmt::format(
        "the task is {} bytes; the limit is {} bytes. Say in a few sentences what the tool "
        "should do; put data in --input",
        text.size(), opt.max_task_bytes));
  auto clean = clean_text(text);
  if (!clean) return clean.error();
  if (clean->text.find_first_not_of(" \t\r\n") == std::string::npos)
    return input_error("the task is empty: say in plain words what the tool should do");

  TaskVerdict v;
  v.text = clean->text;
  v.hits = score_risk(clean->text);
  // What was stripped is itself a signal: nobody types a bidi override.
  if (clean->bidi > 0)
    v.hits.push_back({"obf.bidi", 0.5,
                      fmt::format("{} bidirectional override character(s) removed", clean->bidi)});
  if (clean->invisibles > 0)
    v.hits.push_back({"obf.invisible", 0.3,
                      fmt::format("{} invisible/zero-width character(s) removed",
                                  clean->invisibles)});
  if (clean->controls > 0)
    v.hits.push_back({"obf.control", 0.2,
                      fmt::format("{} control character(s) removed", clean->controls)});
  for (const auto& h : v.hits) v.score += h.weight;
  v.accept = v.score < opt.reject_threshold;
  return v;
}

Result<nlohmann::json> check_input_json(const std::string& text, const InputGateOptions& opt) {
  if (text.size() > opt.max_input_bytes)
    return input_error(fmt::format("the input is {} bytes; the limit is {} bytes", text.size(),
                                   opt.max_input_bytes));
  if (nests_too_deep(text))
    return input_error(fmt::format("the input nests deeper than {} levels", kMaxJsonDepth));
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return input_error("the input is not valid JSON");
  return doc;
}

}  // namespace bt::gate
