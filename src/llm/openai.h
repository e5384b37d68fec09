// The OpenAI-compatible chat-completions provider (OpenAI itself, llama.cpp's
// server, vLLM, Ollama's /v1, LM Studio, ...), plus the response parser that
// the replay provider shares so a recorded answer is read exactly like a live one.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "llm/provider.h"
#include "util/result.h"

namespace bt::llm {

inline constexpr const char* kDefaultOpenAiBaseUrl = "https://api.openai.com/v1";

// Resolves model, base URL and key from the config, then the environment
// (BITTER_LLM_MODEL, OPENAI_BASE_URL, OPENAI_API_KEY). A missing model or a
// base URL that is not http(s) is a usage error; nothing is contacted yet.
Result<std::unique_ptr<Provider>> make_openai_provider(const ProviderConfig& config);

// Reads a chat-completion response object: choices[0].message.content (or the
// reasoning text when content is null/empty), finish_reason, model and usage.
// When the object is not a chat completion it returns false and sets `why`;
// the caller picks the error kind (infra for a live answer, usage for a
// replay file). Never throws.
bool parse_chat_completion(const nlohmann::json& body, Response& out, std::string& why);

}  // namespace bt::llm
