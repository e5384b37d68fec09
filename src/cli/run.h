// `bitter run` and `bitter resume` share everything after the input gate.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "contract/contract.h"
#include "engine/loop.h"
#include "util/log.h"

namespace bt::cli {

struct RunOptions {
  std::string root, rules;  // input gate root (--root), code gate rule file (--rules)
  std::string contract, task, input = "{}", model, input_model, llm, llm_model, nu, log_file;
  int max_attempts = 3;
  int speculate = 1;  // candidates per attempt
  double timeout_s = 10;
  double deadline_s = 1800, generate_s = 300;
  bool strict_budget = false, no_cache = false;
  bool json = false, keep = false, quiet = false, unsafe = false;
  uint64_t memory_mb = 1024;
};

// What the input gate accepted (or what a resumed execution recorded).
struct Prepared {
  const contract::Contract* contract = nullptr;
  const contract::Model* model = nullptr;
  std::string contract_path;  // absolute
  std::string task;           // cleaned by the input gate
  nlohmann::json input;
  nlohmann::json input_gate;
  std::string rules_path;  // absolute; "" = built-in rules only
  std::optional<engine::ResumePoint> resume;
};

// Finds nu and the provider, checks the sandbox, configures and runs the
// loop, prints the outcome; returns the exit code.
int execute(const RunOptions& opt, Logger& log, Prepared& p);

}  // namespace bt::cli
