#pragma once
// Simulated time. The simulator never reads a real clock: time is a count of nanoseconds since
// the start of the run, and policies see it as a TimePoint through LbContext::now.
#include <chrono>
#include <cstdint>

#include "yoke/core/clock.h"

namespace yoke::sim {

// Nanoseconds since the start of the run (also used for durations).
using SimTime = std::int64_t;

inline constexpr SimTime kNanosPerMicro = 1000;
inline constexpr SimTime kNanosPerMilli = 1000 * kNanosPerMicro;
inline constexpr SimTime kNanosPerSecond = 1000 * kNanosPerMilli;

// The run starts one hour after the clock's epoch, as a long-running event loop would see it:
// UpstreamBalancer compares `now - checked` against fail_timeout, and a clock starting at the
// epoch would make every host look as if it had just been probed.
inline TimePoint to_time_point(SimTime time) {
  return TimePoint{} + std::chrono::hours(1) + std::chrono::nanoseconds(time);
}

inline Microseconds to_microseconds(SimTime duration) {
  return Microseconds(duration / kNanosPerMicro);
}

}  // namespace yoke::sim
