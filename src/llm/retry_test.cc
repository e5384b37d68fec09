#include "llm/retry.h"

#include <gtest/gtest.h>

#include <deque>

namespace bt::llm {
namespace {

using std::chrono::milliseconds;

// Answers from a script: each entry is a response text or an error.
class ScriptedProvider : public Provider {
 public:
  std::deque<Result<Response>> script;
  std::vector<milliseconds> timeouts;  // what each request was allowed
  int calls = 0;
  Result<Response> complete(const Request& r) override {
    ++calls;
    timeouts.push_back(r.timeout);
    if (script.empty()) return infra_error("script exhausted");
    auto next = script.front();
    script.pop_front();
    return next;
  }
  std::string describe() const override { return "scripted"; }
};

Response ok(std::string text) { return Response{std::move(text), "stop", "m", 0, 0}; }
Error http(int status, std::optional<milliseconds> retry_after = std::nullopt) {
  Error e = infra_error("HTTP " + std::to_string(status));
  e.retry_after = retry_after;
  return e;
}

TEST(FullJitter, StaysWithinTheExponentialCeilingAndSpreadsOverIt) {
  const RetryPolicy p{10, milliseconds(100), milliseconds(3000)};
  std::mt19937_64 rng(42);
  for (int retry = 0; retry < 8; ++retry) {
    const long long ceiling = std::min(100LL << retry, 3000LL);
    long long lo = ceiling, hi = 0;
    double sum = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const long long d = full_jitter(retry, p, rng).count();
      ASSERT_GE(d, 0);
      ASSERT_LE(d, ceiling) << "retry " << retry;
      lo = std::min(lo, d);
      hi = std::max(hi, d);
      sum += static_cast<double>(d);
    }
    // Uniform over [0, ceiling]: mean near the middle, both ends reached.
    EXPECT_NEAR(sum / n, ceiling / 2.0, ceiling * 0.03) << "retry " << retry;
    EXPECT_LE(lo, ceiling / 50) << "retry " << retry;
    EXPECT_GE(hi, ceiling - ceiling / 50) << "retry " << retry;
  }
}

TEST(FullJitter, DifferentSeedsGiveDifferentDelays) {
  const RetryPolicy p;
  std::mt19937_64 a(1), b(2);
  int same = 0;
  for (int i = 0; i < 50; ++i) same += full_jitter(3, p, a) == full_jitter(3, p, b);
  EXPECT_LT(same, 5);  // retries from many clients do not march in step
}

TEST(Retrying, TransientFaultsAreRetriedUntilAnAnswer) {
  ScriptedProvider inner;
  inner.script = {http(500), http(503), ok("code")};
  FakeClock clock;
  std::vector<RetryEvent> events;
  RetryingProvider p(inner, RetryPolicy{4, milliseconds(100), milliseconds(1000)}, clock, 7, nullptr,
                     [&](const RetryEvent& e) { events.push_back(e); });
  auto r = p.complete({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "code");
  EXPECT_EQ(inner.calls, 3);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].retry, 1);
  EXPECT_EQ(events[1].retry, 2);
  EXPECT_LE(events[0].delay, milliseconds(100));
  EXPECT_LE(events[1].delay, milliseconds(200));
  EXPECT_EQ(clock.sleeps().size(), 2u);  // it really waited, on the injected clock
}

