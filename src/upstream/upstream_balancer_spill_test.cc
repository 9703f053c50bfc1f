// Priority levels and zone-aware routing through UpstreamBalancer: where picks go as hosts of
// the preferred level or zone fail. Seeded random draws, a fake clock.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "yoke/balancing/random.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::upstream {
namespace {

using balancing::Host;
using balancing::HostSet;

struct Spec {
  Spec(std::string name_in, int priority_in = 0, std::string zone_in = "", bool backup_in = false)
      : name(std::move(name_in)),
        priority(priority_in),
        zone(std::move(zone_in)),
        backup(backup_in) {}
  std::string name;
  int priority;
  std::string zone;
  bool backup;
};

class SpillTest : public ::testing::Test {
 protected:
  void build(const std::vector<Spec>& specs, bool zone_aware = false) {
    balancing::seed_policy_random(42);
    auto set = std::make_shared<HostSet>();
    set->upstream = "app";
    set->resilience.zone_aware.enabled = zone_aware;
    for (const Spec& spec : specs) {
      Host host;
      host.index = set->hosts.size();
      host.name = spec.name;
      host.priority = spec.priority;
      host.zone = spec.zone;
      host.local_zone = spec.zone == "a";
      host.backup = spec.backup;
      host.max_fails = 0;
      set->hosts.push_back(host);
    }
    balancing::attach_runtime(*set);
    set_ = set;
    balancer_ = std::make_unique<UpstreamBalancer>(set, *balancing::find_policy("round_robin"),
                                                   std::vector<config::Argument>{});
  }
  void take_down(std::size_t index) {
    (*set_->runtime)[index].set_health(balancing::HealthState::kDown);
  }
  // Picks per host name over count first attempts.
  std::map<std::string, int> spread(int count) {
    std::map<std::string, int> picks;
    balancing::LbContext context;
    context.now = TimePoint{} + std::chrono::seconds(100);
    for (int i = 0; i < count; ++i) {
      const Host* host = balancer_->choose(context, TriedHosts(set_->hosts.size()));
      ++picks[host == nullptr ? "-" : host->name];
    }
    return picks;
  }
  // Picks of hosts whose name starts with prefix.
  static int starting(const std::map<std::string, int>& picks, char prefix) {
    int total = 0;
    for (const auto& [name, count] : picks) total += name[0] == prefix ? count : 0;
    return total;
  }

  std::shared_ptr<HostSet> set_;
  std::unique_ptr<UpstreamBalancer> balancer_;
};

TEST_F(SpillTest, LowerPriorityIdleWhileHigherIsHealthy) {
  build({{"p1", 0}, {"p2", 0}, {"p3", 0}, {"q1", 1}, {"q2", 1}});
  const auto picks = spread(3000);
  EXPECT_EQ(starting(picks, 'p'), 3000);
}

TEST_F(SpillTest, SpillsInProportionToTheDeficit) {
  build({{"p1", 0}, {"p2", 0}, {"p3", 0}, {"p4", 0}, {"q1", 1}, {"q2", 1}});
  take_down(0);  // 75 % healthy: still above 70 %, everything stays
  EXPECT_EQ(starting(spread(4000), 'q'), 0);
  take_down(1);  // 50 %: 71.4 % stays, 28.6 % spills
  const int spilled = starting(spread(10000), 'q');
  EXPECT_NEAR(spilled, 2858, 200);
  take_down(2);  // 25 %: 35.7 % stays, 64.3 % spills
  EXPECT_NEAR(starting(spread(10000), 'q'), 6429, 200);
  take_down(3);
  EXPECT_EQ(starting(spread(1000), 'q'), 1000);
}

TEST_F(SpillTest, BackupOnlyWhenNoPriorityLevelCanServe) {
  build({{"p1", 0}, {"q1", 1}, {"b1", 0, "", true}});
  take_down(0);
  EXPECT_EQ(starting(spread(500), 'q'), 500);
  take_down(1);
  EXPECT_EQ(starting(spread(500), 'b'), 500);
}

TEST_F(SpillTest, ZoneAwareStaysLocalWhileHealthy) {
  build({{"a1", 0, "a"}, {"a2", 0, "a"}, {"a3", 0, "a"}, {"b1", 0, "b"}, {"b2", 0, "b"}}, true);
  EXPECT_EQ(starting(spread(3000), 'a'), 3000);
}

TEST_F(SpillTest, ZoneAwareSpillsWhenLocalFalls) {
  build({{"a1", 0, "a"}, {"a2", 0, "a"}, {"a3", 0, "a"}, {"b1", 0, "b"}, {"b2", 0, "b"}}, true);
  take_down(0);  // 66.7 % of zone a healthy: 95.2 % stays local
  EXPECT_NEAR(starting(spread(10000), 'b'), 476, 120);
  take_down(1);  // 33.3 %: 47.6 % stays local
  EXPECT_NEAR(starting(spread(10000), 'b'), 5238, 200);
  take_down(2);
  EXPECT_EQ(starting(spread(1000), 'b'), 1000);
}

TEST_F(SpillTest, ZoneAwareOffSpreadsOverAllZones) {
  build({{"a1", 0, "a"}, {"b1", 0, "b"}}, false);
  const auto picks = spread(1000);
  EXPECT_EQ(picks.at("a1"), 500);
  EXPECT_EQ(picks.at("b1"), 500);
}

}  // namespace
}  // namespace yoke::upstream
