// An LLM provider answers a chat request with text. Providers differ in the
// wire format; the loop sees only this interface.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/cancel.h"
#include "util/result.h"

namespace bt::llm {

struct Message {
  std::string role;  // system | user | assistant
  std::string content;
};

struct Request {
  std::vector<Message> messages;
  double temperature = 0.2;
  int max_tokens = 4096;
  // Sent when set (OpenAI, llama.cpp and vLLM honour it): speculative
  // candidates differ by seed as well as by temperature.
  std::optional<long long> seed;
  // Upper bound for this request (the execution's time left); zero = the
  // provider's own read timeout.
  std::chrono::milliseconds timeout{0};
  // Set: the request is aborted (an Error of kind cancelled) as soon as it
  // is cancelled: a killed execution or a losing speculative candidate.
  const CancelToken* cancel = nullptr;
};

struct Response {
  std::string text;           // content, or reasoning text when content is null
  std::string finish_reason;  // "stop", "length", ...
  std::string model;
  long prompt_tokens = 0, completion_tokens = 0;
  // A cut-off answer (finish_reason "length"): the loop treats it as feedback.
  bool truncated() const { return finish_reason == "length"; }
};

class Provider {
 public:
  virtual ~Provider() = default;
  // Errors: infra (unreachable, timeout, HTTP 5xx/429, unparsable body),
  // usage (bad configuration, HTTP 401/404 and other 4xx), cancelled.
  virtual Result<Response> complete(const Request& request) = 0;
  virtual std::string describe() const = 0;  // e.g. "openai http://127.0.0.1:8080/v1 model=x"
  // What a circuit breaker guards: the server, whatever the model.
  virtual std::string endpoint() const { return describe(); }
};

struct ProviderConfig {
  std::string spec;        // "openai" | "replay:FILE"; empty = from environment
  std::string model;       // --llm-model, else $BITTER_LLM_MODEL
  std::string base_url;    // else $OPENAI_BASE_URL, else https://api.openai.com/v1
  std::string api_key;     // else $OPENAI_API_KEY
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds read_timeout{300'000};
};

// Builds the provider for a spec. With no spec, $BITTER_LLM is used; with
// neither, a usage error that says how to configure one.
Result<std::unique_ptr<Provider>> make_provider(const ProviderConfig& config);

}  // namespace bt::llm
