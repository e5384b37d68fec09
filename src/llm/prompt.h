#pragma once

#include <string>
#include <vector>

#include "llm/provider.h"

namespace bt::llm {

// Bumped whenever the prompt text changes meaning (part of the cache key later).
inline constexpr int kPromptVersion = 1;

struct PromptInput {
  std::string task;            // the user's words, delimited as data
  std::string contract_yaml;   // the contract as written
  std::string model_name;      // the output model
  std::string json_schema;     // the output model's JSON Schema, pretty-printed
  std::string input_example;   // the input JSON the tool will get
  int attempt = 1, max_attempts = 1;
  std::string previous_code;   // on a retry
  std::string feedback;        // on a retry: what went wrong, exactly
  // With --speculate, each candidate of an attempt gets its own approach so
  // the candidates do not all make the same mistake. Empty: none.
  std::string strategy_hint;
};

// The approach suggested to candidate `c` of an attempt (c = 0: none).
std::string strategy_hint(int candidate);

std::vector<Message> build_prompt(const PromptInput& in);

}  // namespace bt::llm
