// The timeline orders events by time and, among equal times, by scheduling order.
#include "event_queue.h"

#include <gtest/gtest.h>

#include <vector>

#include "random.h"

namespace yoke::sim {
namespace {

TEST(EventQueue, PopsInTimeOrder) {
  EventQueue queue;
  queue.push(30, EventKind::kArrival, 3);
  queue.push(10, EventKind::kArrival, 1);
  queue.push(20, EventKind::kArrival, 2);
  std::vector<std::uint32_t> order;
  while (!queue.empty()) order.push_back(queue.pop().subject);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 2, 3}));
}

TEST(EventQueue, EqualTimesComeOutInSchedulingOrder) {
  EventQueue queue;
  for (std::uint32_t i = 0; i < 100; ++i) queue.push(i % 3 == 0 ? 5 : 7, EventKind::kArrival, i);
  std::uint32_t last_at_five = 0;
  std::uint32_t last_at_seven = 0;
  bool first_five = true;
  bool first_seven = true;
  SimTime previous = 0;
  while (!queue.empty()) {
    const Event event = queue.pop();
    EXPECT_GE(event.time, previous);
    previous = event.time;
    std::uint32_t& last = event.time == 5 ? last_at_five : last_at_seven;
    bool& first = event.time == 5 ? first_five : first_seven;
    if (!first) {
      EXPECT_GT(event.subject, last);
    }
    first = false;
    last = event.subject;
  }
}

TEST(EventQueue, RandomScheduleComesOutSorted) {
  EventQueue queue;
  Random random(42);
  for (int i = 0; i < 10000; ++i) {
    queue.push(static_cast<SimTime>(random.below(1000)), EventKind::kServiceDone, 0,
               static_cast<std::uint64_t>(i));
  }
  Event previous = queue.pop();
  while (!queue.empty()) {
    const Event event = queue.pop();
    ASSERT_TRUE(event.time > previous.time ||
                (event.time == previous.time && event.sequence > previous.sequence));
    previous = event;
  }
}

TEST(EventQueue, EventsPushedWhilePoppingKeepTheOrder) {
  EventQueue queue;
  queue.push(10, EventKind::kArrival, 1);
  queue.push(50, EventKind::kArrival, 5);
  EXPECT_EQ(queue.pop().subject, 1u);
  queue.push(20, EventKind::kArrival, 2);
  queue.push(50, EventKind::kArrival, 6);
  EXPECT_EQ(queue.pop().subject, 2u);
  EXPECT_EQ(queue.pop().subject, 5u);
  EXPECT_EQ(queue.pop().subject, 6u);
  EXPECT_TRUE(queue.empty());
}

}  // namespace
}  // namespace yoke::sim
