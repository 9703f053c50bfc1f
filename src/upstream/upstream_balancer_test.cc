// UpstreamBalancer: backups, down, passive health (max_fails / fail_timeout), max_conns and the
// tried set, as nginx's round-robin peer module behaves. Time comes from a fake clock.
#include "yoke/upstream/upstream_balancer.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace yoke::upstream {
namespace {

using balancing::Host;
using balancing::HostSet;
using std::chrono::seconds;

struct HostSpec {
  std::string name;
  int weight = 1;
  bool backup = false;
  bool down = false;
  int max_fails = 1;
  int max_conns = 0;
};

class UpstreamBalancerTest : public ::testing::Test {
 protected:
  void build(const std::vector<HostSpec>& specs) {
    auto set = std::make_shared<HostSet>();
    set->upstream = "app";
    for (const HostSpec& spec : specs) {
      Host host;
      host.index = set->hosts.size();
      host.name = spec.name;
      host.weight = spec.weight;
      host.backup = spec.backup;
      host.down = spec.down;
      host.max_fails = spec.max_fails;
      host.max_conns = spec.max_conns;
      host.fail_timeout = seconds(10);
      set->hosts.push_back(host);
    }
    balancing::attach_runtime(*set);
    balancer_ = std::make_unique<UpstreamBalancer>(set, *balancing::find_policy("round_robin"),
                                                   std::vector<config::Argument>{});
  }

  std::size_t host_count() const { return balancer_->host_set().hosts.size(); }
  const Host& host(std::size_t index) const { return balancer_->host_set().hosts[index]; }
  // The runtime state the checker thread would write for host index.
  balancing::HostRuntime& runtime(std::size_t index) {
    return (*balancer_->host_set().runtime)[index];
  }

  // One first attempt at now_: its name, or "-" when nothing is eligible.
  std::string pick() {
    const Host* chosen = balancer_->choose(context(), TriedHosts(host_count()));
    return chosen == nullptr ? "-" : chosen->name;
  }

  std::string picks(int count) {
    std::string names;
    for (int i = 0; i < count; ++i) names += pick();
    return names;
  }

  // count whole requests that all succeed: pick, send, finish.
  std::string serve(int count) {
    std::string names;
    for (int i = 0; i < count; ++i) {
      const Host* chosen = balancer_->choose(context(), TriedHosts(host_count()));
      if (chosen == nullptr) return names + "-";
      finish(chosen->index, false);
      names += chosen->name;
    }
    return names;
  }

  // Picks (without sending) until name comes up, as a request would that is routed there.
  void pick_until(const std::string& name) {
    for (int i = 0; i < 100; ++i) {
      if (pick() == name) return;
    }
    FAIL() << name << " was never picked";
  }

  // One request on host index, from start to its outcome at now_.
  void finish(std::size_t index, bool failed) {
    balancer_->on_request_start(host(index), now_);
    balancer_->on_request_end(host(index), failed, Microseconds{100}, now_);
  }
  void fail(std::size_t index) { finish(index, true); }

  balancing::LbContext context() const {
    balancing::LbContext context;
    context.now = now_;
    return context;
  }

