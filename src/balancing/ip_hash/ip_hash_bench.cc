// Cost of one ip_hash pick over 10, 100 and 1,000 hosts (the key is precomputed by the proxy).
#include <benchmark/benchmark.h>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

void BM_IpHashChoose(benchmark::State& state) {
  testing::TestHosts hosts = testing::TestHosts::equal(static_cast<std::size_t>(state.range(0)));
  auto policy = testing::make_policy("ip_hash", "", hosts);
  const testing::AllEligible eligibility;
  LbContext context;
  context.has_hash_key = true;
  for (auto _ : state) {
    context.hash_key += 0x9e3779b97f4a7c15ULL;  // a different client each pick
    benchmark::DoNotOptimize(policy->choose(context, eligibility));
  }
}
BENCHMARK(BM_IpHashChoose)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace yoke::balancing
