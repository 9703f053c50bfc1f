#pragma once
// When a host's next check starts. Checks run at a fixed rate: a check starts `interval` after
// the previous one started (or at once if that one took longer), plus a random delay of up to
// `jitter` (nginx Plus health_check `jitter=`: "sets the time within which each health check
// will be randomly delayed"), so checks of many hosts and many Yoke nodes do not arrive in
// step. The first check of each host waits a random part of `jitter` only, so that `mandatory`
// hosts become usable quickly.
//
// Delays are rounded up to a grain of at least 10 ms and about 1/64 of the longest delay: the
// event loop keeps one timer list per distinct duration (yoke/core/timer.h), so the grain keeps
// the checker's lists few whatever the jitter draws.
#include <algorithm>
#include <cstdint>

#include "yoke/balancing/random.h"
#include "yoke/core/clock.h"

namespace yoke::health {

class CheckSchedule {
 public:
  // seed: fixes the jitter draws (tests); the checker passes balancing::next_policy_seed().
  CheckSchedule(Milliseconds interval, Milliseconds jitter, std::uint64_t seed)
      : interval_(interval),
        jitter_(jitter),
        grain_(std::max<Milliseconds::rep>(10, (interval + jitter).count() / 64)),
        random_(seed) {}

  // Delay before the first check.
  Milliseconds first_delay() { return rounded(draw_jitter()); }
  // Delay from the end of a check that took `elapsed` to the start of the next one.
  Milliseconds next_delay(Milliseconds elapsed) {
    const Milliseconds wait = interval_ + draw_jitter() - elapsed;
    return rounded(std::max(wait, Milliseconds(0)));
  }

 private:
  Milliseconds draw_jitter() {
    if (jitter_.count() <= 0) return Milliseconds(0);
    const auto bound = static_cast<std::uint64_t>(jitter_.count()) + 1;
    return Milliseconds(static_cast<Milliseconds::rep>(random_.below(bound)));
  }
  Milliseconds rounded(Milliseconds delay) const {
    return Milliseconds((delay.count() + grain_ - 1) / grain_ * grain_);
  }

  Milliseconds interval_;
  Milliseconds jitter_;
  Milliseconds::rep grain_;
  balancing::PolicyRandom random_;
};

}  // namespace yoke::health
