// OpenAI-compatible chat completions over libcurl. One blocking POST per
// request; the loop calls us from one thread at a time, and each call uses its
// own easy handle, so calls from several threads are safe too.
//
// Error kinds matter to the caller: infra errors (endpoint down, slow, 429,
// 5xx, garbage) may be retried or reported as "machine trouble"; usage errors
// (401, 404, other 4xx, bad configuration) will not get better by retrying.
#include "llm/openai.h"

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <mutex>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/curl_api.h"

#include "util/json_depth.h"
#include "util/strings.h"
#include "util/url.h"

namespace bt::llm {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

// A chat answer is a few KB; anything past this is a misbehaving server and
// must not eat the machine's memory.
constexpr std::size_t kMaxBody = std::size_t{64} << 20;
constexpr std::size_t kExcerptChars = 300;

bool starts_with_nocase(std::string_view s, std::string_view prefix);

// Retry-After: delay-seconds or an HTTP-date (RFC 9110 10.2.3).
std::optional<milliseconds> parse_retry_after(const std::string& v) {
  if (v.empty()) return std::nullopt;
  if (v.find_first_not_of("0123456789") == std::string::npos && v.size() < 10)
    return milliseconds(std::stoll(v) * 1000);
  std::tm tm{};
  if (const char* end = strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm); end && *end == '\0') {
    const auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
    const auto left = std::chrono::duration_cast<milliseconds>(at - std::chrono::system_clock::now());
    return std::max(milliseconds(0), left);
  }
  return std::nullopt;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// Servers sometimes echo the key back ("Incorrect API key provided: sk-...");
// every error text passes through here so the key never reaches a log.
std::string redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
    text.replace(pos, secret.size(), "***");
  return text;
}

// One bounded line of a body, for quoting in an error message.
std::string excerpt(std::string_view body) {
  if (body.empty()) return "(empty body)";
  std::string out;
  for (char c : body.substr(0, kExcerptChars))
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (body.size() > kExcerptChars) out += "...";
  return out;
}

// The human-readable part of an error body: {"error":{"message":...}},
// {"error":"..."}, {"message":...} or FastAPI's {"detail":...}; else an excerpt.
std::string error_message(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (auto e = j.find("error"); e != j.end()) {
      if (e->is_string()) return e->get<std::string>();
      if (auto m = e->find("message"); m != e->end() && m->is_string()) return m->get<std::string>();
    }
    for (const char* key : {"message", "detail"})
      if (auto m = j.find(key); m != j.end() && m->is_string()) return m->get<std::string>();
  }
  return excerpt(body);
}

// Content is a string, null, or (some servers) a list of {"type":"text","text":...}.
std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  std::string out;
  if (v.is_array())
    for (const auto& part : v)
      if (auto t = part.find("text"); part.is_object() && t != part.end() && t->is_string())
        out += t->get<std::string>();
  return out;
}

std::string string_field(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() ? text_of(*it) : "";
}

long long_field(const json& obj, const char* key) {
  if (!obj.is_object()) return 0;
  auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<long>() : 0;
}

// Keeps the one response header the retry logic needs.
std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  const std::string_view line(data, size * n);
  constexpr std::string_view name = "retry-after:";
  if (starts_with_nocase(line, name)) *static_cast<std::string*>(user) = trim(std::string(line.substr(name.size())));
  return size * n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * n > kMaxBody) return 0;  // makes curl fail with CURLE_WRITE_ERROR
  body->append(data, size * n);
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const CancelToken*>(user)->cancelled() ? 1 : 0;
}

struct CurlDeleter {
  const CurlApi* api;
  void operator()(CURL* c) const { api->easy_cleanup(c); }
};
struct SlistDeleter {
  const CurlApi* api;
  void operator()(curl_slist* l) const { api->slist_free_all(l); }
};

class OpenAiProvider final : public Provider {
 public:
  OpenAiProvider(std::string base_url, std::string model, std::string api_key,
                 milliseconds connect_timeout, milliseconds read_timeout)
      : base_url_(std::move(base_url)),
        endpoint_(base_url_ + "/chat/completions"),
        shown_endpoint_(display_url(endpoint_)),
        model_(std::move(model)),
        api_key_(std::move(api_key)),
        connect_timeout_(connect_timeout),
        read_timeout_(read_timeout) {}

  Result<Response> complete(const Request& request) override {
    // Nothing below should throw, but a bad_alloc or a json corner case must
    // still come back as an Error rather than unwind through the engine.
    try {
      return perform(request);
    } catch (const std::exception& e) {
      return fail(ErrorKind::infra, "LLM request to " + shown_endpoint_ + " failed: " + e.what());
    }
  }

