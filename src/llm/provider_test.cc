#include "llm/provider.h"

#include <gtest/gtest.h>

#include "llm/fake_http_test_util.h"
#include "llm/openai.h"

namespace bt::llm {
namespace {

using test::ScopedEnv;

const std::string kReplay = std::string(BITTER_SOURCE_DIR) + "/tests/fixtures/llm/replay_mixed.jsonl";

class MakeProvider : public ::testing::Test {
 protected:
  test::CleanLlmEnv env_;
};

TEST_F(MakeProvider, NothingConfiguredSaysHowToConfigure) {
  auto p = make_provider({});
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::usage);
  for (const char* hint : {"no LLM provider configured", "--llm openai", "OPENAI_BASE_URL", "BITTER_LLM_MODEL",
                           "--llm replay:FILE", "BITTER_LLM"})
    EXPECT_NE(p.error().message.find(hint), std::string::npos) << hint << " in: " << p.error().message;
}

TEST_F(MakeProvider, UnknownSpecListsValidOnes) {
  ProviderConfig config;
  config.spec = "anthropic";
  auto p = make_provider(config);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::usage);
  EXPECT_NE(p.error().message.find("'anthropic'"), std::string::npos);
  EXPECT_NE(p.error().message.find("'openai'"), std::string::npos);
  EXPECT_NE(p.error().message.find("'replay:FILE'"), std::string::npos);

  ScopedEnv spec("BITTER_LLM", "bogus");
  auto from_env = make_provider({});
  ASSERT_FALSE(from_env.ok());
  EXPECT_NE(from_env.error().message.find("(from BITTER_LLM)"), std::string::npos) << from_env.error().message;
}

TEST_F(MakeProvider, ReplaySpecFromConfigOrEnvironment) {
  ProviderConfig config;
  config.spec = "replay:" + kReplay;
  auto p = make_provider(config);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)->describe(), "replay " + kReplay);

  ScopedEnv spec("BITTER_LLM", ("replay:" + kReplay).c_str());
  auto from_env = make_provider({});
  ASSERT_TRUE(from_env.ok()) << from_env.error().message;
  EXPECT_EQ((*from_env)->describe(), "replay " + kReplay);

  config.spec = "replay:";
  auto empty = make_provider(config);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::usage);
}

TEST_F(MakeProvider, OpenAiNeedsAModel) {
  ProviderConfig config;
  config.spec = "openai";
  auto p = make_provider(config);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::usage);
  EXPECT_NE(p.error().message.find("--llm-model or set BITTER_LLM_MODEL"), std::string::npos) << p.error().message;
}

TEST_F(MakeProvider, OpenAiFromConfig) {
  ProviderConfig config;
  config.spec = "openai";
  config.model = "qwen";
  config.base_url = "http://127.0.0.1:8080/v1//";
  auto p = make_provider(config);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)->describe(), "openai http://127.0.0.1:8080/v1 model=qwen");
}

TEST_F(MakeProvider, OpenAiDefaultsToTheOfficialEndpoint) {
  ProviderConfig config;
  config.spec = "openai";
  config.model = "gpt-4o-mini";
  auto p = make_provider(config);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)->describe(), std::string("openai ") + kDefaultOpenAiBaseUrl + " model=gpt-4o-mini");
}

TEST_F(MakeProvider, BaseUrlAloneSelectsOpenAiAndEnvSuppliesTheRest) {
  ScopedEnv base("OPENAI_BASE_URL", "http://localhost:11434/v1/");
  ScopedEnv model("BITTER_LLM_MODEL", "llama3");
  auto p = make_provider({});
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)->describe(), "openai http://localhost:11434/v1 model=llama3");

  ProviderConfig config;  // config wins over the environment
  config.model = "qwen";
  config.base_url = "http://10.0.0.1:8000/v1";
  auto q = make_provider(config);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ((*q)->describe(), "openai http://10.0.0.1:8000/v1 model=qwen");
}

TEST_F(MakeProvider, BadBaseUrlIsUsageErrorAndCredentialsAreNotShown) {
  ProviderConfig config;
  config.spec = "openai";
  config.model = "m";
  config.base_url = "localhost:8080/v1";
  auto p = make_provider(config);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::usage);
  EXPECT_NE(p.error().message.find("http://"), std::string::npos);

  config.base_url = "https://user:hunter2@llm.example/v1";
  auto q = make_provider(config);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ((*q)->describe(), "openai https://llm.example/v1 model=m");
}

TEST_F(MakeProvider, EnvironmentIsRestoredByScopedEnv) {
  {
    ScopedEnv spec("BITTER_LLM", "openai");
    EXPECT_STREQ(std::getenv("BITTER_LLM"), "openai");
  }
  EXPECT_EQ(std::getenv("BITTER_LLM"), nullptr);
}

}  // namespace
}  // namespace bt::llm
