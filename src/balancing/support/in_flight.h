#pragma once
// Requests in flight on one host as this worker's balancer sees them, and how long the host has
// been busy without finishing anything.
//
// stalled_for() is the "age of the oldest in-flight request" in O(1) and without a
// per-request record: now − max(busy_since, last_end) never exceeds that age, and equals it when
// responses finish in order. Proof: if nothing ended since the host became busy, the request
// that made it busy is still in flight and started at busy_since; otherwise some request was
// in flight just after the last end (the host stayed busy), started before it, and has not
// ended since. It grows one second per second while a backend stalls, which is what latency
// policies must see (an average that only moves when responses arrive stands still instead).
#include <algorithm>

#include "yoke/core/clock.h"

namespace yoke::balancing {

struct InFlight {
  int active = 0;
  TimePoint busy_since{};  // when active last went from 0 to 1
  TimePoint last_end{};    // when a request on the host last ended

  void start(TimePoint now) {
    if (active++ == 0) busy_since = now;
  }

  void end(TimePoint now) {
    if (active > 0) --active;
    last_end = now;
  }

  // Zero while idle; see the file comment.
  Microseconds stalled_for(TimePoint now) const {
    if (active == 0) return Microseconds(0);
    const TimePoint since = std::max(busy_since, last_end);
    return now > since ? std::chrono::duration_cast<Microseconds>(now - since) : Microseconds(0);
  }
};

}  // namespace yoke::balancing