  TimePoint now_ = TimePoint{} + seconds(1000);
  std::unique_ptr<UpstreamBalancer> balancer_;
};

TEST_F(UpstreamBalancerTest, WeightedPrimariesFollowSmoothRoundRobin) {
  build({{"a", 5}, {"b", 1}, {"c", 1}, {"z", 1, true}});
  EXPECT_EQ(picks(7), "aabacaa");
}

TEST_F(UpstreamBalancerTest, BackupIsUsedOnlyWhenAllPrimariesAreUnavailable) {
  build({{"a"}, {"b", 1, false, true}, {"z", 1, true}});
  EXPECT_EQ(picks(3), "aaa");  // b is down, a is healthy: no backup
  fail(0);
  EXPECT_TRUE(balancer_->is_failed(host(0), now_));
  EXPECT_EQ(picks(3), "zzz");
}

TEST_F(UpstreamBalancerTest, NothingEligibleReturnsNull) {
  build({{"a"}, {"b"}, {"z", 1, true, true}});
  fail(0);
  fail(1);
  EXPECT_EQ(pick(), "-");
}

TEST_F(UpstreamBalancerTest, FailedHostRecoversAfterFailTimeoutWithOneProbe) {
  build({{"a", 1, false, false, 2}, {"b"}});
  fail(0);
  EXPECT_FALSE(balancer_->is_failed(host(0), now_));  // 1 of max_fails=2
  fail(0);
  EXPECT_TRUE(balancer_->is_failed(host(0), now_));
  EXPECT_EQ(picks(3), "bbb");

  now_ += seconds(9);
  EXPECT_TRUE(balancer_->is_failed(host(0), now_));
  now_ += seconds(1);  // fail_timeout (10 s) has passed since the last failure
  EXPECT_FALSE(balancer_->is_failed(host(0), now_));

  // The probe fails: fails is still >= max_fails, so this one failure takes a out again.
  pick_until("a");
  fail(0);
  EXPECT_TRUE(balancer_->is_failed(host(0), now_));
  EXPECT_EQ(picks(2), "bb");
}

// nginx lets one request through per fail_timeout: the pick moves `checked` to now, so the host
// stays out until that probe reports success.
TEST_F(UpstreamBalancerTest, OnlyOneProbeIsSentUntilItSucceeds) {
  build({{"a"}, {"b"}});
  fail(0);
  now_ += seconds(10);
  pick_until("a");
  EXPECT_TRUE(balancer_->is_failed(host(0), now_));
  EXPECT_EQ(picks(3), "bbb");
  finish(0, false);
  EXPECT_FALSE(balancer_->is_failed(host(0), now_));
}

TEST_F(UpstreamBalancerTest, SuccessfulProbeResetsFails) {
  build({{"a", 1, false, false, 2}, {"b"}});
  fail(0);
  fail(0);
  now_ += seconds(10);
  pick_until("a");
  finish(0, false);  // the probe succeeds
  fail(0);           // a fresh count: 1 of 2
  EXPECT_FALSE(balancer_->is_failed(host(0), now_));
}

TEST_F(UpstreamBalancerTest, FailuresBelowMaxFailsAgeOutAfterFailTimeout) {
  build({{"a", 1, false, false, 2}, {"b"}});
  fail(0);
  now_ += seconds(11);
  pick_until("a");  // moves `checked` past the last failure
  finish(0, false);
  now_ += seconds(1);
  fail(0);  // counted from zero again, so not yet max_fails
  EXPECT_FALSE(balancer_->is_failed(host(0), now_));
}

TEST_F(UpstreamBalancerTest, MaxFailsZeroNeverMarksFailed) {
  build({{"a", 1, false, false, 0}, {"b"}});
  for (int i = 0; i < 5; ++i) fail(0);
  EXPECT_FALSE(balancer_->is_failed(host(0), now_));
  EXPECT_EQ(picks(2), "ab");
}

TEST_F(UpstreamBalancerTest, TriedHostsAreNeverPickedAgain) {
  build({{"a"}, {"b"}, {"c"}});
  TriedHosts tried(3);
  tried.mark(0);
  tried.mark(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(balancer_->choose(context(), tried)->name, "c");
  tried.mark(2);
  EXPECT_EQ(balancer_->choose(context(), tried), nullptr);
}

TEST_F(UpstreamBalancerTest, RetryAfterTryingEveryPrimaryGoesToBackup) {
  build({{"a"}, {"b"}, {"z", 1, true}});
  TriedHosts tried(3);
  for (int i = 0; i < 2; ++i) {
    const Host* chosen = balancer_->choose(context(), tried);
    ASSERT_NE(chosen, nullptr);
    EXPECT_FALSE(chosen->backup);
    tried.mark(chosen->index);
  }
  EXPECT_EQ(balancer_->choose(context(), tried)->name, "z");
}

TEST_F(UpstreamBalancerTest, MaxConnsLimitsConcurrentRequests) {
  build({{"a", 1, false, false, 1, 2}, {"b"}});
  balancer_->on_request_start(host(0), now_);
  balancer_->on_request_start(host(0), now_);
  EXPECT_EQ(balancer_->active_requests(host(0)), 2);
  EXPECT_EQ(picks(3), "bbb");
  balancer_->on_request_end(host(0), false, Microseconds{100}, now_);
  EXPECT_EQ(balancer_->active_requests(host(0)), 1);
  EXPECT_NE(picks(2).find('a'), std::string::npos);
}

TEST_F(UpstreamBalancerTest, SingleServerIsNeverMarkedFailed) {
  build({{"only"}});
  for (int i = 0; i < 3; ++i) fail(0);
  EXPECT_FALSE(balancer_->is_failed(host(0), now_));
  EXPECT_EQ(pick(), "only");
}

TEST_F(UpstreamBalancerTest, SingleServerWithBackupCountsFailures) {
  build({{"only"}, {"z", 1, true}});
  fail(0);
  EXPECT_TRUE(balancer_->is_failed(host(0), now_));
  EXPECT_EQ(pick(), "z");
}

TEST_F(UpstreamBalancerTest, SingleDownServerGivesNull) {
  build({{"only", 1, false, true}});
  EXPECT_EQ(pick(), "-");
}

TEST_F(UpstreamBalancerTest, FailureLowersEffectiveWeightUntilItRecovers) {
  build({{"a", 2, false, false, 1}, {"b", 2, false, false, 0}});
  EXPECT_EQ(picks(2), "ab");
  fail(0);              // effective weight 2 - 2 / max_fails = 0
  now_ += seconds(10);  // a is eligible again but starts from effective weight 0
  EXPECT_EQ(serve(6), "bbabab");
}

TEST_F(UpstreamBalancerTest, OnlyBackupsStillServe) {
  build({{"y", 1, true}, {"z", 1, true}});
  EXPECT_EQ(picks(4), "yzyz");
}

}  // namespace
}  // namespace yoke::upstream

