#pragma once
// Timers for one event loop. Every timeout in a proxy has a duration fixed by configuration
// (header timeout, read timeout, keep-alive timeout …), so timers of one duration expire in the
// order they were armed. Each duration therefore gets its own FIFO list: arming is an O(1)
// append, cancelling an O(1) unlink, and expiry only looks at list heads. This is the
// observation behind libev's "timer queues of equal duration" (libev manual, "Be smart about
// timeouts", strategy 4). No allocation after a duration's list exists.
#include <cstddef>
#include <vector>

#include "yoke/core/clock.h"

namespace yoke {

class Timer;

class TimerHandler {
 public:
  // Called on the loop's thread when timer (one of this handler's) expires.
  virtual void on_timer(Timer& timer) = 0;

 protected:
  ~TimerHandler() = default;
};

class Timer {
 public:
  Timer() = default;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();

  void bind(TimerHandler* handler) { handler_ = handler; }
  bool armed() const { return list_ != nullptr; }
  TimePoint deadline() const { return deadline_; }
  void cancel();

 private:
  friend class TimerQueue;
  TimerHandler* handler_ = nullptr;
  struct TimerList* list_ = nullptr;
  Timer* prev_ = nullptr;
  Timer* next_ = nullptr;
  TimePoint deadline_{};
};

struct TimerList {
  Milliseconds duration{0};
  Timer* head = nullptr;
  Timer* tail = nullptr;
};

class TimerQueue {
 public:
  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;
  ~TimerQueue();

  // (Re)arms timer to fire at now + duration. A zero or negative duration fires on the next
  // expiry pass.
  void arm(Timer& timer, Milliseconds duration, TimePoint now);
  // Fires every timer whose deadline is <= now. A handler may arm or cancel any timer.
  void expire(TimePoint now);
  // Milliseconds until the earliest deadline (rounded up), or -1 when no timer is armed.
  int wait_ms(TimePoint now) const;

 private:
  TimerList* list_for(Milliseconds duration);
  std::vector<TimerList*> lists_;
  TimerList* last_list_ = nullptr;  // most timers armed in a row share a duration
};

}  // namespace yoke
