// Requests in progress per key: the limit, release, room made only by idle keys, threads.
#include "yoke/limits/conn_zone.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace yoke::limits {
namespace {

TEST(ConnZone, CountsUpToTheLimitAndReleases) {
  ConnZone zone("c", 1 << 16);
  KeyedSlot* first = zone.acquire("a", 2);
  KeyedSlot* second = zone.acquire("a", 2);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(zone.acquire("a", 2), nullptr);
  EXPECT_NE(zone.acquire("b", 2), nullptr);  // another key
  EXPECT_EQ(zone.count("a"), 2u);
  ConnZone::release(first);
  EXPECT_EQ(zone.count("a"), 1u);
  EXPECT_NE(zone.acquire("a", 2), nullptr);
}

TEST(ConnZone, OnlyIdleKeysMakeRoom) {
  ConnZone zone("tiny", 1);  // one bucket of eight slots
  std::vector<KeyedSlot*> held;
  held.reserve(8);
  for (int i = 0; i < 8; ++i) held.push_back(zone.acquire("k" + std::to_string(i), 1));
  for (KeyedSlot* slot : held) ASSERT_NE(slot, nullptr);
  EXPECT_EQ(zone.acquire("new", 1), nullptr);  // every slot busy: refused, nothing evicted
  ConnZone::release(held[3]);
  KeyedSlot* fresh = zone.acquire("new", 1);
  EXPECT_EQ(fresh, held[3]);  // k3 was idle and made room
  EXPECT_EQ(zone.count("k3"), 0u);
  EXPECT_EQ(zone.count("k5"), 1u);
}

TEST(ConnZone, ThreadsNeverExceedTheLimit) {
  ConnZone zone("shared", 1 << 16);
  std::atomic<int> inside{0};
  std::atomic<int> worst{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        KeyedSlot* slot = zone.acquire("client", 3);
        if (slot == nullptr) continue;
        const int now = ++inside;
        int seen = worst.load();
        while (now > seen && !worst.compare_exchange_weak(seen, now)) {
        }
        --inside;
        ConnZone::release(slot);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(worst.load(), 3);
  EXPECT_EQ(zone.count("client"), 0u);
}

}  // namespace
}  // namespace yoke::limits
