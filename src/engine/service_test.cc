// The engine service with many executions at once: a bounded pool, a queue
// in submission order, a cap on concurrent LLM requests, kill while queued
// or running. Real journal, real sandbox and nu, fake LLM server on loopback.
#include "engine/service.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/fake_llm.h"
#include "support/temp_dir.h"

namespace bt::engine {
namespace {

using namespace std::chrono_literals;
using bt::testing::FakeAnswer;
using bt::testing::FakeLlm;
using bt::testing::nu_answer;
using nlohmann::json;

const std::string kEcho = std::string(BITTER_SOURCE_DIR) + "/examples/echo/datacontract.yaml";
const std::string kGoodTool = R"(def main [] {
  let m = ($in | from json).message
  { success: true, data: { echo: $m, reversed: ($m | str reverse), length: ($m | str length), was_dry_run: false } } | to json -r
}
)";

class ServiceTest : public ::testing::Test {
 protected:
  std::unique_ptr<Service> open(int workers, int llm_concurrency) {
    ServiceOptions o;
    o.data_dir = dir_.path();
    o.llm.spec = "openai";
    o.llm.base_url = llm_.base_url();
    o.llm.model = "fake-model";
    o.workers = workers;
    o.llm_concurrency = llm_concurrency;
    auto s = Service::open(o, log_);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(*s) : nullptr;
  }
  static Job job(const std::string& message) {
    Submission sub;
    sub.contract_path = kEcho;
    sub.task = "Echo the message";
    sub.input_json = json{{"message", message}}.dump();
    auto in = intake(sub);
    EXPECT_TRUE(in.ok()) << (in.ok() ? "" : in.error().message);
    Job j;
    j.intake = std::move(*in);
    j.settings.no_cache = true;  // every execution asks the LLM and runs its own tool
    return j;
  }
  // Waits until `id` is in a final state; returns its row.
  store::ExecutionRow wait_final(Service& s, const std::string& id, std::chrono::seconds limit = 120s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
      const uint64_t seen = s.journal().changes();
      auto row = s.journal().get(id);
      if (row && *row && store::is_final((*row)->state)) return **row;
      if (std::chrono::steady_clock::now() > until) {
        ADD_FAILURE() << "execution " << id << " did not finish";
        return row && *row ? **row : store::ExecutionRow{};
      }
      s.journal().wait_for_change(seen, 200ms);
    }
  }

  FakeLlm llm_;
  bt::testing::TempDir dir_;
  Logger log_{Logger::Format::none, stderr};
};

