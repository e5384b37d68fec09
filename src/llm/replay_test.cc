#include "llm/replay.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace bt::llm {
namespace {

const std::string kMixed = std::string(BITTER_SOURCE_DIR) + "/tests/fixtures/llm/replay_mixed.jsonl";

std::string temp_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::path(::testing::TempDir()) / ("bt_llm_" + name);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path.string();
}

TEST(Replay, AnswersInOrderInBothFormats) {
  auto p = make_replay_provider(kMixed);
  ASSERT_TRUE(p.ok()) << p.error().message;
  Provider& provider = **p;
  EXPECT_EQ(provider.describe(), "replay " + kMixed);

  auto a1 = provider.complete({});
  ASSERT_TRUE(a1.ok()) << a1.error().message;
  EXPECT_EQ(a1->text, "```nu\ndef main [] { 1 }\n```");
  EXPECT_EQ(a1->finish_reason, "stop");
  EXPECT_EQ(a1->model, "qwen2.5-coder");
  EXPECT_EQ(a1->prompt_tokens, 120);
  EXPECT_EQ(a1->completion_tokens, 15);

  auto a2 = provider.complete({});
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a2->text, "```nu\ndef main [] { 2 }\n```");
  EXPECT_TRUE(a2->truncated());
  EXPECT_EQ(a2->model, "replay");

  auto a3 = provider.complete({});
  ASSERT_TRUE(a3.ok());
  EXPECT_EQ(a3->text, "third");
  EXPECT_EQ(a3->finish_reason, "stop");  // the simple format defaults to a complete answer

  auto a4 = provider.complete({});
  ASSERT_TRUE(a4.ok());
  EXPECT_EQ(a4->text, "thinking only");

  auto a5 = provider.complete({});
  ASSERT_FALSE(a5.ok());
  EXPECT_EQ(a5.error().kind, ErrorKind::infra);
  EXPECT_NE(a5.error().message.find("the endpoint was down"), std::string::npos);
  EXPECT_NE(a5.error().message.find("line 8"), std::string::npos) << a5.error().message;
}

TEST(Replay, ExhaustionIsAnInfraErrorSayingHowManyThereWere) {
  auto p = make_replay_provider(temp_file("two.jsonl", "{\"content\":\"a\"}\n{\"content\":\"b\"}\n"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  ASSERT_TRUE((*p)->complete({}).ok());
  ASSERT_TRUE((*p)->complete({}).ok());
  for (int n = 3; n <= 4; ++n) {
    auto r = (*p)->complete({});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::infra);
    EXPECT_NE(r.error().message.find("has no answer #" + std::to_string(n) + " (it holds 2)"), std::string::npos)
        << r.error().message;
  }
}

TEST(Replay, CrlfFileAndNoFinalNewline) {
  auto p = make_replay_provider(temp_file("crlf.jsonl", "# c\r\n{\"content\":\"x\"}\r\n\r\n{\"content\":\"y\"}"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)->complete({})->text, "x");
  EXPECT_EQ((*p)->complete({})->text, "y");
}

TEST(Replay, BadJsonLineIsUsageErrorWithFileAndLine) {
  const auto path = temp_file("bad.jsonl", "{\"content\":\"ok\"}\n\n{\"content\": oops}\n");
  auto p = make_replay_provider(path);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::usage);
  EXPECT_NE(p.error().message.find(path + ":3:"), std::string::npos) << p.error().message;
}

TEST(Replay, WrongShapeIsUsageError) {
  for (const char* line : {"[1,2]", "{\"text\":\"no\"}", "{\"choices\":[]}", "\"just a string\""}) {
    const auto path = temp_file("shape.jsonl", std::string("// header\n") + line + "\n");
    auto p = make_replay_provider(path);
    ASSERT_FALSE(p.ok()) << line;
    EXPECT_EQ(p.error().kind, ErrorKind::usage) << line;
    EXPECT_NE(p.error().message.find(path + ":2:"), std::string::npos) << p.error().message;
  }
}

TEST(Replay, MissingFileIsUsageError) {
  auto p = make_replay_provider("/nonexistent/answers.jsonl");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().kind, ErrorKind::usage);
  EXPECT_NE(p.error().message.find("/nonexistent/answers.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace bt::llm
