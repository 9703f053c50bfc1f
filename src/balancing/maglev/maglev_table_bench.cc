// Maglev table costs: building for 10, 100 and 1,000 servers (issue 3's target: a 1,000-server
// rebuild in under 10 ms) and one lookup including hashing a short key.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "maglev_table.h"
#include "yoke/balancing/hash.h"

namespace yoke::balancing {
namespace {

std::vector<std::string> server_names(int count) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) names.push_back("10.1." + std::to_string(i) + ".7:8080");
  return names;
}

void BM_MaglevBuild(benchmark::State& state) {
  auto names = server_names(static_cast<int>(state.range(0)));
  std::vector<MaglevServer> servers;
  servers.reserve(names.size());
  for (const auto& name : names) servers.push_back({name, 1});
  for (auto _ : state) benchmark::DoNotOptimize(MaglevTable::build(servers));
}
BENCHMARK(BM_MaglevBuild)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_MaglevHashAndLookup(benchmark::State& state) {
  auto names = server_names(static_cast<int>(state.range(0)));
  std::vector<MaglevServer> servers;
  servers.reserve(names.size());
  for (const auto& name : names) servers.push_back({name, 1});
  MaglevTable table = MaglevTable::build(servers);
  std::vector<std::string> keys;
  keys.reserve(1024);
  for (int i = 0; i < 1024; ++i) keys.push_back("203.0.113." + std::to_string(i % 256));
  std::size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.lookup(hash_bytes(keys[next++ & 1023])));
  }
}
BENCHMARK(BM_MaglevHashAndLookup)->Arg(10)->Arg(1000);

}  // namespace
}  // namespace yoke::balancing
