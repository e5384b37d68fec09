#include "engine/resume.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "util/files.h"

namespace bt::engine {
namespace {

// An execution whose bitter died: FAILED "interrupted", one attempt with the
// outcome `outcome`.
store::ExecutionRow interrupted_with(store::Journal& j, const std::string& outcome) {
  store::ExecutionRow row;
  row.id = "exec-1";
  row.max_attempts = 3;
  row.input_json = R"({"message":"abc"})";
  auto contract = read_file(std::string(BITTER_SOURCE_DIR) + "/examples/echo/datacontract.yaml");
  EXPECT_TRUE(contract.ok());
  row.resume_json = nlohmann::json{{"contract_text", *contract}, {"model", "EchoResponse"}}.dump();
  EXPECT_TRUE(j.create_execution(row).ok());
  EXPECT_TRUE(j.start_attempt("exec-1", 1).ok());
  store::AttemptRow a;
  a.attempt = 1;
  a.outcome = outcome;
  EXPECT_TRUE(j.finish_attempt("exec-1", a).ok());
  EXPECT_TRUE(j.set_state("exec-1", store::State::FAILED,
                          "interrupted: the bitter process that ran it ended")
                  .ok());
  auto e = j.get("exec-1");
  EXPECT_TRUE(e.ok() && *e);
  return **e;
}

TEST(Resume, AKillThatCameJustBeforeTheCrashStands) {
  bt::testing::TempDir dir;
  auto j = store::Journal::open(dir.path() / "journal.db");
  ASSERT_TRUE(j.ok());
  const auto e = interrupted_with(**j, "killed");
  ASSERT_TRUE(interrupted(e));
  auto job = resume_job(**j, e);
  ASSERT_FALSE(job.ok());
  EXPECT_NE(job.error().message.find("stays KILLED"), std::string::npos) << job.error().message;
  auto after = (*j)->get("exec-1");
  ASSERT_TRUE(after.ok() && *after);
  EXPECT_EQ((*after)->state, "KILLED");
  EXPECT_FALSE(interrupted(**after)) << "a second resume would pick it up again";
}

TEST(Resume, AFailedAttemptIsFollowedByTheNext) {
  bt::testing::TempDir dir;
  auto j = store::Journal::open(dir.path() / "journal.db");
  ASSERT_TRUE(j.ok());
  const auto e = interrupted_with(**j, "validate");
  auto job = resume_job(**j, e);
  ASSERT_TRUE(job.ok()) << job.error().message;
  EXPECT_EQ(job->resume->next_attempt, 2);
  auto after = (*j)->get("exec-1");
  ASSERT_TRUE(after.ok() && *after);
  EXPECT_EQ((*after)->state, "RUNNING") << "claimed by this process, to run on";
}

}  // namespace
}  // namespace bt::engine
