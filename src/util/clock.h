// Time as the engine sees it, injectable so retries, breakers and deadlines
// can be tested without waiting: tests use a FakeClock that only moves when
// something sleeps on it or the test advances it.
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

namespace bt {

class CancelToken;

class Clock {
 public:
  using Duration = std::chrono::milliseconds;
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Wall-clock milliseconds since the epoch: for state shared between
  // processes (a steady clock means nothing to another process).
  virtual long long wall_ms() const = 0;
  // Waits `d`, or less when `cancel` (may be null) is cancelled first.
  virtual void sleep_for(Duration d, const CancelToken* cancel) = 0;
  void sleep_for(Duration d) { sleep_for(d, nullptr); }
};

// The real clocks.
Clock& system_clock();

class FakeClock : public Clock {
 public:
  TimePoint now() const override;
  long long wall_ms() const override;
  using Clock::sleep_for;
  // Advances time and records the sleep; a cancelled token skips it.
  void sleep_for(Duration d, const CancelToken* cancel) override;
  void advance(Duration d);
  std::vector<Duration> sleeps() const;

 private:
  mutable std::mutex mu_;
  Duration elapsed_{0};
  std::vector<Duration> sleeps_;
};

}  // namespace bt
