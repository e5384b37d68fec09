#include "engine/feedback.h"

#include <fmt/format.h>

namespace bt::engine {

std::string excerpt(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + fmt::format("\n[… {} more bytes not shown]", text.size() - cut);
}

std::string feedback_text(const Failure& f, int attempt, int max_attempts,
                          const std::string& model_name) {
  std::string out = fmt::format("Attempt {} of {} failed at stage \"{}\": {}\n", attempt,
                                max_attempts, f.stage, f.summary);
  if (!f.details.empty()) out += "\n" + f.details + (f.details.back() == '\n' ? "" : "\n");
  if (!f.stdout_excerpt.empty())
    out += "\nYour tool's stdout (excerpt):\n" + excerpt(f.stdout_excerpt) + "\n";
  if (!f.stderr_excerpt.empty())
    out += "\nYour tool's stderr (excerpt):\n" + excerpt(f.stderr_excerpt) + "\n";
  if (f.stage == kValidate)
    out += fmt::format(
        "\nEvery error above names the JSON path in your output, the rule of model {} it "
        "breaks, what the contract expects and what your tool produced. Fix the tool so that "
        "its output satisfies all of them.\n",
        model_name);
  return out;
}

std::string escalation_text(const Failure& last, int max_attempts,
                            const std::string& contract_label, const std::string& model_name) {
  return fmt::format(
      "Escalation: no tool satisfied the contract after {} attempts (last failure at stage "
      "\"{}\": {}).\nThe loop does not hand over unverified code. Look at the contract ({}, "
      "model {}) and the task: is the task possible and unambiguous, and does the contract ask "
      "for what the task can produce? Fix the contract or the task, not the code, then run "
      "again (or allow more attempts with --max-attempts).",
      max_attempts, last.stage, last.summary, contract_label, model_name);
}

}  // namespace bt::engine
