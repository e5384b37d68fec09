// `bitter run` and `bitter resume` share everything after the input gate.
#pragma once

#include <string>

#include "engine/service.h"
#include "engine/settings.h"
#include "util/log.h"

namespace bt::cli {

struct RunOptions {
  std::string root, rules;  // input gate root (--root), code gate rule file (--rules)
  std::string contract, task, input = "{}", model, input_model, llm, llm_model, nu, log_file;
  engine::RunSettings settings;
  bool strict_budget = false, json = false, quiet = false;
};

// The engine's options every command starts from: the data dir, nu and the
// LLM as the user named them (flags, else the environment).
engine::ServiceOptions service_options(const std::string& nu, const std::string& llm, const std::string& llm_model);

// Opens the engine for the options' LLM and nu, runs `job` in this thread
// (Ctrl-C or SIGTERM kill it: state KILLED), prints the outcome; returns the
// exit code.
int run_job(const RunOptions& opt, Logger& log, engine::Job job);

}  // namespace bt::cli
