// Priority loads and zone shares (load_spill.h), checked against Envoy's documented examples of
// priority levels with the overprovisioning factor 1.4 (here min_healthy_percent 70 ≈ 1/1.4).
#include "yoke/upstream/load_spill.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace yoke::upstream {
namespace {

std::vector<std::uint32_t> loads(const std::vector<Capacity>& levels, int threshold = 70) {
  std::vector<std::uint32_t> out(levels.size());
  priority_loads(levels, threshold, out);
  return out;
}

TEST(LoadSpillTest, HealthyFirstLevelTakesEverything) {
  EXPECT_EQ(loads({{10, 10}, {10, 10}}), (std::vector<std::uint32_t>{10000, 0}));
  // 70 % healthy is still "all" (70 × 100/70 = 100 %).
  EXPECT_EQ(loads({{7, 10}, {10, 10}}), (std::vector<std::uint32_t>{10000, 0}));
}

TEST(LoadSpillTest, SpillsGraduallyBelowTheThreshold) {
  // 50 % healthy: 50/70 = 71.42 % stays, the rest moves down (Envoy: P0 health 71 %).
  EXPECT_EQ(loads({{5, 10}, {10, 10}}), (std::vector<std::uint32_t>{7142, 2858}));
  // 20 %: 28.57 % stays.
  EXPECT_EQ(loads({{2, 10}, {10, 10}}), (std::vector<std::uint32_t>{2857, 7143}));
  // Nothing healthy: all to the next level.
  EXPECT_EQ(loads({{0, 10}, {10, 10}}), (std::vector<std::uint32_t>{0, 10000}));
}

TEST(LoadSpillTest, ThreeLevelsCascade) {
  // P0 at 20 % (28.57 %), P1 at 40 % (57.14 %), P2 healthy takes what is left.
  EXPECT_EQ(loads({{2, 10}, {4, 10}, {10, 10}}), (std::vector<std::uint32_t>{2857, 5714, 1429}));
}

TEST(LoadSpillTest, NormalizesWhenLevelsCannotFillEverything) {
  // 20 % and 20 %: healths 28.57 % each, scaled up to 50 % each.
  EXPECT_EQ(loads({{2, 10}, {2, 10}}), (std::vector<std::uint32_t>{5000, 5000}));
  // No health anywhere: the first level takes everything.
  EXPECT_EQ(loads({{0, 10}, {0, 10}}), (std::vector<std::uint32_t>{10000, 0}));
}

TEST(LoadSpillTest, ThresholdChangesTheFactor) {
  // min_healthy_percent 100: no overprovisioning, 50 % healthy keeps 50 %.
  EXPECT_EQ(loads({{5, 10}, {10, 10}}, 100), (std::vector<std::uint32_t>{5000, 5000}));
}

TEST(LoadSpillTest, LocalZoneShare) {
  EXPECT_EQ(local_zone_share({3, 3}, 70), kAllLoad);
  EXPECT_EQ(local_zone_share({1, 3}, 70), 4761U);  // 33 % / 70 %
  EXPECT_EQ(local_zone_share({0, 3}, 70), 0U);
  EXPECT_EQ(local_zone_share({0, 0}, 70), 0U);  // no local hosts
}

}  // namespace
}  // namespace yoke::upstream
