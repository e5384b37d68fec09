#include "store/journal.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include <filesystem>

namespace bt::store {
namespace {

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bt-journal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto j = Journal::open(dir_ / "journal.db");
    ASSERT_TRUE(j.ok()) << j.error().message;
    journal_ = std::move(j).value();
  }
  void TearDown() override {
    journal_.reset();
    std::filesystem::remove_all(dir_);
  }
  ExecutionRow row(const std::string& id) {
    ExecutionRow e;
    e.id = id;
    e.trace_id = "t";
    e.contract = "c.yaml";
    e.model = "M";
    e.task = "do it";
    e.input_json = R"({"a":1})";
    e.provider = "replay";
    e.max_attempts = 3;
    return e;
  }
  std::filesystem::path dir_;
  std::unique_ptr<Journal> journal_;
};

TEST_F(JournalTest, RecordsExecutionAttemptsAndStagesInOrder) {
  ASSERT_TRUE(journal_->create_execution(row("abc123")).ok());
  ASSERT_TRUE(journal_->set_state("abc123", State::RUNNING).ok());
  ASSERT_TRUE(journal_->start_attempt("abc123", 1).ok());
  ASSERT_TRUE(journal_->add_stage("abc123", {1, "generate", true, 12, {{"chars", 40}}, ""}).ok());
  ASSERT_TRUE(journal_->add_stage("abc123", {1, "validate", false, 3, {{"errors", 1}}, ""}).ok());
  ASSERT_TRUE(journal_->finish_attempt("abc123", {1, "", 20, "validate", "code", "text", "fb"}).ok());

  auto e = journal_->get("abc123");
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(e->has_value());
  EXPECT_EQ((*e)->state, "RUNNING");
  EXPECT_EQ((*e)->attempts, 1);

  auto stages = journal_->stages("abc123");
  ASSERT_TRUE(stages.ok());
  ASSERT_EQ(stages->size(), 2u);
  EXPECT_EQ((*stages)[0].stage, "generate");
  EXPECT_EQ((*stages)[1].detail["errors"], 1);
  EXPECT_FALSE((*stages)[1].ok);

  auto attempts = journal_->attempts("abc123");
  ASSERT_TRUE(attempts.ok());
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ((*attempts)[0].outcome, "validate");
  EXPECT_EQ((*attempts)[0].feedback, "fb");
}

TEST_F(JournalTest, StagesSinceGivesOnlyNewEventsWithTheirCandidate) {
  ASSERT_TRUE(journal_->create_execution(row("s1")).ok());
  ASSERT_TRUE(journal_->add_stage("s1", {1, "generate", true, 1, {}, "", 0}).ok());
  ASSERT_TRUE(journal_->add_stage("s1", {1, "generate", true, 1, {}, "", 1}).ok());
  auto all = journal_->stages("s1");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].candidate, 1);
  EXPECT_LT((*all)[0].seq, (*all)[1].seq);
  ASSERT_TRUE(journal_->add_stage("s1", {1, "validate", false, 1, {}, "", 1}).ok());
  auto fresh = journal_->stages_since("s1", (*all)[1].seq);
  ASSERT_TRUE(fresh.ok());
  ASSERT_EQ(fresh->size(), 1u);
  EXPECT_EQ((*fresh)[0].stage, "validate");
}

TEST_F(JournalTest, WritersWakeFollowers) {
  ASSERT_TRUE(journal_->create_execution(row("w1")).ok());
  const uint64_t seen = journal_->changes();
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (void)journal_->set_state("w1", State::RUNNING);
  });
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_NE(journal_->wait_for_change(seen, std::chrono::seconds(10)), seen);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  writer.join();
  // Nothing written: the wait times out and reports the same count.
  const uint64_t now = journal_->changes();
  EXPECT_EQ(journal_->wait_for_change(now, std::chrono::milliseconds(20)), now);
}

TEST_F(JournalTest, SearchFiltersByNamespaceFlowAndStateAndPages) {
  for (int i = 0; i < 5; ++i) {
    auto e = row("n" + std::to_string(i));
    e.ns = i < 3 ? "team.a" : "team.b";
    e.flow_id = "contract-loop";
    ASSERT_TRUE(journal_->create_execution(e).ok());
  }
  ASSERT_TRUE(journal_->set_state("n1", State::SUCCESS).ok());
  auto a = journal_->search({"team.a", "", "", 1, 2});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->total, 3);
  EXPECT_EQ(a->results.size(), 2u);
  auto a2 = journal_->search({"team.a", "", "", 2, 2});
  ASSERT_TRUE(a2.ok());
  ASSERT_EQ(a2->results.size(), 1u);
  auto ok = journal_->search({"", "contract-loop", "SUCCESS", 1, 25});
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok->total, 1);
  EXPECT_EQ(ok->results[0].id, "n1");
  EXPECT_EQ(ok->results[0].ns, "team.a");
  auto counts = journal_->count_by_state();
  ASSERT_TRUE(counts.ok());
  long long total = 0;
  for (const auto& [state, n] : *counts) total += n;
  EXPECT_EQ(total, 5);
}

