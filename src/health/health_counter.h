#pragma once
// Turns check results into a host's health (nginx Plus health_check `fails` / `passes`): a host
// that is up goes down after `fails` failed checks in a row; a host that is down comes up after
// `passes` passed checks in a row. A `mandatory` host starts as checking: its first check
// decides (a pass makes it up, a failure makes it down, and then `passes` are needed).
#include "yoke/balancing/host_runtime.h"

namespace yoke::health {

class HealthCounter {
 public:
  HealthCounter(int fails, int passes) : fails_(fails), passes_(passes) {}

  // The health after a check that passed or not, given the health before it.
  balancing::HealthState record(bool passed, balancing::HealthState current) {
    using balancing::HealthState;
    if (passed) {
      failed_in_row_ = 0;
      ++passed_in_row_;
      if (current == HealthState::kChecking) return HealthState::kUp;
      return current == HealthState::kDown && passed_in_row_ < passes_ ? HealthState::kDown
                                                                       : HealthState::kUp;
    }
    passed_in_row_ = 0;
    ++failed_in_row_;
    if (current == HealthState::kChecking) return HealthState::kDown;
    return current == HealthState::kUp && failed_in_row_ < fails_ ? HealthState::kUp
                                                                  : HealthState::kDown;
  }

 private:
  int fails_;
  int passes_;
  int failed_in_row_ = 0;
  int passed_in_row_ = 0;
};

}  // namespace yoke::health