  std::string describe() const override {
    return "openai " + display_url(base_url_) + " model=" + model_;
  }
  std::string endpoint() const override { return display_url(base_url_); }

 private:
  Error fail(ErrorKind kind, const std::string& message) const {
    return {kind, redact(message, api_key_)};
  }

  std::string payload(const Request& request) const {
    json messages = json::array();
    for (const auto& m : request.messages) messages.push_back({{"role", m.role}, {"content", m.content}});
    json body = {{"model", model_},
                 {"messages", std::move(messages)},
                 {"temperature", request.temperature},
                 {"max_tokens", request.max_tokens}};
    if (request.seed) body["seed"] = *request.seed;
    // A task or feedback with invalid UTF-8 (tool stderr can be anything)
    // must not make dump() throw: replace the bad bytes instead.
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  Result<Response> perform(const Request& request) {
    auto loaded = curl_api();
    if (!loaded) return loaded.error();
    const CurlApi& api = **loaded;
    std::unique_ptr<CURL, CurlDeleter> curl(api.easy_init(), CurlDeleter{&api});
    if (!curl) return fail(ErrorKind::infra, "cannot initialise libcurl");

    curl_slist* raw = nullptr;
    std::vector<std::string> lines = {"Content-Type: application/json", "Accept: application/json",
                                      "Expect:"};  // no 100-continue round trip on big prompts
    if (!api_key_.empty()) lines.push_back("Authorization: Bearer " + api_key_);
    for (const auto& line : lines)
      if (curl_slist* next = api.slist_append(raw, line.c_str())) raw = next;
    std::unique_ptr<curl_slist, SlistDeleter> headers(raw, SlistDeleter{&api});

    const std::string body_out = payload(request);
    std::string body_in;
    char errbuf[CURL_ERROR_SIZE] = {};
    CURL* h = curl.get();
    api.easy_setopt(h, CURLOPT_URL, endpoint_.c_str());
    api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    api.easy_setopt(h, CURLOPT_POST, 1L);
    api.easy_setopt(h, CURLOPT_POSTFIELDS, body_out.c_str());
    api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_out.size()));
    api.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    api.easy_setopt(h, CURLOPT_USERAGENT, "bitter-truth");
    std::string retry_after;
    api.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    api.easy_setopt(h, CURLOPT_HEADERDATA, &retry_after);
    api.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    api.easy_setopt(h, CURLOPT_WRITEDATA, &body_in);
    api.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    // Signals would be the only way curl can time out DNS lookups otherwise,
    // and they are unsafe in a multi-threaded process.
    api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout_.count()));
    // The whole exchange, generation included, must end within read_timeout.
    // A request also ends when the execution's deadline says so.
    const auto timeout = request.timeout.count() > 0 ? std::min(request.timeout, read_timeout_) : read_timeout_;
    api.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long long>(1, timeout.count())));

    if (request.cancel) {
      // curl calls this at least once a second and on every chunk; a non-zero
      // return aborts the transfer, which closes the connection to the server.
      api.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
      api.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
      api.easy_setopt(h, CURLOPT_XFERINFODATA, request.cancel);
    }

    const CURLcode rc = api.easy_perform(h);
    if (rc == CURLE_ABORTED_BY_CALLBACK && request.cancel)
      return cancelled_error("LLM request to " + shown_endpoint_ + " cancelled: " + request.cancel->reason());
    if (rc != CURLE_OK) return transport_error(api, h, rc, errbuf, body_in.size());

    long status = 0;
    api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status >= 300) {
      Error e = status_error(status, body_in);
      e.retry_after = parse_retry_after(retry_after);
      return e;
    }
    return parse(body_in);
  }

  Error transport_error(const CurlApi& api, CURL* h, CURLcode rc, const char* errbuf,
                        std::size_t received) const {
    std::string detail = errbuf[0] ? errbuf : api.easy_strerror(rc);
    long os_errno = 0;
    api.easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
    // curl says "Couldn't connect to server"; the errno says why (refused, unreachable...).
    if (os_errno != 0) detail += " (" + std::system_category().message(static_cast<int>(os_errno)) + ")";
    if (rc == CURLE_WRITE_ERROR && received + CURL_MAX_WRITE_SIZE > kMaxBody)
      return fail(ErrorKind::infra, "LLM endpoint " + shown_endpoint_ + " sent an answer larger than " +
                                        std::to_string(kMaxBody >> 20) + " MiB");
    // A timeout usually means a slow model, not a dead host: say which limit hit.
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return fail(ErrorKind::infra, "LLM endpoint " + shown_endpoint_ + " timed out: " + detail + " (connect timeout " +
                                        std::to_string(connect_timeout_.count()) + " ms, read timeout " +
                                        std::to_string(read_timeout_.count()) + " ms)");
    return fail(ErrorKind::infra, "LLM endpoint " + shown_endpoint_ + " unreachable: " + detail);
  }

  Error status_error(long status, const std::string& body) const {
    const std::string what =
        "LLM endpoint " + shown_endpoint_ + " answered HTTP " + std::to_string(status) + ": " + error_message(body);
    // Overload and server trouble are transient; anything else 4xx is our request or setup.
    if (status == 429 || status >= 500 || status < 400) return fail(ErrorKind::infra, what);
    if (status == 401 || status == 403) return fail(ErrorKind::usage, what + " (check OPENAI_API_KEY)");
    if (status == 404)
      return fail(ErrorKind::usage, what + " (check OPENAI_BASE_URL and the model name)");
    return fail(ErrorKind::usage, what);
  }

  Result<Response> parse(const std::string& body) const {
    if (nests_too_deep(body))
      return fail(ErrorKind::infra, "LLM endpoint " + shown_endpoint_ + " sent an answer nested too deeply");
    const json j = json::parse(body, nullptr, false);
    if (j.is_discarded())
      return fail(ErrorKind::infra, "unparsable answer from " + shown_endpoint_ + ": " + excerpt(body));
    if (j.is_object() && j.contains("error") && !j.contains("choices"))
      return fail(ErrorKind::infra, "LLM endpoint " + shown_endpoint_ + " answered an error: " + error_message(body));
    Response out;
    std::string why;
    if (!parse_chat_completion(j, out, why))
      return fail(ErrorKind::infra,
                  "unparsable answer from " + shown_endpoint_ + " (" + why + "): " + excerpt(body));
    if (out.model.empty()) out.model = model_;
    return out;
  }

  std::string base_url_, endpoint_, shown_endpoint_, model_, api_key_;
  milliseconds connect_timeout_, read_timeout_;
};

}  // namespace

