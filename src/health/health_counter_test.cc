// fails / passes hysteresis and the mandatory "checking" start (nginx Plus health_check).
#include "health/health_counter.h"

#include <gtest/gtest.h>

#include <string>

namespace yoke::health {
namespace {

using balancing::HealthState;

// Feeds results ('+' pass, '-' fail) and returns the states after each: 'U', 'D', 'C'.
std::string run(HealthCounter counter, HealthState start, const std::string& results) {
  std::string states;
  HealthState state = start;
  for (char result : results) {
    state = counter.record(result == '+', state);
    states += state == HealthState::kUp ? 'U' : state == HealthState::kDown ? 'D' : 'C';
  }
  return states;
}

TEST(HealthCounter, DownAfterFailsInARowUpAfterPassesInARow) {
  EXPECT_EQ(run(HealthCounter(3, 2), HealthState::kUp, "--+---+-++"), "UUUUUDDDDU");
}

TEST(HealthCounter, OneFailAndOnePassAreEnoughWhenConfiguredSo) {
  EXPECT_EQ(run(HealthCounter(1, 1), HealthState::kUp, "-+-+"), "DUDU");
}

TEST(HealthCounter, MandatoryHostsWaitForTheFirstCheck) {
  EXPECT_EQ(run(HealthCounter(3, 2), HealthState::kChecking, "+"), "U");
  EXPECT_EQ(run(HealthCounter(3, 2), HealthState::kChecking, "-++"), "DDU");
}

}  // namespace
}  // namespace yoke::health
