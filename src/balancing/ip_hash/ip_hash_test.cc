// ip_hash: a key always reaches the same host, weights set the shares, and a key moves only
// when its host cannot be used (nginx's rehash walk).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "balancing/support/policy_testing.h"
#include "yoke/balancing/hash.h"

namespace yoke::balancing {
namespace {

using testing::SetEligibility;
using testing::TestHosts;

LbContext keyed(std::uint64_t key) {
  LbContext context;
  context.hash_key = key;
  context.has_hash_key = true;
  return context;
}

// The key the proxy computes for an IPv4 client: its first three octets.
std::uint64_t network_key(int a, int b, int c) {
  const char bytes[3] = {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)};
  return hash_bytes(std::string_view(bytes, 3));
}

TEST(IpHashPolicy, RegistrationDeclaresTheClientNetworkKeyAndNoBackups) {
  const PolicyFactory* factory = find_policy("ip_hash");
  ASSERT_NE(factory, nullptr);
  EXPECT_EQ(factory->hash_key({}).kind, HashKeyKind::kClientNetwork);
  EXPECT_FALSE(factory->supports_backup);
  EXPECT_TRUE(factory->uses_weight);
  EXPECT_EQ(testing::validation("ip_hash", ""), "ok");
  EXPECT_EQ(testing::validation("ip_hash", "x"), "ip_hash takes no arguments");
}

TEST(IpHashPolicy, SameNetworkSameHostEveryTime) {
  TestHosts hosts = TestHosts::equal(5);
  auto policy = testing::make_policy("ip_hash", "", hosts);
  SetEligibility all;
  for (int c = 0; c < 50; ++c) {
    const Host* first = policy->choose(keyed(network_key(192, 168, c)), all);
    for (int repeat = 0; repeat < 5; ++repeat) {
      EXPECT_EQ(policy->choose(keyed(network_key(192, 168, c)), all), first);
    }
  }
}

TEST(IpHashPolicy, WeightsSetTheShareOfNetworks) {
  TestHosts hosts({3, 1});
  auto policy = testing::make_policy("ip_hash", "", hosts);
  SetEligibility all;
  std::map<std::string, int> counts;
  for (int n = 0; n < 40000; ++n) {
    ++counts[policy->choose(keyed(network_key(10, n / 256, n % 256)), all)->name];
  }
  EXPECT_NEAR(counts["a"] / 40000.0, 0.75, 0.01);
}

TEST(IpHashPolicy, OnlyKeysOfAnUnusableHostMove) {
  TestHosts hosts = TestHosts::equal(4);
  auto policy = testing::make_policy("ip_hash", "", hosts);
  SetEligibility eligibility;
  std::map<std::uint64_t, const Host*> before;
  for (std::uint64_t key = 0; key < 10000; ++key)
    before[key] = policy->choose(keyed(key), eligibility);
  eligibility.ineligible = {2};
  int moved = 0;
  std::map<std::string, int> moved_to;
  for (std::uint64_t key = 0; key < 10000; ++key) {
    const Host* now = policy->choose(keyed(key), eligibility);
    ASSERT_NE(now->index, 2u);
    if (now != before[key]) {
      ++moved;
      EXPECT_EQ(before[key]->index, 2u);
      ++moved_to[now->name];
    }
  }
  EXPECT_NEAR(moved / 10000.0, 0.25, 0.02);
  // The rehash spreads the moved keys over the other hosts, not onto one neighbour.
  for (const char* name : {"a", "b", "d"}) EXPECT_GT(moved_to[name], moved / 5) << name;
}

TEST(IpHashPolicy, FallsBackToAScanWhenRehashingKeepsMissing) {
  TestHosts hosts = TestHosts::equal(100);
  auto policy = testing::make_policy("ip_hash", "", hosts);
  SetEligibility eligibility;
  for (std::size_t i = 0; i < 100; ++i) {
    if (i != 37) eligibility.ineligible.insert(i);
  }
  for (std::uint64_t key = 0; key < 100; ++key) {
    EXPECT_EQ(policy->choose(keyed(key), eligibility)->index, 37u);
  }
  eligibility.ineligible.insert(37);
  EXPECT_EQ(policy->choose(keyed(1), eligibility), nullptr);
}

}  // namespace
}  // namespace yoke::balancing
