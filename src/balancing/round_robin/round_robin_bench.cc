// Cost of one pick with smooth weighted round robin: the policy alone, and through
// UpstreamBalancer (eligibility checks, backup fallback, probe bookkeeping), over 3 to 1,000
// hosts (above 32 the precomputed period of smooth_schedule.h is walked).
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "yoke/balancing/policy.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::balancing {
namespace {

std::shared_ptr<HostSet> make_hosts(int count) {
  auto set = std::make_shared<HostSet>();
  set->upstream = "bench";
  for (int i = 0; i < count; ++i) {
    Host host;
    host.index = static_cast<std::size_t>(i);
    host.weight = 1 + i % 5;
    set->hosts.push_back(host);
  }
  return set;
}

class AllEligible final : public Eligibility {
 public:
  bool eligible(const Host& /*host*/) const override { return true; }
};

void BM_RoundRobinPolicyChoose(benchmark::State& state) {
  const auto hosts = make_hosts(static_cast<int>(state.range(0)));
  std::vector<const Host*> group;
  for (const Host& host : hosts->hosts) group.push_back(&host);
  auto policy = find_policy("round_robin")->create({}, group);
  const AllEligible eligibility;
  const LbContext context;
  for (auto _ : state) benchmark::DoNotOptimize(policy->choose(context, eligibility));
}
BENCHMARK(BM_RoundRobinPolicyChoose)->Arg(3)->Arg(10)->Arg(100)->Arg(1000);

void BM_UpstreamBalancerChooseRoundRobin(benchmark::State& state) {
  const auto hosts = make_hosts(static_cast<int>(state.range(0)));
  upstream::UpstreamBalancer balancer(hosts, *find_policy("round_robin"), {});
  const upstream::TriedHosts tried(hosts->hosts.size());
  LbContext context;
  context.now = TimePoint{} + std::chrono::hours(1);
  for (auto _ : state) benchmark::DoNotOptimize(balancer.choose(context, tried));
}
BENCHMARK(BM_UpstreamBalancerChooseRoundRobin)->Arg(3)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace yoke::balancing
