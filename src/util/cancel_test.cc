#include "util/cancel.h"

#include <poll.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "util/clock.h"

namespace bt {
namespace {

using namespace std::chrono_literals;

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

TEST(Cancel, FirstReasonWinsAndFdBecomesReadable) {
  auto t = CancelToken::make();
  EXPECT_FALSE(t->cancelled());
  ASSERT_GE(t->fd(), 0);
  EXPECT_FALSE(readable(t->fd()));
  t->cancel("killed by request");
  t->cancel("deadline");
  EXPECT_TRUE(t->cancelled());
  EXPECT_EQ(t->reason(), "killed by request");
  EXPECT_TRUE(readable(t->fd()));
}

TEST(Cancel, ParentCancelsChildrenButNotTheOtherWay) {
  auto parent = CancelToken::make();
  auto a = CancelToken::make(parent), b = CancelToken::make(parent);
  a->cancel("lost the race");
  EXPECT_FALSE(parent->cancelled());
  EXPECT_FALSE(b->cancelled());
  parent->cancel("kill");
  EXPECT_TRUE(b->cancelled());
  EXPECT_EQ(b->reason(), "kill");
  EXPECT_EQ(a->reason(), "lost the race");
  // A child made after the parent was cancelled starts cancelled.
  auto late = CancelToken::make(parent);
  EXPECT_TRUE(late->cancelled());
  EXPECT_EQ(late->reason(), "kill");
}

TEST(Cancel, SleepWakesWhenCancelled) {
  auto t = CancelToken::make();
  std::thread canceller([&] {
    std::this_thread::sleep_for(20ms);
    t->cancel("stop");
  });
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(t->sleep_for(10s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  canceller.join();
  EXPECT_TRUE(CancelToken::make()->sleep_for(1ms));  // not cancelled: sleeps the whole time
}

TEST(Cancel, SystemClockSleepEndsEarlyFakeClockSkipsCancelledSleeps) {
  auto t = CancelToken::make();
  t->cancel("stop");
  const auto t0 = std::chrono::steady_clock::now();
  system_clock().sleep_for(10s, t.get());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  FakeClock fake;
  fake.sleep_for(5s, t.get());
  EXPECT_TRUE(fake.sleeps().empty());
  fake.sleep_for(5s);
  EXPECT_EQ(fake.sleeps().size(), 1u);
}

}  // namespace
}  // namespace bt
