#include "gate/syntax.h"

#include <gtest/gtest.h>

namespace bt::gate {
namespace {

TEST(SyntaxGate, MapsSpansToLineAndColumnAndDropsRepeats) {
  const std::string src = "def main [] {\n  let x = $in | from json\n  {a: 1, b: [1 2} | to json\n}\n";
  const std::string ide =
      R"({"type":"diagnostic","severity":"Error","message":"Unbalanced delimiter.","span":{"start":56,"end":57}})"
      "\n"
      R"({"type":"diagnostic","severity":"Error","message":"Unclosed delimiter.","span":{"start":55,"end":56}})"
      "\n"
      R"({"type":"diagnostic","severity":"Error","message":"Unclosed delimiter.","span":{"start":55,"end":56}})"
      "\n"
      R"({"type":"hint","typename":"any","position":{"start":20,"end":21}})"
      "\n";
  auto report = parse_ide_check(ide, src);
  ASSERT_EQ(report.issues.size(), 2u);
  EXPECT_EQ(report.issues[0].line, 3);
  EXPECT_EQ(report.issues[0].column, 16);
  EXPECT_EQ(report.issues[0].message, "Unclosed delimiter.");
  EXPECT_NE(report.issues[0].excerpt.find("{a: 1, b: [1 2}"), std::string::npos);
  EXPECT_NE(report.to_text().find("line 3, column 17: Unbalanced delimiter."), std::string::npos);
}

TEST(SyntaxGate, HintsAndWarningsAreNotErrors) {
  const std::string ide =
      R"({"type":"hint","typename":"any","position":{"start":0,"end":1}})"
      "\n"
      R"({"type":"diagnostic","severity":"Warning","message":"meh","span":{"start":0,"end":1}})"
      "\n"
      "not json at all\n";
  EXPECT_TRUE(parse_ide_check(ide, "x\n").ok());
}

}  // namespace
}  // namespace bt::gate

#include <fstream>

#include "sandbox/runtime.h"

namespace bt::gate {
namespace {

// Against the real nu: the test suite's set-up provides it (BITTER_NU).
class RealNuSyntax : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lookup = sandbox::find_nu("");
    ASSERT_TRUE(lookup.found) << "nu not found; run the tests with scripts/test.sh";
    nu_ = *lookup.found;
    dir_ = std::filesystem::temp_directory_path() / ("bt-syntax-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Result<SyntaxReport> check(const std::string& code) {
    const auto file = dir_ / "tool.nu";
    std::ofstream(file) << code;
    return check_nu_syntax(nu_, file, std::chrono::seconds(10));
  }
  std::filesystem::path nu_, dir_;
};

TEST_F(RealNuSyntax, AcceptsAValidTool) {
  auto r = check("def main [] {\n  let x = $in | from json\n  {a: ($x.m | str length)} | to json\n}\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->ok()) << r->to_text();
}

TEST_F(RealNuSyntax, ReportsAnUnclosedParenthesisWithItsLine) {
  auto r = check("def main [] {\n  let x = ($in | from json\n  {a: 1} | to json\n}\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_FALSE(r->ok());
  EXPECT_GE(r->issues[0].line, 2);
  EXPECT_NE(r->to_text().find("delimiter"), std::string::npos) << r->to_text();
}

}  // namespace
}  // namespace bt::gate
