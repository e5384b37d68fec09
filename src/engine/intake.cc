#include "engine/intake.h"

#include "contract/lint.h"
#include "contract/loader.h"
#include "contract/validate.h"
#include "util/files.h"
#include "util/recent.h"

namespace bt::engine {
namespace {

// A contract that linted clean and a task's verdict are pure functions of
// their text, and a server sees the same few again and again: parsing and
// linting the contract was most of the input gate's time (0.5 of 0.7 ms for
// the echo example), so the last few are kept, by their whole text. Not a
// contract with a $ref: it may read files beside it, which can change.
constexpr size_t kRecent = 32;

RecentCache<std::shared_ptr<const contract::Contract>>& linted_contracts() {
  static RecentCache<std::shared_ptr<const contract::Contract>> cache(kRecent);
  return cache;
}

RecentCache<gate::TaskVerdict>& task_verdicts() {
  static RecentCache<gate::TaskVerdict> cache(kRecent);
  return cache;
}

// The contract as loaded, if it also lints clean; else why not.
Result<std::shared_ptr<const contract::Contract>> load_and_lint(const std::string& text, const std::string& name,
                                                                const std::string& label) {
  // The name is in what the loader and the lint report say, so it is part of the key.
  const std::string key = name + '\0' + text;
  const bool cacheable = text.find("$ref") == std::string::npos;
  if (cacheable)
    if (auto hit = linted_contracts().get(key)) return *hit;
  // A contract that loads can still be unusable (an unknown format, a
  // contradiction): the loop would burn LLM calls on it, so lint it too.
  std::optional<contract::Contract> loaded;
  const auto lint = contract::lint_string(text, name, {}, &loaded);
  if (!loaded) {
    // Say why in the loader's words (one line with file:line), as `bitter run` always has.
    auto why = contract::load_string(text, name);
    if (!why) return why.error();
  }
  if (!lint.valid || !loaded)
    return input_error("the contract has problems; fix them first (`bitter lint " + label + "`):\n" +
                       contract::to_text(lint));
  auto contract = std::make_shared<const contract::Contract>(std::move(*loaded));
  if (cacheable) linted_contracts().put(key, contract);
  return contract;
}

Result<gate::TaskVerdict> task_verdict(const std::string& task) {
  if (auto hit = task_verdicts().get(task)) return *hit;
  auto verdict = gate::check_task(task);
  if (verdict) task_verdicts().put(task, *verdict);
  return verdict;
}

}  // namespace

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
  auto contract = load_and_lint(text, name, label);
  if (!contract) return at("contract", contract.error());

  Intake in;
  in.contract = std::move(*contract);
  in.contract_label = label;
  if (!inline_yaml) in.contract_path = std::filesystem::absolute(s.contract_path).string();
  auto input_model = contract::pick_input_model(*in.contract, s.input_model);
  if (!input_model) return at("input_model", input_model.error());
  auto model = contract::pick_model(*in.contract, s.model, *input_model);
  if (!model) return at("model", model.error());
  in.model = *model;

  if (s.task.find_first_not_of(" \t\r\n") == std::string::npos)
    return at("task", usage_error("the task is empty: say in plain words what the tool should do"));
  auto verdict = task_verdict(s.task);
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
