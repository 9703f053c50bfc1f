// Cost of one `hash` pick over 10, 100 and 1,000 hosts: plain (nginx's weighted modulo), a
// ketama ring, a Maglev table, and the last two with balance_factor=1.25 and two requests in
// flight per host. Keys change every pick (the proxy hashes the request's key beforehand).
#include <benchmark/benchmark.h>

#include <string>

#include "balancing/support/policy_testing.h"

namespace yoke::balancing {
namespace {

void run(benchmark::State& state, const std::string& words, int in_flight_per_host) {
  const auto count = static_cast<std::size_t>(state.range(0));
  testing::TestHosts hosts = testing::TestHosts::equal(count);
  auto policy = testing::make_policy("hash", words, hosts);
  for (std::size_t i = 0; i < count; ++i) {
    for (int n = 0; n < in_flight_per_host; ++n) policy->on_request_start(hosts[i], TimePoint{});
  }
  const testing::AllEligible eligibility;
  LbContext context;
  context.has_hash_key = true;
  for (auto _ : state) {
    context.hash_key += 0x9e3779b97f4a7c15ULL;
    benchmark::DoNotOptimize(policy->choose(context, eligibility));
  }
}

void BM_HashModuloChoose(benchmark::State& state) { run(state, "$k", 0); }
void BM_HashConsistentChoose(benchmark::State& state) { run(state, "$k consistent", 0); }
void BM_HashMaglevChoose(benchmark::State& state) { run(state, "$k maglev", 0); }
void BM_HashConsistentBoundedChoose(benchmark::State& state) {
  run(state, "$k consistent balance_factor=1.25", 2);
}
void BM_HashMaglevBoundedChoose(benchmark::State& state) {
  run(state, "$k maglev balance_factor=1.25", 2);
}
BENCHMARK(BM_HashModuloChoose)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_HashConsistentChoose)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_HashMaglevChoose)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_HashConsistentBoundedChoose)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_HashMaglevBoundedChoose)->Arg(10)->Arg(100)->Arg(1000);

}  // namespace
}  // namespace yoke::balancing
