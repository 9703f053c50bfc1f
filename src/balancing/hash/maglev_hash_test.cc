// hash KEY maglev: the same key reaches the same host in every instance, removing one of a few
// hosts moves little more than its share, a host that cannot be used loses only its own keys
// along each key's fixed fallback sequence. The table's own balance (max/mean <= 1.01 of slots)
// and its disruption at larger N are measured in src/balancing/maglev/maglev_table_test.cc.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "balancing/hash/hash_testing.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::balancing {
namespace {

using testing::keyed;
using testing::moved_keys;
using testing::owners;
using testing::server_names;

constexpr int kKeys = 100000;

TEST(MaglevHash, SameKeySameHostAcrossInstances) {
  const auto names = server_names(9);
  EXPECT_EQ(owners("$k maglev", names, 5000), owners("$k maglev", names, 5000));
}

// The bound, (1/N) x 1.1 of 100,000 keys, for the removal of each host in turn at
// small N (measured worst: 1.003 x K/N at N = 3, 1.014 at 5, 1.037 at 10; 1.31 at 50, which is
// why no larger N is claimed here).
TEST(MaglevHash, RemovingOneOfAFewHostsMovesAtMostAlittleMoreThanItsShare) {
  for (int count : {3, 5, 10}) {
    const auto names = server_names(count);
    const auto before = owners("$k maglev", names, kKeys);
    for (int removed = 0; removed < count; ++removed) {
      auto fewer = names;
      fewer.erase(fewer.begin() + removed);
      const int moved = moved_keys(before, owners("$k maglev", fewer, kKeys));
      EXPECT_LE(moved, 1.1 * kKeys / count) << count << " hosts, removed " << removed;
    }
  }
}

TEST(MaglevHash, AnIneligibleHostLosesOnlyItsKeysAlongAFixedSequence) {
  testing::TestHosts hosts = testing::TestHosts::equal(5);
  auto policy = testing::make_policy("hash", "$k maglev", hosts);
  testing::SetEligibility eligibility;
  std::vector<const Host*> before;
  before.reserve(20000);
  for (int key = 0; key < 20000; ++key) {
    before.push_back(policy->choose(keyed(testing::user_key(key)), eligibility));
  }
  eligibility.ineligible = {1};
  auto restarted = testing::make_policy("hash", "$k maglev", hosts);
  std::map<std::string, int> moved_to;
  for (int key = 0; key < 20000; ++key) {
    const Host* now = policy->choose(keyed(testing::user_key(key)), eligibility);
    ASSERT_EQ(restarted->choose(keyed(testing::user_key(key)), eligibility), now);
    if (before[key]->index != 1) {
      ASSERT_EQ(now, before[key]);
    } else {
      ++moved_to[now->name];
    }
  }
  // Rehashing lands on uniformly random slots: the moved keys spread evenly over the 4 others.
  ASSERT_EQ(moved_to.size(), 4u);
  for (const auto& [name, count] : moved_to) EXPECT_NEAR(count, 1000, 150) << name;
}

TEST(MaglevHash, FindsTheLastEligibleHostAndGivesNullWithNone) {
  testing::TestHosts hosts = testing::TestHosts::equal(50);
  auto policy = testing::make_policy("hash", "$k maglev", hosts);
  testing::SetEligibility eligibility;
  for (std::size_t i = 0; i < 50; ++i) {
    if (i != 17) eligibility.ineligible.insert(i);
  }
  for (int key = 0; key < 200; ++key) {
    EXPECT_EQ(policy->choose(keyed(testing::user_key(key)), eligibility)->index, 17u);
  }
  eligibility.ineligible.insert(17);
  EXPECT_EQ(policy->choose(keyed(1), eligibility), nullptr);
}

TEST(MaglevHash, WeightsSetTheShareOfKeys) {
  testing::TestHosts hosts({1, 3});
  auto policy = testing::make_policy("hash", "$k maglev", hosts);
  testing::AllEligible all;
  int heavy = 0;
  for (int key = 0; key < kKeys; ++key) {
    heavy += policy->choose(keyed(testing::user_key(key)), all)->index == 1 ? 1 : 0;
  }
  EXPECT_NEAR(heavy / static_cast<double>(kKeys), 0.75, 0.01);
}

// The table is built once per snapshot (UpstreamBalancer::share) and every worker's policy
// reads the same one.
TEST(MaglevHash, TableIsSharedBetweenWorkers) {
  auto set = std::make_shared<HostSet>();
  for (std::size_t i = 0; i < 4; ++i) {
    Host host;
    host.index = i;
    host.name = "10.2.0." + std::to_string(i) + ":80";
    set->hosts.push_back(host);
  }
  const PolicyFactory& factory = *find_policy("hash");
  const auto args = testing::arguments("$k maglev");
  const upstream::SharedPolicyGroups shared =
      upstream::UpstreamBalancer::share(*set, factory, args);
  ASSERT_NE(shared.primaries, nullptr);
  EXPECT_EQ(shared.backups, nullptr);
  upstream::UpstreamBalancer worker1(set, factory, args, shared);
  upstream::UpstreamBalancer worker2(set, factory, args, shared);
  EXPECT_EQ(shared.primaries.use_count(), 3);  // this test's copy and the two workers'
  for (int key = 0; key < 1000; ++key) {
    const upstream::TriedHosts tried(4);
    EXPECT_EQ(worker1.choose(keyed(testing::user_key(key)), tried),
              worker2.choose(keyed(testing::user_key(key)), tried));
  }
}

}  // namespace
}  // namespace yoke::balancing
