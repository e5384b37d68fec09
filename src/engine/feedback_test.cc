#include "engine/feedback.h"

#include <gtest/gtest.h>

namespace bt::engine {
namespace {

TEST(Feedback, NamesAttemptStageAndEveryViolation) {
  Failure f{kValidate, "the output does not satisfy the contract (model R)",
            "Contract violations:\n- $.data.length: required\n", R"({"data":{}})", "warn", {}};
  const std::string text = feedback_text(f, 1, 3, "R");
  EXPECT_NE(text.find("Attempt 1 of 3 failed at stage \"validate\""), std::string::npos) << text;
  EXPECT_NE(text.find("$.data.length"), std::string::npos);
  EXPECT_NE(text.find("stdout (excerpt):\n{\"data\":{}}"), std::string::npos) << text;
  EXPECT_NE(text.find("stderr (excerpt):\nwarn"), std::string::npos);
}

TEST(Feedback, ExcerptCutsLongTextOnACharacterBoundary) {
  const std::string s = std::string(10, 'a') + "é" + std::string(10, 'b');  // é is 2 bytes
  const std::string e = excerpt(s, 11);  // would split é
  EXPECT_EQ(e.substr(0, 10), std::string(10, 'a'));
  EXPECT_NE(e.find("12 more bytes not shown"), std::string::npos) << e;
  EXPECT_EQ(excerpt("short", 100), "short");
}

TEST(Feedback, EscalationTellsToFixContractOrTaskNotCode) {
  Failure f{kExecute, "the tool ended with exit 1", "", "", "", {}};
  const std::string text = escalation_text(f, 3, "c.yaml", "R");
  EXPECT_NE(text.find("after 3 attempts"), std::string::npos);
  EXPECT_NE(text.find("Fix the contract or the task, not the code"), std::string::npos);
  EXPECT_NE(text.find("c.yaml"), std::string::npos);
}

}  // namespace
}  // namespace bt::engine
