// Cost of one adaptive pick over 10, 100 and 1,000 hosts that all have learnt models and some
// requests in flight: a whole-group scan at 10, 16 weighted draws above.
#include <benchmark/benchmark.h>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

void BM_AdaptiveChoose(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  testing::TestHosts hosts = testing::TestHosts::equal(count);
  auto policy = testing::make_policy("adaptive", "", hosts);
  const TimePoint now = TimePoint{} + std::chrono::hours(1);
  for (std::size_t i = 0; i < count; ++i) {
    for (int sample = 0; sample < 3; ++sample) {
      policy->on_request_start(hosts[i], now);
      policy->on_request_end(hosts[i], testing::outcome(now, Microseconds(1000 + i)));
    }
    for (std::size_t n = 0; n < i % 4; ++n) policy->on_request_start(hosts[i], now);
  }
  const testing::AllEligible eligibility;
  LbContext context;
  context.now = now + std::chrono::milliseconds(5);
  for (auto _ : state) benchmark::DoNotOptimize(policy->choose(context, eligibility));
}
BENCHMARK(BM_AdaptiveChoose)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace yoke::balancing
