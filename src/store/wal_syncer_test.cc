#include "store/wal_syncer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace bt::store {
namespace {

using namespace std::chrono_literals;

// A sync that holds until released, and counts how often it ran.
struct HeldSync {
  std::mutex mu;
  std::condition_variable cv;
  bool released = false, started = false;
  std::atomic<int> runs{0};
  Status result;

  Status operator()() {
    ++runs;
    std::unique_lock lock(mu);
    started = true;
    cv.notify_all();
    cv.wait(lock, [&] { return released; });
    return result;
  }
  void wait_started() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return started; });
  }
  void release() {
    std::lock_guard lock(mu);
    released = true;
    cv.notify_all();
  }
};

TEST(WalSyncer, AsksDuringASyncAreAnsweredTogetherByTheNextOne) {
  HeldSync held;
  WalSyncer syncer([&] { return held(); });
  auto first = syncer.request();
  held.wait_started();
  // These commits came after the running sync began: it does not cover them.
  auto second = syncer.request(), third = syncer.request();
  EXPECT_EQ(second.wait_for(50ms), std::future_status::timeout);
  held.release();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
  EXPECT_TRUE(third.get().ok());
  EXPECT_EQ(held.runs.load(), 2);  // one for the first, one shared by the other two
}

TEST(WalSyncer, AFailedSyncIsEveryWaitersError) {
  HeldSync held;
  held.result = infra_error("journal: cannot sync: Input/output error");
  held.release();
  WalSyncer syncer([&] { return held(); });
  auto a = syncer.request();
  auto s = a.get();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cannot sync"), std::string::npos);
}

TEST(WalSyncer, StoppingAnswersWhatWasAsked) {
  HeldSync held;
  std::future<Status> pending;
  {
    WalSyncer syncer([&] { return held(); });
    pending = syncer.request();
    held.wait_started();
    held.release();
  }
  ASSERT_EQ(pending.wait_for(0ms), std::future_status::ready);
  EXPECT_TRUE(pending.get().ok());
}

}  // namespace
}  // namespace bt::store
