#include "llm/openai.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "llm/fake_http_test_util.h"

namespace bt::llm {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test::CannedResponse;
using test::FakeHttpServer;

constexpr const char* kKey = "sk-secret-test-key-0123456789";

std::string completion(const json& message, const std::string& finish = "stop") {
  return json{{"id", "chatcmpl-1"},
              {"model", "served-model"},
              {"choices", json::array({{{"index", 0}, {"message", message}, {"finish_reason", finish}}})},
              {"usage", {{"prompt_tokens", 42}, {"completion_tokens", 7}}}}
      .dump();
}

class OpenAi : public ::testing::Test {
 protected:
  std::unique_ptr<Provider> make(const std::string& base_url, const std::string& key = "",
                                 std::chrono::milliseconds read_timeout = 5000ms) {
    ProviderConfig config;
    config.base_url = base_url;
    config.model = "qwen";
    config.api_key = key;
    config.connect_timeout = 2000ms;
    config.read_timeout = read_timeout;
    auto p = make_openai_provider(config);
    EXPECT_TRUE(p.ok()) << p.error().message;
    return p.ok() ? std::move(p.value()) : nullptr;
  }

  static Request request() {
    Request r;
    r.messages = {{"system", "be brief"}, {"user", "write the tool"}};
    r.temperature = 0.5;
    r.max_tokens = 100;
    return r;
  }

  test::CleanLlmEnv env_;
};

TEST_F(OpenAi, PostsModelAndMessagesWithoutAuthWhenNoKey) {
  FakeHttpServer server(CannedResponse{200, completion({{"role", "assistant"}, {"content", "hello"}})});
  auto p = make(server.base_url() + "/");  // trailing slash is stripped
  EXPECT_EQ(p->describe(), "openai " + server.base_url() + " model=qwen");

  auto r = p->complete(request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text, "hello");
  EXPECT_EQ(r->finish_reason, "stop");
  EXPECT_EQ(r->model, "served-model");
  EXPECT_EQ(r->prompt_tokens, 42);
  EXPECT_EQ(r->completion_tokens, 7);
  EXPECT_FALSE(r->truncated());

  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].request_line, "POST /v1/chat/completions HTTP/1.1");
  EXPECT_FALSE(seen[0].has_header("Authorization"));
  EXPECT_EQ(seen[0].header("content-type"), "application/json");
  const json body = json::parse(seen[0].body);
  EXPECT_EQ(body["model"], "qwen");
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0], (json{{"role", "system"}, {"content", "be brief"}}));
  EXPECT_EQ(body["messages"][1], (json{{"role", "user"}, {"content", "write the tool"}}));
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.5);
  EXPECT_EQ(body["max_tokens"], 100);
}

TEST_F(OpenAi, SendsBearerKeyFromConfigOrEnvironment) {
  FakeHttpServer server(CannedResponse{200, completion({{"content", "x"}})});
  ASSERT_TRUE(make(server.base_url(), kKey)->complete(request()).ok());
  test::ScopedEnv key("OPENAI_API_KEY", "sk-from-env\n");  // a trailing newline from a file is trimmed
  ASSERT_TRUE(make(server.base_url())->complete(request()).ok());
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].header("Authorization"), std::string("Bearer ") + kKey);
  EXPECT_EQ(seen[1].header("Authorization"), "Bearer sk-from-env");
}

TEST_F(OpenAi, NullContentFallsBackToReasoning) {
  FakeHttpServer server(std::vector<CannedResponse>{
      {200, completion({{"content", nullptr}, {"reasoning_content", "```nu\ndef main [] {}\n```"}})},
      {200, completion({{"content", ""}, {"reasoning", "from reasoning"}})}});
  auto p = make(server.base_url());
  auto r1 = p->complete(request());
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(r1->text, "```nu\ndef main [] {}\n```");
  auto r2 = p->complete(request());
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->text, "from reasoning");
}

TEST_F(OpenAi, LengthFinishReasonIsKept) {
  FakeHttpServer server(CannedResponse{200, completion({{"content", "```nu\ndef main"}}, "length")});
  auto r = make(server.base_url())->complete(request());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->finish_reason, "length");
  EXPECT_TRUE(r->truncated());
}

struct StatusCase {
  int status;
  std::string body;
  ErrorKind kind;
  std::vector<std::string> mentions;
};

