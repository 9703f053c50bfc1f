// Per-request costs of `sticky cookie`: finding the host a cookie value names (a hit, and a
// stale value that names no host) over 10, 100 and 1,000 hosts, and writing the Set-Cookie
// line (session cookie, and expires=TIME, whose date is formatted once a second).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "yoke/upstream/session_affinity.h"

namespace yoke::upstream {
namespace {

std::shared_ptr<balancing::HostSet> make_hosts(std::size_t count) {
  auto set = std::make_shared<balancing::HostSet>();
  for (std::size_t i = 0; i < count; ++i) {
    balancing::Host host;
    host.index = i;
    std::string text =
        "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + ":8080";
    SocketAddress::parse_numeric(text, host.address);
    set->hosts.push_back(host);
  }
  return set;
}

void BM_StickyFindHit(benchmark::State& state) {
  auto hosts = make_hosts(static_cast<std::size_t>(state.range(0)));
  StickyTable table(*hosts);
  const std::string value(table.value_of(hosts->hosts[hosts->hosts.size() / 2]));
  for (auto _ : state) benchmark::DoNotOptimize(table.find(value));
}
BENCHMARK(BM_StickyFindHit)->Arg(10)->Arg(100)->Arg(1000);

void BM_StickyFindMiss(benchmark::State& state) {
  auto hosts = make_hosts(static_cast<std::size_t>(state.range(0)));
  StickyTable table(*hosts);
  const std::string stale = "0123456789abcdef";  // a server no longer in the upstream
  for (auto _ : state) benchmark::DoNotOptimize(table.find(stale));
}
BENCHMARK(BM_StickyFindMiss)->Arg(10)->Arg(100)->Arg(1000);

void BM_StickySetCookie(benchmark::State& state) {
  auto hosts = make_hosts(3);
  config::StickyCookie config;
  config.name = "srv_id";
  config.path = "/";
  config.httponly = true;
  if (state.range(0) != 0) {
    config.expiry = config::StickyCookie::Expiry::kRelative;
    config.expires = std::chrono::hours(1);
  }
  SessionAffinity affinity(config, hosts);
  char storage[512];
  Buffer out(storage, sizeof storage);
  // Many responses a second: the date is formatted again once the second changes.
  const std::time_t now = 1800000000;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(affinity.append_set_cookie(hosts->hosts[1], now, out));
  }
}
BENCHMARK(BM_StickySetCookie)->Arg(0)->Arg(1)->ArgName("expires");

}  // namespace
}  // namespace yoke::upstream