TEST(Retrying, UsageErrorsAreNotRetried) {
  ScriptedProvider inner;
  inner.script = {usage_error("HTTP 401"), ok("never")};
  FakeClock clock;
  RetryingProvider p(inner, {}, clock, 7);
  auto r = p.complete({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_EQ(inner.calls, 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(Retrying, RetryAfterIsHonoured) {
  ScriptedProvider inner;
  inner.script = {http(429, milliseconds(7000)), ok("x")};
  FakeClock clock;
  RetryingProvider p(inner, RetryPolicy{4, milliseconds(10), milliseconds(50)}, clock, 7);
  ASSERT_TRUE(p.complete({}).ok());
  ASSERT_EQ(clock.sleeps().size(), 1u);
  EXPECT_EQ(clock.sleeps()[0], milliseconds(7000));  // not the 10..50 ms jitter
}

TEST(Retrying, ACancelledRequestIsNeitherRetriedNorCountedAgainstTheBreaker) {
  ScriptedProvider inner;
  inner.script = {http(503), ok("x")};
  FakeClock clock;
  auto token = CancelToken::make();
  RetryingProvider p(inner, RetryPolicy{4, milliseconds(10), milliseconds(50)}, clock, 7);
  Request req;
  req.cancel = token.get();
  token->cancel("lost the race");
  auto r = p.complete(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::cancelled);
  EXPECT_EQ(inner.calls, 0);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(Retrying, GivesUpAfterMaxRetriesAndSaysSo) {
  ScriptedProvider inner;
  for (int i = 0; i < 10; ++i) inner.script.push_back(http(502));
  FakeClock clock;
  RetryingProvider p(inner, RetryPolicy{3, milliseconds(10), milliseconds(100)}, clock, 7);
  auto r = p.complete({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::infra);
  EXPECT_NE(r.error().message.find("gave up after 3 retries"), std::string::npos) << r.error().message;
  EXPECT_EQ(inner.calls, 4);
}

TEST(Retrying, TheDeadlineBoundsRequestsAndWaits) {
  ScriptedProvider inner;
  for (int i = 0; i < 10; ++i) inner.script.push_back(http(503, milliseconds(400)));
  FakeClock clock;
  RetryingProvider p(inner, RetryPolicy{10, milliseconds(1), milliseconds(1)}, clock, 7);
  Request req;
  req.timeout = milliseconds(1000);
  auto r = p.complete(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("deadline"), std::string::npos) << r.error().message;
  // 1000 ms allow two 400 ms waits, not a third; each request got the time left.
  EXPECT_EQ(inner.calls, 3);
  ASSERT_EQ(inner.timeouts.size(), 3u);
  EXPECT_EQ(inner.timeouts[0], milliseconds(1000));
  EXPECT_EQ(inner.timeouts[1], milliseconds(600));
  EXPECT_EQ(inner.timeouts[2], milliseconds(200));
}

TEST(Breaker, OpensAfterThresholdFailsFastThenProbesOnce) {
  MemoryBreakerStore store;
  FakeClock clock;
  std::vector<std::string> changes;
  CircuitBreaker b("http://llm", BreakerPolicy{3, milliseconds(30'000)}, store, clock,
                   [&](const std::string& from, const std::string& to, const BreakerState&) {
                     changes.push_back(from + "->" + to);
                   });
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.allow().ok());
    b.failure();
  }
  EXPECT_TRUE(b.allow().ok());  // two failures: still closed
  b.failure();                  // the third opens it
  auto refused = b.allow();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::infra);
  EXPECT_NE(refused.error().message.find("next probe at"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("in 30 s"), std::string::npos) << refused.error().message;

  clock.advance(milliseconds(29'000));
  EXPECT_FALSE(b.allow().ok());
  clock.advance(milliseconds(1'000));
  EXPECT_TRUE(b.allow().ok());   // the probe
  EXPECT_FALSE(b.allow().ok());  // only one at a time
  b.success();
  EXPECT_TRUE(b.allow().ok());
  EXPECT_TRUE(b.allow().ok());
  EXPECT_EQ(changes, (std::vector<std::string>{"closed->open", "open->half_open", "half_open->closed"}));
}

TEST(Breaker, AFailedProbeReopensForAnotherPeriod) {
  MemoryBreakerStore store;
  FakeClock clock;
  CircuitBreaker b("e", BreakerPolicy{1, milliseconds(1000)}, store, clock);
  b.failure();
  EXPECT_FALSE(b.allow().ok());
  clock.advance(milliseconds(1000));
  ASSERT_TRUE(b.allow().ok());
  b.failure();
  EXPECT_FALSE(b.allow().ok());
  clock.advance(milliseconds(999));
  EXPECT_FALSE(b.allow().ok());
  clock.advance(milliseconds(1));
  EXPECT_TRUE(b.allow().ok());
}

TEST(Breaker, SuccessResetsTheFailureCount) {
  MemoryBreakerStore store;
  FakeClock clock;
  CircuitBreaker b("e", BreakerPolicy{3, milliseconds(1000)}, store, clock);
  b.failure();
  b.failure();
  b.success();
  b.failure();
  b.failure();
  EXPECT_TRUE(b.allow().ok());  // 2 consecutive, not 4
}

TEST(Retrying, AnOpenBreakerStopsRetriesAtOnce) {
  ScriptedProvider inner;
  for (int i = 0; i < 10; ++i) inner.script.push_back(http(500));
  FakeClock clock;
  MemoryBreakerStore store;
  CircuitBreaker b("e", BreakerPolicy{2, milliseconds(60'000)}, store, clock);
  RetryingProvider p(inner, RetryPolicy{8, milliseconds(1), milliseconds(1)}, clock, 7, &b);
  auto r = p.complete({});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("circuit breaker open"), std::string::npos) << r.error().message;
  EXPECT_EQ(inner.calls, 2);
  // The next execution fails fast without a request.
  EXPECT_FALSE(p.complete({}).ok());
  EXPECT_EQ(inner.calls, 2);
}

}  // namespace
}  // namespace bt::llm
