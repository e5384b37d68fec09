#include "engine/intake.h"

#include "contract/lint.h"
#include "contract/loader.h"
#include "contract/validate.h"
#include "util/files.h"

namespace bt::engine {

Result<Intake> intake(const Submission& s, std::string* field) {
  auto at = [field](const char* name, Error e) {
    if (field) *field = name;
    return e;
  };
  const bool inline_yaml = s.contract_path.empty();
  const std::string label = s.contract_label.empty() ? (inline_yaml ? "<inline>" : s.contract_path.string())
                                                     : s.contract_label;
  std::string text = s.contract_yaml;
  if (!inline_yaml) {
    auto read = read_file(s.contract_path);
    if (!read) return at("contract", read.error());
    text = std::move(*read);
  }
  const std::string name = inline_yaml ? label : s.contract_path.string();
  // A contract that loads can still be unusable (an unknown format, a
  // contradiction): the loop would burn LLM calls on it, so lint it too.
  std::optional<contract::Contract> loaded;
  const auto lint = contract::lint_string(text, name, {}, &loaded);
  if (!loaded) {
    // Say why in the loader's words (one line with file:line), as `bitter run` always has.
    auto why = contract::load_string(text, name);
    if (!why) return at("contract", why.error());
  }
  if (!lint.valid || !loaded)
    return at("contract", input_error("the contract has problems; fix them first (`bitter lint " + label + "`):\n" +
                       contract::to_text(lint)));

  Intake in;
  in.contract = std::make_shared<const contract::Contract>(std::move(*loaded));
  in.contract_label = label;
  if (!inline_yaml) in.contract_path = std::filesystem::absolute(s.contract_path).string();
  auto input_model = contract::pick_input_model(*in.contract, s.input_model);
  if (!input_model) return at("input_model", input_model.error());
  auto model = contract::pick_model(*in.contract, s.model, *input_model);
  if (!model) return at("model", model.error());
  in.model = *model;

  if (s.task.find_first_not_of(" \t\r\n") == std::string::npos)
    return at("task", usage_error("the task is empty: say in plain words what the tool should do"));
  auto verdict = gate::check_task(s.task);
  if (!verdict) return at("task", verdict.error());
  in.verdict = std::move(*verdict);
  in.task = in.verdict.text;

  auto input = gate::check_input_json(s.input_json);
  if (!input) return at("input_json", input.error());
  in.input = std::move(*input);
  if (*input_model) {
    auto report = contract::validate(**input_model, in.input);
    if (!report.ok())
      return at("input_json", input_error("the input does not satisfy the contract's input model " +
                                          (*input_model)->name + ":\n" + contract::to_text(report)));
  }
  return in;
}

}  // namespace bt::engine
