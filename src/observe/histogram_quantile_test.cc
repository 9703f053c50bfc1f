// estimate_quantile against values worked out by hand from Prometheus' interpolation rule.
#include "yoke/observe/histogram_quantile.h"

#include <gtest/gtest.h>

#include <array>

namespace yoke::observe {
namespace {

constexpr std::array<std::int64_t, 3> kBounds = {10, 20, 40};

TEST(EstimateQuantile, EmptyWithoutObservations) {
  std::array<std::uint64_t, 4> buckets{};
  EXPECT_FALSE(estimate_quantile(0.5, kBounds, buckets).has_value());
}

TEST(EstimateQuantile, InterpolatesInsideTheBucket) {
  // 10 observations in (10, 20], 10 in (20, 40]: the median is the top of the first of them,
  // p75 halfway through the second.
  std::array<std::uint64_t, 4> buckets = {0, 10, 10, 0};
  EXPECT_DOUBLE_EQ(*estimate_quantile(0.5, kBounds, buckets), 20.0);
  EXPECT_DOUBLE_EQ(*estimate_quantile(0.75, kBounds, buckets), 30.0);
  EXPECT_DOUBLE_EQ(*estimate_quantile(0.25, kBounds, buckets), 15.0);
}

TEST(EstimateQuantile, FirstBucketStartsAtZero) {
  std::array<std::uint64_t, 4> buckets = {4, 0, 0, 0};
  EXPECT_DOUBLE_EQ(*estimate_quantile(0.5, kBounds, buckets), 5.0);
}

TEST(EstimateQuantile, InfBucketGivesTheHighestBound) {
  std::array<std::uint64_t, 4> buckets = {1, 0, 0, 99};
  EXPECT_DOUBLE_EQ(*estimate_quantile(0.99, kBounds, buckets), 40.0);
}

}  // namespace
}  // namespace yoke::observe
