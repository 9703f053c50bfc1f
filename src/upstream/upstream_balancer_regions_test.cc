// region_policy nearest through UpstreamBalancer: each client region's order of regions, the
// spill to the next region as the nearest one's hosts fail, and the way back. Seeded random
// draws, a fake clock.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "yoke/balancing/random.h"
#include "yoke/upstream/load_spill.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::upstream {
namespace {

using balancing::Host;
using balancing::HostSet;

class RegionsTest : public ::testing::Test {
 protected:
  // Four hosts per region, named "<region><n>": eu0..eu3, us0..us3, ap0..ap3.
  void build(int min_healthy_percent = 70) {
    balancing::seed_policy_random(7);
    auto set = std::make_shared<HostSet>();
    set->upstream = "api";
    set->resilience.regions.enabled = true;
    set->resilience.regions.min_healthy_percent = min_healthy_percent;
    set->resilience.regions.orders = {
        {"eu", {"eu", "us", "ap"}}, {"ap", {"ap", "us"}}, {"default", {"us", "eu", "ap"}}};
    for (const char* region : {"eu", "us", "ap"}) {
      for (int i = 0; i < 4; ++i) {
        Host host;
        host.index = set->hosts.size();
        host.name = std::string(region) + std::to_string(i);
        host.region = region;
        host.max_fails = 0;
        set->hosts.push_back(host);
      }
    }
    balancing::attach_runtime(*set);
    set_ = set;
    balancer_ = std::make_unique<UpstreamBalancer>(set, *balancing::find_policy("round_robin"),
                                                   std::vector<config::Argument>{});
  }
  void set_health(const std::string& name, balancing::HealthState state) {
    for (const Host& host : set_->hosts) {
      if (host.name == name) (*set_->runtime)[host.index].set_health(state);
    }
  }
  // Picks per region (the name's first two letters) over count first attempts.
  std::map<std::string, int> spread(std::string_view client_region, int count) {
    std::map<std::string, int> picks;
    balancing::LbContext context;
    context.now = TimePoint{} + std::chrono::seconds(100);
    context.client_region = client_region;
    for (int i = 0; i < count; ++i) {
      const Host* host = balancer_->choose(context, TriedHosts(set_->hosts.size()));
      ++picks[host == nullptr ? "-" : host->name.substr(0, 2)];
    }
    return picks;
  }

  std::shared_ptr<HostSet> set_;
  std::unique_ptr<UpstreamBalancer> balancer_;
};

TEST_F(RegionsTest, EachClientRegionGoesToItsNearest) {
  build();
  EXPECT_EQ(spread("eu", 1000), (std::map<std::string, int>{{"eu", 1000}}));
  EXPECT_EQ(spread("ap", 1000), (std::map<std::string, int>{{"ap", 1000}}));
  // No line of its own, but a region of that name: itself first.
  EXPECT_EQ(spread("us", 1000), (std::map<std::string, int>{{"us", 1000}}));
  // Unknown and empty client regions take the default line.
  EXPECT_EQ(spread("sa", 1000), (std::map<std::string, int>{{"us", 1000}}));
  EXPECT_EQ(spread("", 1000), (std::map<std::string, int>{{"us", 1000}}));
}

TEST_F(RegionsTest, SpillsInProportionBelowThreshold) {
  build(70);
  // One of four down: 75 % healthy, above 70 %: eu keeps everything.
  set_health("eu0", balancing::HealthState::kDown);
  EXPECT_EQ(spread("eu", 2000), (std::map<std::string, int>{{"eu", 2000}}));
  // Two down: 50 % / 70 % = 71.43 % stays in eu, the rest goes to us (next in order), not ap.
  set_health("eu1", balancing::HealthState::kDown);
  const Capacity eu{2, 4};
  const std::uint32_t kept = scaled_health(eu, 70);
  ASSERT_EQ(kept, 7142U);
  const auto picks = spread("eu", 10000);
  EXPECT_NEAR(picks.at("eu"), kept, 250);
  EXPECT_NEAR(picks.at("us"), kAllLoad - kept, 250);
  EXPECT_EQ(picks.count("ap"), 0U);
}

TEST_F(RegionsTest, WholeRegionDownMovesToNextAndBack) {
  build();
  for (const char* name : {"eu0", "eu1", "eu2", "eu3"}) {
    set_health(name, balancing::HealthState::kDown);
  }
  EXPECT_EQ(spread("eu", 1000), (std::map<std::string, int>{{"us", 1000}}));
  // us down as well: ap, the third of eu's order.
  for (const char* name : {"us0", "us1", "us2", "us3"}) {
    set_health(name, balancing::HealthState::kDown);
  }
  EXPECT_EQ(spread("eu", 1000), (std::map<std::string, int>{{"ap", 1000}}));
  for (const char* name : {"eu0", "eu1", "eu2", "eu3"}) {
    set_health(name, balancing::HealthState::kUp);
  }
  EXPECT_EQ(spread("eu", 1000), (std::map<std::string, int>{{"eu", 1000}}));
}

TEST_F(RegionsTest, RegionsOutsideTheOrderNeverServe) {
  build();
  for (const char* name : {"ap0", "ap1", "ap2", "ap3", "us0", "us1", "us2", "us3"}) {
    set_health(name, balancing::HealthState::kDown);
  }
  // ap's order is "ap, us": eu is healthy but not listed, so nothing can take the request.
  EXPECT_EQ(spread("ap", 100), (std::map<std::string, int>{{"-", 100}}));
}

TEST_F(RegionsTest, RetriesWalkTheOrder) {
  build();
  balancing::LbContext context;
  context.now = TimePoint{} + std::chrono::seconds(100);
  context.client_region = "ap";
  TriedHosts tried(set_->hosts.size());
  std::vector<std::string> picks;
  for (int attempt = 0; attempt < 9; ++attempt) {
    const Host* host = balancer_->choose(context, tried);
    picks.push_back(host == nullptr ? "-" : host->name.substr(0, 2));
    if (host != nullptr) tried.mark(host->index);
  }
  EXPECT_EQ(picks, (std::vector<std::string>{"ap", "ap", "ap", "ap", "us", "us", "us", "us", "-"}));
}

}  // namespace
}  // namespace yoke::upstream
