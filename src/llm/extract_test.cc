#include "llm/extract.h"

#include <gtest/gtest.h>

namespace bt::llm {
namespace {

constexpr const char* kTool = "def main [] {\n  $in | from json | to json -r\n}\n";

TEST(Extract, TaggedNuBlockWithProseAround) {
  const auto e = extract_code("Here is the tool:\n\n```nu\ndef main [] {\n  $in | from json | to json -r\n}\n```\n\n"
                              "It echoes the input.");
  ASSERT_TRUE(e.found) << e.why;
  EXPECT_EQ(e.code, kTool);
}

TEST(Extract, NushellAndNuonTagsAnyCase) {
  for (const char* tag : {"nushell", "NuShell", "nuon", "NU", "nu title=tool.nu", "{.nu}"}) {
    const auto e = extract_code(std::string("```") + tag + "\ndef main [] { 1 }\n```\n");
    ASSERT_TRUE(e.found) << tag;
    EXPECT_EQ(e.code, "def main [] { 1 }\n") << tag;
  }
}

TEST(Extract, UntaggedBlock) {
  const auto e = extract_code("```\ndef main [] { 1 }\n```");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] { 1 }\n");
}

TEST(Extract, TaggedBeatsUntaggedOfSameKind) {
  const auto e = extract_code("```\ndef main [] { 'untagged but longer' }\n```\n```nu\ndef main [] { 2 }\n```\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] { 2 }\n");
}

TEST(Extract, ThinkSectionIsDroppedEvenWithAFenceInside) {
  const auto e = extract_code(
      "<think>\nMaybe:\n```nu\ndef main [] { 'draft' }\n```\nno, better with length.\n</think>\n"
      "```nu\ndef main [] { 'final' }\n```\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] { 'final' }\n");
}

TEST(Extract, AnswerStartingInsideThink) {
  // The chat template opened <think>; the answer only has the closing tag.
  const auto e = extract_code("draft:\n```nu\ndef main [] { 'draft' }\n```\n</think>\n```nu\ndef main [] { 'x' }\n```");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] { 'x' }\n");
}

TEST(Extract, UnclosedThinkIsIgnoredAndExplained) {
  const auto e = extract_code("<think>\nI will write\n```nu\ndef main [] { 1 }\n```\nand then");
  EXPECT_FALSE(e.found);
  EXPECT_NE(e.why.find("<think>"), std::string::npos) << e.why;
  EXPECT_NE(e.why.find("```nu"), std::string::npos) << e.why;
}

TEST(Extract, CrlfAndLoneCrBecomeLf) {
  const auto e = extract_code("```nu\r\ndef main [] {\r\n  1\r\n}\r\n```\r\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] {\n  1\n}\n");
  const auto cr = extract_code("```nu\rdef main [] { 1 }\r```\r");
  ASSERT_TRUE(cr.found);
  EXPECT_EQ(cr.code, "def main [] { 1 }\n");
}

TEST(Extract, SeveralBlocksPreferDefMain) {
  const auto e = extract_code(
      "Helper first:\n```nu\n# a long helper that is not the whole tool, just a snippet\nlet x = ([1 2 3] | math sum)\n```\n"
      "The tool:\n```nu\ndef main [] { 1 }\n```\nRun it with:\n```nu\nopen input.json | nu tool.nu\n```\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] { 1 }\n");
}

TEST(Extract, DefMainInUntaggedBeatsSnippetInTagged) {
  const auto e = extract_code("```nu\n$in | from json\n```\nWhole tool:\n```\ndef --env main [] { 1 }\n```\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def --env main [] { 1 }\n");
}

TEST(Extract, SeveralBlocksWithoutDefMainPickLongest) {
  const auto e = extract_code("```nu\n[1] | to json\n```\n```nu\n[1 2 3 4] | each {|x| $x * 2 } | to json\n```\n"
                              "```nu\n1\n```\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "[1 2 3 4] | each {|x| $x * 2 } | to json\n");
}

TEST(Extract, OnlyJsonBlockIsNotCode) {
  const auto e = extract_code("The output will be:\n```json\n{\"message\": \"hi\"}\n```\n");
  EXPECT_FALSE(e.found);
  EXPECT_NE(e.why.find("```json"), std::string::npos) << e.why;
  EXPECT_NE(e.why.find("```nu"), std::string::npos) << e.why;
}

TEST(Extract, OtherLanguageBlocksAreIgnoredWhenNuExists) {
  const auto e = extract_code("```bash\necho '{}' | nu tool.nu\n```\n```nu\ndef main [] { 1 }\n```\n"
                              "```json\n{\"a\": 1, \"much\": \"longer than the tool itself, really\"}\n```\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] { 1 }\n");
}

TEST(Extract, NoFencePlainCode) {
  const auto e = extract_code("\n\ndef main [] {\n  $in | from json | to json -r\n}\n\n\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, kTool);
  const auto pipeline = extract_code("$in | from json | get a | to json -r");
  ASSERT_TRUE(pipeline.found);
  EXPECT_EQ(pipeline.code, "$in | from json | get a | to json -r\n");
}

TEST(Extract, NoFenceProseIsNotFound) {
  const auto e = extract_code("let me think about how to do this. I would use a loop.");
  EXPECT_FALSE(e.found);
  EXPECT_EQ(e.why, "no code block found: answer with exactly one fenced ```nu block containing the whole tool");
  EXPECT_FALSE(extract_code("").found);
}

TEST(Extract, UnclosedFinalFenceRunsToEnd) {
  const auto e = extract_code("Sure:\n```nu\ndef main [] {\n  1\n}   \n\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] {\n  1\n}\n");
}

TEST(Extract, TildeFences) {
  const auto e = extract_code("~~~nu\ndef main [] { 1 }\n```\nstill code\n~~~\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] { 1 }\n```\nstill code\n");
}

TEST(Extract, FourBacktickFenceContainingThreeBacktickLines) {
  const auto e = extract_code("````nu\n# Prints like:\n# ```json\n# {}\n# ```\ndef main [] { {} | to json -r }\n````\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "# Prints like:\n# ```json\n# {}\n# ```\ndef main [] { {} | to json -r }\n");
  // A shorter fence inside does not close a longer one, even at line start.
  const auto inner = extract_code("````nu\ndef main [] {\n```\n}\n````\n");
  ASSERT_TRUE(inner.found);
  EXPECT_EQ(inner.code, "def main [] {\n```\n}\n");
}

TEST(Extract, IndentedFenceLosesItsIndentation) {
  const auto e = extract_code("1. The tool:\n   ```nu\n   def main [] {\n     1\n   }\n   ```\n");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] {\n  1\n}\n");
  // Four spaces is an indented code block in Markdown, not a fence.
  const auto four = extract_code("    ```json\n    {}\n    ```\n");
  EXPECT_FALSE(four.found);
  EXPECT_EQ(four.why.find("```json"), std::string::npos) << four.why;
}

TEST(Extract, EmptyNuBlockIsExplained) {
  const auto e = extract_code("```nu\n\n```\n");
  EXPECT_FALSE(e.found);
  EXPECT_NE(e.why.find("empty"), std::string::npos) << e.why;
}

TEST(Extract, InlineBackticksAreNotFences) {
  const auto e = extract_code("Use ```nu def main [] {}``` inline, then:\n```nu\ndef main [] { 1 }\n```");
  ASSERT_TRUE(e.found);
  EXPECT_EQ(e.code, "def main [] { 1 }\n");
}

}  // namespace
}  // namespace bt::llm
