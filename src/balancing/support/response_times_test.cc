// ResponseTimes' forward-decayed averages read the same as decaying each host's average on its
// own (DecayingAverage::decayed), also across the reference's rebase; and the age of a stalled
// host's oldest request counts only with `inflight`.
#include "balancing/support/response_times.h"

#include <gtest/gtest.h>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kStart = TimePoint{} + std::chrono::hours(1);

TEST(ResponseTimes, ForwardDecayMatchesDecayingEachAverage) {
  ResponseTimes times(3, TimedPhase::kLastByte, false);
  std::vector<DecayingAverage> plain(3, DecayingAverage(ResponseTimes::kDecay));
  // Samples over five minutes: the reference is rebased several times on the way.
  for (int step = 0; step < 600; ++step) {
    const TimePoint now = kStart + milliseconds(500 * step);
    const std::size_t host = static_cast<std::size_t>(step % 3 == 2 ? (step / 3) % 2 : step % 3);
    const Microseconds latency = milliseconds(1 + (step * 7) % 40);
    times.start(host, now - latency);
    times.end(host, testing::outcome(now, latency));
    plain[host].add(static_cast<double>(latency.count()), now, false);
    const TimePoint later = now + milliseconds(300);
    const ResponseTimes::Clock clock = times.clock(later);
    for (std::size_t i = 0; i < 3; ++i) {
      if (plain[i].empty()) continue;
      ASSERT_NEAR(times.estimate(i, clock), plain[i].decayed(later), 1e-9 * plain[i].value() + 1e-9)
          << "step " << step << " host " << i;
    }
  }
}

TEST(ResponseTimes, HeaderOrLastByteAndOnlyAnsweredAttempts) {
  ResponseTimes header(1, TimedPhase::kHeader, false);
  ResponseTimes last_byte(1, TimedPhase::kLastByte, false);
  AttemptOutcome outcome = testing::outcome(kStart, milliseconds(90));
  outcome.header_latency = milliseconds(10);
  for (ResponseTimes* times : {&header, &last_byte}) {
    times->start(0, kStart);
    times->end(0, outcome);
  }
  EXPECT_DOUBLE_EQ(header.estimate(0, header.clock(kStart)), 10000);
  EXPECT_DOUBLE_EQ(last_byte.estimate(0, last_byte.clock(kStart)), 90000);
  // A failed attempt without a head is no sample.
  last_byte.start(0, kStart);
  last_byte.end(0, testing::outcome(kStart, milliseconds(1), true));
  EXPECT_DOUBLE_EQ(last_byte.estimate(0, last_byte.clock(kStart)), 90000);
}

TEST(ResponseTimes, Fast5xxAnswersRaiseTheAverage) {
  ResponseTimes times(2, TimedPhase::kLastByte, false);
  times.start(0, kStart);
  times.end(0, testing::outcome(kStart, milliseconds(20)));
  double last = 20000;
  for (int i = 1; i <= 10; ++i) {
    const TimePoint now = kStart + milliseconds(500 * i);
    AttemptOutcome error = testing::outcome(now, milliseconds(1));
    error.status = 503;
    times.start(0, now);
    times.end(0, error);
    const double estimate = times.estimate(0, times.clock(now));
    EXPECT_GT(estimate, last) << i;
    last = estimate;
  }
  // A host whose first answer is a fast 503 starts at twice the mean of the others.
  AttemptOutcome error = testing::outcome(kStart, milliseconds(1));
  error.status = 500;
  ResponseTimes fresh(2, TimedPhase::kHeader, false);
  fresh.start(0, kStart);
  fresh.end(0, testing::outcome(kStart, milliseconds(20)));
  fresh.start(1, kStart);
  fresh.end(1, error);
  EXPECT_DOUBLE_EQ(fresh.estimate(1, fresh.clock(kStart)), 40000);
}

TEST(ResponseTimes, AnAbortedAttemptEndsButIsNoSample) {
  ResponseTimes times(1, TimedPhase::kHeader, true);
  times.start(0, kStart);
  times.end(0, testing::outcome(kStart, milliseconds(20)));
  times.start(0, kStart);
  AttemptOutcome cut = testing::outcome(kStart + milliseconds(1), milliseconds(1));
  cut.aborted = true;
  times.end(0, cut);
  EXPECT_EQ(times.active(0), 0);
  const TimePoint later = kStart + milliseconds(1);
  EXPECT_NEAR(times.estimate(0, times.clock(later)), 20000, 20);  // decayed by 1 ms only
}

TEST(ResponseTimes, InflightCountsTheOldestRequest) {
  for (bool inflight : {false, true}) {
    ResponseTimes times(1, TimedPhase::kHeader, inflight);
    times.start(0, kStart);
    times.end(0, testing::outcome(kStart, milliseconds(2)));
    times.start(0, kStart);  // stalls
    const TimePoint later = kStart + seconds(3);
    const double estimate = times.estimate(0, times.clock(later));
    if (inflight) {
      EXPECT_DOUBLE_EQ(estimate, 3e6);
    } else {
      EXPECT_LT(estimate, 2000);  // the 2 ms average, decayed over 3 s
    }
  }
}

}  // namespace
}  // namespace yoke::balancing
