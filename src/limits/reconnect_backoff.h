#pragma once
// When the global sync thread tries Redis again after a failure: exponential back-off from
// kFirstRetry, doubling up to kLastRetry, so a Redis that is down is not hammered by every node
// 20 times a second, and one that comes back is used again within kLastRetry. Pure (times are
// passed in), for unit tests with a fake clock.
#include <algorithm>

#include "yoke/core/clock.h"

namespace yoke::limits {

class ReconnectBackoff {
 public:
  static constexpr Milliseconds kFirstRetry{100};
  static constexpr Milliseconds kLastRetry{2000};

  // Whether a try is due at now.
  bool due(TimePoint now) const { return now >= next_try_; }
  // A try failed at now: the next one waits twice as long as the previous wait.
  void failed(TimePoint now) {
    wait_ = wait_.count() == 0 ? kFirstRetry : std::min(kLastRetry, wait_ * 2);
    next_try_ = now + wait_;
  }
  // A try succeeded: the next failure starts again from kFirstRetry.
  void succeeded() {
    wait_ = Milliseconds{0};
    next_try_ = TimePoint{};
  }
  Milliseconds wait() const { return wait_; }

 private:
  Milliseconds wait_{0};
  TimePoint next_try_{};
};

}  // namespace yoke::limits
