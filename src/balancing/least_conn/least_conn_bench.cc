// Cost of one least_conn pick over 10, 100 and 1,000 hosts with uneven in-flight counts (a
// quarter of the hosts tie at the minimum, so nginx's round-robin tie-break runs too).
#include <benchmark/benchmark.h>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

void BM_LeastConnChoose(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  testing::TestHosts hosts = testing::TestHosts::equal(count);
  auto policy = testing::make_policy("least_conn", "", hosts);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t n = 0; n < i % 4; ++n) policy->on_request_start(hosts[i], TimePoint{});
  }
  const testing::AllEligible eligibility;
  const LbContext context;
  for (auto _ : state) benchmark::DoNotOptimize(policy->choose(context, eligibility));
}
BENCHMARK(BM_LeastConnChoose)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace yoke::balancing
