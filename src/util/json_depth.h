// How deeply a JSON text nests, found without parsing it. Parsing, dumping
// and validating JSON recurse; a document nested tens of thousands deep (from
// a client, a tool's stdout or an LLM server) would overflow the stack, so
// untrusted text is measured before it is parsed.
#pragma once

#include <cstddef>
#include <string_view>

namespace bt {

// Nesting of arrays and objects outside strings; stops counting past `cap`
// (returns cap + 1), so the scan is linear and cheap.
inline size_t json_depth(std::string_view text, size_t cap) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > cap) return cap + 1;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// The limit bitter applies to JSON it did not write itself.
inline constexpr size_t kMaxJsonDepth = 128;

inline bool nests_too_deep(std::string_view text, size_t cap = kMaxJsonDepth) { return json_depth(text, cap) > cap; }

}  // namespace bt
