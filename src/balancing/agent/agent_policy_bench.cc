// Cost of one agent pick over 10, 100 and 1,000 hosts with uneven in-flight counts and agent
// weights read from runtime state (a quarter of the hosts tie, so the round robin runs too).
#include <benchmark/benchmark.h>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

void BM_AgentChoose(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  testing::TestHosts hosts = testing::TestHosts::equal(count);
  HostRuntimes runtimes(count);
  for (std::size_t i = 0; i < count; ++i) {
    hosts[i].runtime = &runtimes[i];
    runtimes[i].set_weight_percent(i % 2 == 0 ? 100 : 50);
  }
  auto policy = testing::make_policy("agent", "", hosts);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t n = 0; n < i % 4; ++n) policy->on_request_start(hosts[i], TimePoint{});
  }
  const testing::AllEligible eligibility;
  const LbContext context;
  for (auto _ : state) benchmark::DoNotOptimize(policy->choose(context, eligibility));
}
BENCHMARK(BM_AgentChoose)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace yoke::balancing
