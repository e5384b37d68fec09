// check_and_run waits for the LLM answer to be durable before the tool runs,
// and stops there when the journal cannot make it so. Real journal, nu and
// sandbox; no LLM (check_and_run starts from code already in hand).
#include "engine/candidate.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "contract/loader.h"
#include "sandbox/runtime.h"
#include "sandbox/workspace.h"
#include "support/temp_dir.h"

namespace bt::engine::detail {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

const std::string kTool = R"(def main [] {
  let m = ($in | from json).message
  { success: true, data: { echo: $m, reversed: ($m | str reverse), length: ($m | str length), was_dry_run: false } } | to json -r
}
)";

// check_and_run never asks the LLM; a call here is a bug.
class NoLlm final : public llm::Provider {
 public:
  Result<llm::Response> complete(const llm::Request&) override {
    ADD_FAILURE() << "check_and_run asked the LLM";
    return internal_error("no LLM here");
  }
  std::string describe() const override { return "none"; }
};

class CheckAndRun : public ::testing::Test {
 protected:
  void SetUp() override {
    auto nu = sandbox::find_nu("");
    ASSERT_TRUE(nu.found) << "set BITTER_NU";
    config_.data_dir = dir_.path();
    config_.nu = *nu.found;
    auto j = store::Journal::open(dir_.path() / "journal.db");
    ASSERT_TRUE(j.ok()) << j.error().message;
    journal_ = std::move(*j);
    auto c =
        contract::load_file(std::string(BITTER_SOURCE_DIR) + "/examples/echo/datacontract.yaml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    contract_ = std::move(*c);
    auto model = contract::pick_model(contract_, "");
    ASSERT_TRUE(model.ok());
    in_.contract = &contract_;
    in_.model = *model;
    in_.task = "Echo the message";
    in_.input = {{"message", "abc"}};
    store::ExecutionRow row;
    row.id = "exec-1";
    ASSERT_TRUE(journal_->create_execution(row).ok());
    ASSERT_TRUE(journal_->start_attempt("exec-1", 1).ok());
  }

  // Runs the tool with `durable` standing for the answer's sync; returns the
  // result and the stages it recorded.
  std::pair<CandidateResult, std::vector<std::string>> run(std::future<Status>* durable) {
    Context ctx(config_, in_, llm_, *journal_, log_, "exec-1", "trace-1");
    auto ws = sandbox::create_workspace(dir_.path(), "exec-1", 1, runs_++);
    EXPECT_TRUE(ws.ok());
    CandidateResult r = check_and_run(ctx, 1, 0, ws->dir, kTool, nullptr, durable);
    std::vector<std::string> stages;
    if (auto rows = journal_->stages("exec-1"); rows.ok())
      for (const auto& s : *rows) stages.push_back(s.stage);
    return {std::move(r), stages};
  }

  bt::testing::TempDir dir_;
  LoopConfig config_;
  LoopInput in_;
  contract::Contract contract_;
  std::unique_ptr<store::Journal> journal_;
  NoLlm llm_;
  Logger log_{Logger::Format::none, stderr};
  int runs_ = 0;
};

TEST_F(CheckAndRun, AnAnswerTheJournalCannotMakeDurableIsNeverRun) {
  std::promise<Status> sync;
  sync.set_value(infra_error("journal: cannot sync: Input/output error"));
  auto durable = sync.get_future();
  auto [r, stages] = run(&durable);
  ASSERT_TRUE(r.stopped_by.has_value());
  EXPECT_NE(r.stopped_by->message.find("cannot sync"), std::string::npos) << r.stopped_by->message;
  // The gates ran beside the sync; the tool did not run after it failed.
  EXPECT_EQ(stages, (std::vector<std::string>{"syntax", "scan"}));
}

TEST_F(CheckAndRun, TheToolRunsOnlyOnceItsAnswerIsDurable) {
  std::promise<Status> sync;
  auto durable = sync.get_future();
  const auto t0 = std::chrono::steady_clock::now();
  std::thread disk([&] {
    std::this_thread::sleep_for(milliseconds(1500));  // a slow disk: longer than the gates take
    sync.set_value(Status{});
  });
  auto [r, stages] = run(&durable);
  const auto done = std::chrono::steady_clock::now();
  disk.join();
  EXPECT_TRUE(r.passed()) << (r.failure      ? r.failure->summary
                              : r.stopped_by ? r.stopped_by->message
                                             : "");
  EXPECT_GE(done - t0, milliseconds(1500)) << "the tool ran before its answer was durable";
  EXPECT_EQ(stages, (std::vector<std::string>{"syntax", "scan", "execute", "output", "validate"}));
}

TEST_F(CheckAndRun, WithoutAnAnswerToWaitForItRunsAtOnce) {  // a cached tool
  auto [r, stages] = run(nullptr);
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(stages, (std::vector<std::string>{"syntax", "scan", "execute", "output", "validate"}));
}

}  // namespace
}  // namespace bt::engine::detail
