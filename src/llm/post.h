// A plain JSON POST over the lazily loaded libcurl, for webhooks: no
// retries here (the caller owns its policy), no redirects, http(s) only.
#pragma once

#include <chrono>
#include <string>

#include "util/result.h"

namespace bt::llm {

// The HTTP status, or an infra error when no answer came (refused,
// unreachable, timed out).
Result<long> post_json(const std::string& url, const std::string& body, std::chrono::milliseconds timeout);

}  // namespace bt::llm