namespace yoke::upstream {
namespace {

using balancing::AgentAdmin;
using balancing::HealthState;

// Active health and agent reports (host_runtime.h) apply whatever the policy.
TEST_F(UpstreamBalancerTest, HostsThatActiveChecksReportDownAreSkipped) {
  build({{"a"}, {"b"}, {"c"}});
  runtime(1).set_health(HealthState::kDown);
  EXPECT_EQ(picks(4), "acac");
  runtime(1).set_health(HealthState::kChecking);
  EXPECT_EQ(picks(2), "ac");
  runtime(1).set_health(HealthState::kUp);
  EXPECT_EQ(picks(3), "abc");
}

TEST_F(UpstreamBalancerTest, BackupsServeWhenEveryPrimaryIsDownByHealthChecks) {
  build({{"a"}, {"b"}, {"z", 1, true}});
  runtime(0).set_health(HealthState::kDown);
  runtime(1).set_health(HealthState::kDown);
  EXPECT_EQ(picks(2), "zz");
  runtime(1).set_health(HealthState::kUp);
  EXPECT_EQ(picks(2), "bb");
}

TEST_F(UpstreamBalancerTest, AgentDrainMaintDownAndZeroWeightTakeNoNewRequests) {
  build({{"a"}, {"b"}});
  runtime(0).set_agent_admin(AgentAdmin::kDrain);
  EXPECT_EQ(picks(2), "bb");
  runtime(0).set_agent_admin(AgentAdmin::kMaint);
  EXPECT_EQ(picks(2), "bb");
  runtime(0).set_agent_admin(AgentAdmin::kReady);
  runtime(0).set_agent_down(true);
  EXPECT_EQ(picks(2), "bb");
  runtime(0).set_agent_down(false);
  runtime(0).set_weight_percent(0);
  EXPECT_EQ(picks(2), "bb");
  // Round robin reads runtime weights (Host::effective_weight): at 50 % a weighs half of b.
  runtime(0).set_weight_percent(50);
  EXPECT_EQ(picks(3), "bab");
}

TEST_F(UpstreamBalancerTest, AgentMaxconnCapsRequestsInFlight) {
  build({{"a"}, {"b"}});
  runtime(0).set_agent_maxconn(1);
  balancer_->on_request_start(host(0), now_);
  EXPECT_EQ(picks(2), "bb");
  balancer_->on_request_end(host(0), false, Microseconds{100}, now_);
  EXPECT_EQ(picks(2), "ab");
}

}  // namespace
}  // namespace yoke::upstream
