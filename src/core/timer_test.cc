// Timer queues: per-duration FIFO lists, driven by a fake clock (TimePoint values).
#include "yoke/core/timer.h"

#include <gtest/gtest.h>

#include <vector>

namespace yoke {
namespace {

struct Recorder final : TimerHandler {
  std::vector<Timer*> fired;
  void on_timer(Timer& timer) override { fired.push_back(&timer); }
};

TimePoint at(int ms) { return TimePoint(Milliseconds(ms)); }

TEST(TimerQueue, FiresInDeadlineOrderAcrossDurations) {
  Recorder recorder;
  TimerQueue queue;
  Timer slow, fast, later;
  for (Timer* timer : {&slow, &fast, &later}) timer->bind(&recorder);
  queue.arm(slow, Milliseconds(100), at(0));
  queue.arm(fast, Milliseconds(10), at(0));
  queue.arm(later, Milliseconds(10), at(50));
  EXPECT_EQ(queue.wait_ms(at(0)), 10);
  queue.expire(at(10));
  EXPECT_EQ(recorder.fired, std::vector<Timer*>{&fast});
  EXPECT_EQ(queue.wait_ms(at(10)), 50);
  queue.expire(at(100));
  EXPECT_EQ(recorder.fired, (std::vector<Timer*>{&fast, &later, &slow}));
  EXPECT_EQ(queue.wait_ms(at(100)), -1);
}

TEST(TimerQueue, RearmingMovesTheDeadline) {
  Recorder recorder;
  TimerQueue queue;
  Timer timer;
  timer.bind(&recorder);
  queue.arm(timer, Milliseconds(10), at(0));
  queue.arm(timer, Milliseconds(10), at(8));
  queue.expire(at(12));
  EXPECT_TRUE(recorder.fired.empty());
  EXPECT_TRUE(timer.armed());
  queue.expire(at(18));
  EXPECT_EQ(recorder.fired.size(), 1u);
  EXPECT_FALSE(timer.armed());
}

TEST(TimerQueue, RearmingKeepsEachListInDeadlineOrder) {
  Recorder recorder;
  TimerQueue queue;
  Timer first, middle, last, other;
  for (Timer* timer : {&first, &middle, &last, &other}) timer->bind(&recorder);
  queue.arm(first, Milliseconds(10), at(0));
  queue.arm(middle, Milliseconds(10), at(1));
  queue.arm(last, Milliseconds(10), at(2));
  queue.arm(other, Milliseconds(30), at(2));   // another list in between
  queue.arm(last, Milliseconds(10), at(3));    // the newest of its list: stays last
  queue.arm(middle, Milliseconds(10), at(4));  // moves behind last
  queue.arm(first, Milliseconds(30), at(5));   // changes list
  queue.expire(at(13));
  EXPECT_EQ(recorder.fired, std::vector<Timer*>{&last});
  queue.expire(at(14));
  EXPECT_EQ(recorder.fired, (std::vector<Timer*>{&last, &middle}));
  queue.expire(at(40));
  EXPECT_EQ(recorder.fired, (std::vector<Timer*>{&last, &middle, &other, &first}));
}

TEST(TimerQueue, CancelledAndDestroyedTimersNeverFire) {
  Recorder recorder;
  TimerQueue queue;
  Timer kept;
  kept.bind(&recorder);
  {
    Timer destroyed;
    destroyed.bind(&recorder);
    queue.arm(destroyed, Milliseconds(5), at(0));
  }
  queue.arm(kept, Milliseconds(5), at(0));
  kept.cancel();
  queue.expire(at(100));
  EXPECT_TRUE(recorder.fired.empty());
}

// A handler may re-arm the timer that fired (keep-alive style); it must not fire twice in one
// pass.
TEST(TimerQueue, HandlerMayRearmItself) {
  struct Rearmer final : TimerHandler {
    TimerQueue* queue = nullptr;
    TimePoint now{};
    int count = 0;
    void on_timer(Timer& timer) override {
      ++count;
      queue->arm(timer, Milliseconds(10), now);
    }
  } rearmer;
  TimerQueue queue;
  Timer timer;
  timer.bind(&rearmer);
  rearmer.queue = &queue;
  queue.arm(timer, Milliseconds(10), at(0));
  rearmer.now = at(10);
  queue.expire(at(10));
  EXPECT_EQ(rearmer.count, 1);
  EXPECT_EQ(queue.wait_ms(at(10)), 10);
}

}  // namespace
}  // namespace yoke
