#include "util/clock.h"

#include <thread>

#include "util/cancel.h"

namespace bt {
namespace {

class SystemClock : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  long long wall_ms() const override {
    return std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  using Clock::sleep_for;
  void sleep_for(Duration d, const CancelToken* cancel) override {
    if (cancel)
      (void)cancel->sleep_for(d);
    else
      std::this_thread::sleep_for(d);
  }
};

// An arbitrary but fixed origin, so FakeClock times are reproducible.
constexpr long long kFakeEpochMs = 1'800'000'000'000;

}  // namespace

Clock& system_clock() {
  static SystemClock clock;
  return clock;
}

Clock::TimePoint FakeClock::now() const {
  std::lock_guard lock(mu_);
  return TimePoint(elapsed_);
}

long long FakeClock::wall_ms() const {
  std::lock_guard lock(mu_);
  return kFakeEpochMs + elapsed_.count();
}

void FakeClock::sleep_for(Duration d, const CancelToken* cancel) {
  if (cancel && cancel->cancelled()) return;
  std::lock_guard lock(mu_);
  sleeps_.push_back(d);
  elapsed_ += d;
}

void FakeClock::advance(Duration d) {
  std::lock_guard lock(mu_);
  elapsed_ += d;
}

std::vector<Clock::Duration> FakeClock::sleeps() const {
  std::lock_guard lock(mu_);
  return sleeps_;
}

}  // namespace bt
