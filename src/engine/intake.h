// The input gate's checks on one submission, shared by `bitter run` and the
// HTTP API: the contract loads and lints clean, the models exist, the task is
// cleaned and scored, the input parses and satisfies the input model. Any
// failure is an input error naming what to fix; nothing here asks the LLM.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "contract/contract.h"
#include "gate/input_gate.h"
#include "util/result.h"

namespace bt::engine {

struct Submission {
  // Either a contract file (already confined to its root by the caller) or
  // the YAML itself; `contract_label` is how the user named it.
  std::filesystem::path contract_path;
  std::string contract_yaml;
  std::string contract_label;
  std::string model, input_model;  // "" = the contract's only / *Input model
  std::string task;                // the text itself, not @FILE
  std::string input_json = "{}";
};

struct Intake {
  std::shared_ptr<const contract::Contract> contract;
  const contract::Model* model = nullptr;  // points into *contract
  std::string contract_label;
  std::string contract_path;  // absolute; "" for an inline contract
  std::string task;           // cleaned: controls and invisibles removed, NFKC
  nlohmann::json input;
  gate::TaskVerdict verdict;  // !verdict.accept: record the rejection, ask nothing
};

// On error, `field` (if given) names the submission field at fault:
// contract, model, input_model, task or input_json.
Result<Intake> intake(const Submission& s, std::string* field = nullptr);

}  // namespace bt::engine