TEST_F(ServiceTest, TwoHundredConcurrentExecutionsAreAllCorrectAndIsolated) {
  llm_.script({{200, nu_answer(kGoodTool)}}, /*repeat_last=*/true);
  auto service = open(/*workers=*/8, /*llm_concurrency=*/3);
  ASSERT_TRUE(service);
  constexpr int kN = 200;
  std::vector<std::string> ids;
  for (int i = 0; i < kN; ++i) {
    auto id = service->submit(job(fmt::format("message {} for execution {}", i * 7919 % 1000, i)));
    ASSERT_TRUE(id.ok()) << id.error().message;
    ids.push_back(*id);
  }
  // Beyond the pool they wait in the queue, recorded as QUEUED.
  const auto st = service->stats();
  EXPECT_LE(st.running, 8);
  EXPECT_GT(st.queued, 0);
  auto page = service->journal().search({"", "", "QUEUED", 1, 1});
  ASSERT_TRUE(page.ok());
  EXPECT_GT(page->total, 0);

  for (int i = 0; i < kN; ++i) {
    const auto row = wait_final(*service, ids[i]);
    ASSERT_EQ(row.state, "SUCCESS") << ids[i] << ": " << row.reason;
    // Each tool saw its own input: nothing leaked between executions.
    const std::string m = fmt::format("message {} for execution {}", i * 7919 % 1000, i);
    const json out = json::parse(row.output_json);
    EXPECT_EQ(out["data"]["echo"], m);
    EXPECT_EQ(out["data"]["length"], m.size());
  }
  EXPECT_EQ(llm_.requests().size(), static_cast<size_t>(kN));
  EXPECT_LE(llm_.max_in_flight(), 3) << "the LLM concurrency limit was not kept";
  EXPECT_GE(llm_.max_in_flight(), 2) << "requests were not concurrent at all";
  // A worker lets go of its execution just after the row is final.
  for (int i = 0; i < 100 && service->stats().running > 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(service->stats().running, 0);
  EXPECT_EQ(service->stats().queued, 0);
}

TEST_F(ServiceTest, ExecutionsStartInSubmissionOrder) {
  llm_.script({{200, nu_answer(kGoodTool)}}, /*repeat_last=*/true);
  auto service = open(/*workers=*/1, /*llm_concurrency=*/1);
  ASSERT_TRUE(service);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(*service->submit(job("order " + std::to_string(i))));
  for (const auto& id : ids) EXPECT_EQ(wait_final(*service, id).state, "SUCCESS");
  // One worker: the LLM saw the inputs in the order they were submitted.
  const auto requests = llm_.requests();
  ASSERT_EQ(requests.size(), 5u);
  for (int i = 0; i < 5; ++i)
    EXPECT_NE(bt::testing::all_message_text(requests[i]).find("order " + std::to_string(i)), std::string::npos) << i;
}

TEST_F(ServiceTest, KillStopsAQueuedAndARunningExecution) {
  FakeAnswer hang{200, nu_answer(kGoodTool)};
  hang.delay = 30s;
  llm_.script({hang}, /*repeat_last=*/true);
  auto service = open(/*workers=*/1, /*llm_concurrency=*/1);
  ASSERT_TRUE(service);
  const std::string running = *service->submit(job("first"));
  const std::string queued = *service->submit(job("second"));
  for (int i = 0; i < 500 && llm_.requests().empty(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(llm_.requests().size(), 1u);

  EXPECT_EQ(service->kill(queued), Service::KillResult::killed);
  auto q = wait_final(*service, queued, 5s);
  EXPECT_EQ(q.state, "KILLED");
  EXPECT_NE(q.reason.find("before it started"), std::string::npos) << q.reason;

  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(service->kill(running, "killed by the test"), Service::KillResult::killed);
  auto r = wait_final(*service, running, 10s);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "the hanging LLM request was not aborted";
  EXPECT_EQ(r.state, "KILLED");
  EXPECT_EQ(r.reason, "killed: killed by the test");
  EXPECT_EQ(llm_.requests().size(), 1u) << "the killed queued execution still asked the LLM";

  EXPECT_EQ(service->kill(running), Service::KillResult::already_finished);
  EXPECT_EQ(service->kill("no-such-id"), Service::KillResult::not_found);
}

TEST_F(ServiceTest, ARejectedTaskIsRecordedAtSubmissionWithoutARequest) {
  llm_.script({{200, nu_answer(kGoodTool)}});
  auto service = open(2, 2);
  ASSERT_TRUE(service);
  Job j = job("x");
  j.intake.verdict.accept = false;
  auto id = service->submit(std::move(j));
  ASSERT_TRUE(id.ok());
  auto row = service->journal().get(*id);
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*row)->state, "FAILED");
  EXPECT_TRUE(llm_.requests().empty());
}

TEST_F(ServiceTest, SettingsThatCannotWorkAreRefusedAndNothingIsRecorded) {
  auto service = open(2, 2);
  ASSERT_TRUE(service);
  Job j = job("x");
  j.settings.speculate = 0;
  auto id = service->submit(std::move(j));
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.error().message.find("speculate"), std::string::npos);
  auto page = service->journal().search({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
}

}  // namespace
}  // namespace bt::engine
