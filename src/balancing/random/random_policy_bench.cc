// Cost of one `random` pick over 10, 100 and 1,000 hosts: one weighted draw, and two draws
// compared by active requests (two least_conn) or by response time (two least_time=header).
#include <benchmark/benchmark.h>

#include <string>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

void run(benchmark::State& state, const std::string& words) {
  const auto count = static_cast<std::size_t>(state.range(0));
  std::vector<int> weights;
  for (std::size_t i = 0; i < count; ++i) weights.push_back(1 + static_cast<int>(i % 5));
  testing::TestHosts hosts(weights);
  auto policy = testing::make_policy("random", words, hosts);
  const TimePoint now = TimePoint{} + std::chrono::hours(1);
  for (std::size_t i = 0; i < count; ++i) {
    policy->on_request_start(hosts[i], now);
    policy->on_request_end(hosts[i], testing::outcome(now, Microseconds(1000 + i)));
    for (std::size_t n = 0; n < i % 4; ++n) policy->on_request_start(hosts[i], now);
  }
  const testing::AllEligible eligibility;
  LbContext context;
  context.now = now;
  for (auto _ : state) benchmark::DoNotOptimize(policy->choose(context, eligibility));
}

void BM_RandomChoose(benchmark::State& state) { run(state, ""); }
void BM_RandomTwoLeastConnChoose(benchmark::State& state) { run(state, "two least_conn"); }
void BM_RandomTwoLeastTimeChoose(benchmark::State& state) { run(state, "two least_time=header"); }
BENCHMARK(BM_RandomChoose)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_RandomTwoLeastConnChoose)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_RandomTwoLeastTimeChoose)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace yoke::balancing