TEST_F(OpenAi, HttpErrorsMapToKindsWithTheServersMessage) {
  const std::vector<StatusCase> cases = {
      {500, R"({"error":{"message":"model crashed","type":"server_error"}})", ErrorKind::infra,
       {"HTTP 500", "model crashed"}},
      {503, R"({"message":"loading model"})", ErrorKind::infra, {"HTTP 503", "loading model"}},
      {429, R"({"error":"rate limited"})", ErrorKind::infra, {"HTTP 429", "rate limited"}},
      {401, std::string(R"({"error":{"message":"Incorrect API key provided: )") + kKey + "\"}}",
       ErrorKind::usage, {"HTTP 401", "Incorrect API key", "check OPENAI_API_KEY"}},
      {404, R"({"error":{"message":"model 'qwen' not found"}})", ErrorKind::usage,
       {"HTTP 404", "not found", "check OPENAI_BASE_URL and the model name"}},
      {400, R"({"detail":"max_tokens too large"})", ErrorKind::usage, {"HTTP 400", "max_tokens too large"}},
      {502, "<html>Bad gateway</html>", ErrorKind::infra, {"HTTP 502", "<html>Bad gateway</html>"}},
  };
  for (const auto& c : cases) {
    FakeHttpServer server(CannedResponse{c.status, c.body});
    auto r = make(server.base_url(), kKey)->complete(request());
    ASSERT_FALSE(r.ok()) << c.status;
    EXPECT_EQ(r.error().kind, c.kind) << c.status << ": " << r.error().message;
    for (const auto& m : c.mentions) EXPECT_NE(r.error().message.find(m), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find(kKey), std::string::npos) << r.error().message;
  }
}

TEST_F(OpenAi, UnparsableAnswersAreInfraErrors) {
  for (const std::string body : {"this is not json", R"({"object":"chat.completion","choices":[]})", "[]", ""}) {
    FakeHttpServer server(CannedResponse{200, body});
    auto r = make(server.base_url(), kKey)->complete(request());
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().kind, ErrorKind::infra) << body;
    EXPECT_NE(r.error().message.find("unparsable answer from http://127.0.0.1:"), std::string::npos)
        << r.error().message;
  }
}

TEST_F(OpenAi, ConnectionRefusedIsAQuickInfraError) {
  const auto base = "http://127.0.0.1:" + std::to_string(test::closed_port()) + "/v1";
  const auto start = std::chrono::steady_clock::now();
  auto r = make(base, kKey)->complete(request());
  ASSERT_FALSE(r.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  EXPECT_EQ(r.error().kind, ErrorKind::infra);
  EXPECT_NE(r.error().message.find("LLM endpoint " + base + "/chat/completions unreachable"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("Connection refused"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(kKey), std::string::npos);
}

TEST_F(OpenAi, SilentServerTimesOutAsInfraError) {
  FakeHttpServer server(CannedResponse{200, "", /*never_answer=*/true});
  const auto start = std::chrono::steady_clock::now();
  auto r = make(server.base_url(), kKey, 300ms)->complete(request());
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::infra);
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 1200ms);
  EXPECT_NE(r.error().message.find(server.base_url() + "/chat/completions timed out"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("read timeout 300 ms"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find(kKey), std::string::npos);
  EXPECT_EQ(server.requests().size(), 1u);  // it did get the request: a slow model, not a dead one
}

TEST_F(OpenAi, CancellingAbortsAnOpenRequestPromptly) {
  FakeHttpServer server(CannedResponse{200, "", /*never_answer=*/true});
  auto token = CancelToken::make();
  auto req = request();
  req.cancel = token.get();
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    token->cancel("killed by request");
  });
  const auto start = std::chrono::steady_clock::now();
  auto r = make(server.base_url(), kKey, 30'000ms)->complete(req);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::cancelled);
  EXPECT_NE(r.error().message.find("killed by request"), std::string::npos) << r.error().message;
  // curl checks the token at least once a second while the server is silent.
  EXPECT_LT(elapsed, 2500ms);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(OpenAi, InvalidUtf8InPromptDoesNotThrow) {
  FakeHttpServer server(CannedResponse{200, completion({{"content", "ok"}})});
  Request r = request();
  r.messages[1].content = "stderr said: \xff\xfe broken";
  auto answer = make(server.base_url())->complete(r);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_TRUE(json::accept(server.requests().at(0).body));
}

TEST(OpenAiParse, ContentAsListOfParts) {
  Response out;
  std::string why;
  const json body = json::parse(
      R"({"choices":[{"message":{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}]})");
  ASSERT_TRUE(parse_chat_completion(body, out, why)) << why;
  EXPECT_EQ(out.text, "ab");
  EXPECT_EQ(out.finish_reason, "");
  EXPECT_FALSE(parse_chat_completion(json::parse(R"({"choices":[{"index":0}]})"), out, why));
  EXPECT_EQ(why, "choices[0] has no message");
}

}  // namespace
}  // namespace bt::llm
