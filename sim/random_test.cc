// The workload generators: every distribution has the requested mean, and the streams are
// reproducible.
#include "random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "arrival_process.h"
#include "key_sampler.h"
#include "service_sampler.h"

namespace yoke::sim {
namespace {

double sample_mean(const ServiceSpec& spec, int count) {
  const ServiceSampler sampler(spec, 1000.0);
  Random random(derive_seed(5, Stream::kServiceDemand));
  double sum = 0;
  for (int i = 0; i < count; ++i) sum += sampler.sample(random);
  return sum / count;
}

TEST(Random, SameSeedSameStream) {
  Random a(123);
  Random b(123);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
}

TEST(Random, DerivedSeedsDifferPerStreamAndIndex) {
  EXPECT_NE(derive_seed(1, Stream::kArrivals), derive_seed(1, Stream::kServiceDemand));
  EXPECT_NE(derive_seed(1, Stream::kPolicies, 0), derive_seed(1, Stream::kPolicies, 1));
  EXPECT_NE(derive_seed(1, Stream::kArrivals), derive_seed(2, Stream::kArrivals));
}

TEST(Random, UniformAndBelowStayInRange) {
  Random random(9);
  for (int i = 0; i < 10000; ++i) {
    const double u = random.uniform();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
    EXPECT_LT(random.below(7), 7u);
  }
}

TEST(ServiceSampler, EveryDistributionHasTheRequestedMean) {
  ServiceSpec spec;
  spec.kind = ServiceKind::kExponential;
  EXPECT_NEAR(sample_mean(spec, 400000), 1000, 10);
  spec.kind = ServiceKind::kDeterministic;
  EXPECT_DOUBLE_EQ(sample_mean(spec, 10), 1000);
  spec.kind = ServiceKind::kLognormal;
  spec.sigma = 1;
  EXPECT_NEAR(sample_mean(spec, 400000), 1000, 20);
  spec.kind = ServiceKind::kBoundedPareto;
  spec.alpha = 1.5;
  spec.ratio = 1000;
  EXPECT_NEAR(sample_mean(spec, 1000000), 1000, 30);
  // Unbounded Pareto with α = 2.5 has finite variance, so its sample mean converges.
  spec.kind = ServiceKind::kPareto;
  spec.alpha = 2.5;
  EXPECT_NEAR(sample_mean(spec, 1000000), 1000, 20);
}

TEST(ServiceSampler, BoundedParetoStaysWithinItsBounds) {
  ServiceSpec spec;
  spec.kind = ServiceKind::kBoundedPareto;
  spec.alpha = 1.1;
  spec.ratio = 100;
  const ServiceSampler sampler(spec, 1000.0);
  Random random(3);
  double smallest = 1e300;
  double largest = 0;
  for (int i = 0; i < 100000; ++i) {
    const double value = sampler.sample(random);
    smallest = std::min(smallest, value);
    largest = std::max(largest, value);
  }
  EXPECT_LE(largest / smallest, 100 * (1 + 1e-9));
  EXPECT_GT(largest / smallest, 50);
}

double arrival_rate(const ArrivalSpec& spec, int count) {
  ArrivalProcess process(spec, 1e-3, Random(17));
  SimTime last = 0;
  for (int i = 0; i < count; ++i) last = process.next();
  return count / static_cast<double>(last);
}

TEST(ArrivalProcess, PoissonAndBurstyKeepTheMeanRate) {
  ArrivalSpec spec;
  EXPECT_NEAR(arrival_rate(spec, 200000), 1e-3, 1e-3 * 0.01);
  spec.kind = ArrivalKind::kBursty;
  spec.factor = 5;
  spec.burst = 20000;
  spec.calm = 80000;
  EXPECT_NEAR(arrival_rate(spec, 400000), 1e-3, 1e-3 * 0.03);
}

TEST(ArrivalProcess, TimesNeverGoBack) {
  ArrivalSpec spec;
  spec.kind = ArrivalKind::kBursty;
  ArrivalProcess process(spec, 1e-6, Random(2));
  SimTime previous = 0;
  for (int i = 0; i < 10000; ++i) {
    const SimTime time = process.next();
    EXPECT_GE(time, previous);
    previous = time;
  }
}

TEST(KeySampler, ZipfMakesTheFirstKeyTheMostCommon) {
  KeySpec spec;
  spec.kind = KeyKind::kZipf;
  spec.count = 100;
  spec.exponent = 1;
  const KeySampler sampler(spec);
  Random random(8);
  std::map<std::uint64_t, int> counts;
  const int draws = 200000;
  for (int i = 0; i < draws; ++i) ++counts[sampler.sample(random)];
  int most = 0;
  for (const auto& [key, count] : counts) most = std::max(most, count);
  // P(1) = 1 / H(100) ≈ 1 / 5.187.
  EXPECT_NEAR(static_cast<double>(most) / draws, 1 / 5.187, 0.005);
  EXPECT_EQ(counts.size(), 100u);
}

TEST(KeySampler, DisabledWithoutKeys) { EXPECT_FALSE(KeySampler(KeySpec{}).enabled()); }

}  // namespace
}  // namespace yoke::sim