bool parse_chat_completion(const json& body, Response& out, std::string& why) {
  if (!body.is_object()) {
    why = "not a JSON object";
    return false;
  }
  auto choices = body.find("choices");
  if (choices == body.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    why = "no choices";
    return false;
  }
  const json& choice = (*choices)[0];
  auto message = choice.find("message");
  if (message != choice.end() && message->is_object()) {
    out.text = string_field(*message, "content");
    // Reasoning models (DeepSeek-R1, Qwen3 via vLLM/llama.cpp) may leave
    // content null and put everything, code included, in a reasoning field.
    if (trim(out.text).empty()) out.text = string_field(*message, "reasoning_content");
    if (trim(out.text).empty()) out.text = string_field(*message, "reasoning");
  } else if (choice.contains("text")) {
    out.text = string_field(choice, "text");  // legacy /completions shape
  } else {
    why = "choices[0] has no message";
    return false;
  }
  out.finish_reason = string_field(choice, "finish_reason");
  out.model = string_field(body, "model");
  if (auto usage = body.find("usage"); usage != body.end()) {
    out.prompt_tokens = long_field(*usage, "prompt_tokens");
    out.completion_tokens = long_field(*usage, "completion_tokens");
  }
  return true;
}

Result<std::unique_ptr<Provider>> make_openai_provider(const ProviderConfig& config) {
  const std::string model =
      trim(!config.model.empty() ? config.model : env_or_empty("BITTER_LLM_MODEL"));
  if (model.empty())
    return usage_error(
        "no model for the openai provider: pass --llm-model or set BITTER_LLM_MODEL "
        "to a model name the endpoint serves");

  std::string base =
      trim(!config.base_url.empty() ? config.base_url : env_or_empty("OPENAI_BASE_URL"));
  if (base.empty()) base = kDefaultOpenAiBaseUrl;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!starts_with_nocase(base, "http://") && !starts_with_nocase(base, "https://"))
    return usage_error("LLM base URL (OPENAI_BASE_URL) must start with http:// or https://, got '" +
                       display_url(base) + "'");

  // Keys read from files often end in a newline; inside one would split the header.
  const std::string key =
      trim(!config.api_key.empty() ? config.api_key : env_or_empty("OPENAI_API_KEY"));
  if (key.find_first_of("\r\n") != std::string::npos)
    return usage_error("OPENAI_API_KEY contains a line break");

  return std::unique_ptr<Provider>(std::make_unique<OpenAiProvider>(
      std::move(base), model, key, config.connect_timeout, config.read_timeout));
}

}  // namespace bt::llm
