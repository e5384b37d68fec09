// The replay provider ("replay:FILE") answers from a JSONL file of recorded
// model responses, in order. It makes the loop testable and demos repeatable
// without a model: same answers in, same run out.
#pragma once

#include <memory>
#include <string>

#include "llm/provider.h"
#include "util/result.h"

namespace bt::llm {

// Reads and checks the whole file now, so a bad line is a usage error at
// startup (with FILE:LINE) rather than halfway through a run. Line formats:
//   {"choices":[{"message":{"content":"..."},"finish_reason":"stop"}], ...}
//   {"content":"...", "finish_reason":"stop"}    (finish_reason optional)
//   {"error":"..."}     the call fails with this infra error (to test retries)
// Blank lines and lines starting with // or # are skipped.
Result<std::unique_ptr<Provider>> make_replay_provider(const std::string& path);

}  // namespace bt::llm