TEST_F(JournalTest, EverySyncModeRecordsTheSameAndABadOneIsRefused) {
  for (const char* mode : {"every", "checkpoints", "off", "OFF"}) {
    ::setenv("BITTER_JOURNAL_SYNC", mode, 1);
    auto j = Journal::open(dir_ / (std::string("sync-") + mode + ".db"));
    ASSERT_TRUE(j.ok()) << mode << ": " << j.error().message;
    ASSERT_TRUE((*j)->create_execution(row("e1")).ok());
    ASSERT_TRUE((*j)->start_attempt("e1", 1).ok());
    ASSERT_TRUE((*j)->record_answer("e1", 1, "the answer", {1, "generate", true, 1, {{"text", "the answer"}}}).ok());
    ASSERT_TRUE((*j)->sync_checkpoint().ok()) << mode;
    auto attempts = (*j)->attempts("e1");
    ASSERT_TRUE(attempts.ok());
    EXPECT_EQ((*attempts)[0].llm_text, "the answer") << mode;
  }
  ::setenv("BITTER_JOURNAL_SYNC", "sometimes", 1);
  auto bad = Journal::open(dir_ / "bad.db");
  ::unsetenv("BITTER_JOURNAL_SYNC");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("BITTER_JOURNAL_SYNC must be every, checkpoints or off"), std::string::npos);
}

TEST_F(JournalTest, FinishExecutionStoresResult) {
  ASSERT_TRUE(journal_->create_execution(row("x1")).ok());
  auto e = row("x1");
  e.state = "SUCCESS";
  e.attempts = 2;
  e.output_json = R"({"ok":true})";
  e.tool_path = "/t/tool.nu";
  ASSERT_TRUE(journal_->finish_execution(e).ok());
  auto got = journal_->get("x1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, "SUCCESS");
  EXPECT_EQ(to_json(**got)["output"]["ok"], true);
}

TEST_F(JournalTest, ResolvesUniquePrefixesOnly) {
  ASSERT_TRUE(journal_->create_execution(row("abcdef")).ok());
  ASSERT_TRUE(journal_->create_execution(row("abcxyz")).ok());
  auto one = journal_->resolve_id("abcd");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, "abcdef");
  EXPECT_FALSE(journal_->resolve_id("abc").ok());
  EXPECT_FALSE(journal_->resolve_id("zzz").ok());
}

TEST_F(JournalTest, RecentListsNewestFirstAndSurvivesReopen) {
  ASSERT_TRUE(journal_->create_execution(row("first")).ok());
  ASSERT_TRUE(journal_->create_execution(row("second")).ok());
  journal_.reset();
  auto j = Journal::open(dir_ / "journal.db");
  ASSERT_TRUE(j.ok());
  journal_ = std::move(j).value();
  auto rows = journal_->recent(10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].id, "second");
}

TEST_F(JournalTest, DuplicateIdIsAnError) {
  ASSERT_TRUE(journal_->create_execution(row("dup")).ok());
  EXPECT_FALSE(journal_->create_execution(row("dup")).ok());
}

TEST_F(JournalTest, ManyProcessesOpeningANewJournalAtOnceAllSucceed) {
  // Like several `bitter run` processes starting together on a fresh data
  // dir: each child opens the journal and records an execution.
  for (int round = 0; round < 5; ++round) {
    const auto file = dir_ / ("fresh" + std::to_string(round)) / "journal.db";
    std::vector<pid_t> children;
    for (int i = 0; i < 8; ++i) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        auto j = Journal::open(file);
        const bool ok = j.ok() && (*j)->create_execution(row("t" + std::to_string(i))).ok();
        if (!ok && !j.ok()) std::fprintf(stderr, "%s\n", j.error().message.c_str());
        std::_Exit(ok ? 0 : 1);
      }
      children.push_back(pid);
    }
    int failed = 0;
    for (pid_t pid : children) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
    }
    EXPECT_EQ(failed, 0) << "round " << round;
  }
}

TEST_F(JournalTest, ExecutionsOfAProcessThatDiedAreFailedNotLeftRunning) {
  // One created by a child process that has exited, one by this live process.
  const pid_t child = ::fork();
  if (child == 0) {
    auto j = Journal::open(dir_ / "journal.db");
    const bool ok = j.ok() && (*j)->create_execution(row("orphan")).ok() &&
                    (*j)->set_state("orphan", State::RUNNING).ok();
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_TRUE(journal_->create_execution(row("alive")).ok());
  ASSERT_TRUE(journal_->set_state("alive", State::RUNNING).ok());

  auto failed = journal_->fail_interrupted();
  ASSERT_TRUE(failed.ok()) << failed.error().message;
  EXPECT_EQ(*failed, std::vector<std::string>{"orphan"});
  auto orphan = journal_->get("orphan");
  EXPECT_EQ((*orphan)->state, "FAILED");
  EXPECT_EQ((*orphan)->reason.rfind("interrupted", 0), 0u) << (*orphan)->reason;
  EXPECT_EQ((*journal_->get("alive"))->state, "RUNNING");
  EXPECT_TRUE(journal_->fail_interrupted()->empty());  // settled once
}

TEST_F(JournalTest, TheAnswerIsRecordedBeforeTheAttemptEnds) {
  ASSERT_TRUE(journal_->create_execution(row("e")).ok());
  ASSERT_TRUE(journal_->start_attempt("e", 1).ok());
  const uint64_t before = journal_->changes();
  ASSERT_TRUE(journal_->record_answer("e", 1, "```nu\n1\n```", {1, "generate", true, 7, {{"summary", "12 chars"}}}).ok());
  EXPECT_EQ(journal_->changes(), before + 1);  // the answer and its stage row: one commit
  auto attempts = journal_->attempts("e");
  ASSERT_EQ(attempts->size(), 1u);
  EXPECT_EQ((*attempts)[0].llm_text, "```nu\n1\n```");
  EXPECT_EQ((*attempts)[0].outcome, "");  // still running
  auto stages = journal_->stages("e");
  ASSERT_TRUE(stages.ok());
  ASSERT_EQ(stages->size(), 1u);
  EXPECT_EQ((*stages)[0].stage, "generate");
  EXPECT_EQ((*stages)[0].duration_ms, 7);
}

}  // namespace
}  // namespace bt::store
