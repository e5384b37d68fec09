// The cache of validated tools. A tool is reused only for the same contract
// (normalised: comments, order and layout do not matter), output model, task,
// runtime, LLM and prompt version. A hit skips the LLM but not the gates, the
// sandbox or the contract: the cached tool must pass on the new input, or it
// is evicted and the loop runs as if there had been no hit.
#pragma once

#include <string>

#include "contract/contract.h"

namespace bt::engine {

struct CacheKeyInput {
  const contract::Contract* contract = nullptr;
  std::string model;     // output model name
  std::string task;      // as the LLM sees it (after the input gate's cleaning)
  std::string runtime;   // e.g. "nu 0.115.1"
  std::string llm;       // provider and model, e.g. "openai http://host/v1 model=x"
  int prompt_version = 0;
};

// SHA-256 over the parts, each length-prefixed so no two inputs collide by
// concatenation.
std::string cache_key(const CacheKeyInput& in);

}  // namespace bt::engine
