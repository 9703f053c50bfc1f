// Cost of one least_time pick over 10, 100 and 1,000 hosts that all have samples and uneven
// in-flight counts: one load (average × (in flight + 1)) per host, compared per weight.
#include <benchmark/benchmark.h>

#include <string>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

void run(benchmark::State& state, const std::string& words) {
  const auto count = static_cast<std::size_t>(state.range(0));
  testing::TestHosts hosts = testing::TestHosts::equal(count);
  auto policy = testing::make_policy("least_time", words, hosts);
  const TimePoint now = TimePoint{} + std::chrono::hours(1);
  for (std::size_t i = 0; i < count; ++i) {
    policy->on_request_start(hosts[i], now);
    policy->on_request_end(hosts[i], testing::outcome(now, Microseconds(1000 + i % 7)));
    for (std::size_t n = 0; n < i % 4; ++n) policy->on_request_start(hosts[i], now);
  }
  const testing::AllEligible eligibility;
  LbContext context;
  context.now = now + std::chrono::milliseconds(5);
  for (auto _ : state) benchmark::DoNotOptimize(policy->choose(context, eligibility));
}

void BM_LeastTimeHeaderChoose(benchmark::State& state) { run(state, "header"); }
void BM_LeastTimeInflightChoose(benchmark::State& state) { run(state, "last_byte inflight"); }
BENCHMARK(BM_LeastTimeHeaderChoose)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_LeastTimeInflightChoose)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace yoke::balancing
