#pragma once
// Monotonic time used everywhere on the hot path. Each event loop caches "now" once per
// iteration, so reading the time never costs a system call per request.
#include <chrono>

namespace yoke {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Milliseconds = std::chrono::milliseconds;
using Microseconds = std::chrono::microseconds;

}  // namespace yoke
