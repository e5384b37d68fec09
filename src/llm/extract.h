#pragma once

#include <string>
#include <string_view>

namespace bt::llm {

struct Extraction {
  bool found = false;
  std::string code;
  std::string why;  // when not found: a sentence the LLM can act on
};

// Pulls the tool's code out of a model answer: drops <think>...</think>,
// normalises CRLF, prefers fenced blocks tagged nu/nushell/nuon, then
// untagged ones; among several, picks the one that looks like the whole tool.
Extraction extract_code(std::string_view answer);

}  // namespace bt::llm
