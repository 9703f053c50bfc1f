// UpstreamBalancer::choose with a sticky host (`sticky cookie`): the named host is used without
// asking the policy while it is eligible; when it is down, failed, full or already tried, the
// policy picks as if there were no cookie. The policy still hears of every request.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "yoke/upstream/upstream_balancer.h"

namespace yoke::upstream {
namespace {

using balancing::Host;
using balancing::HostSet;
using std::chrono::seconds;

// A policy that records what the balancer asks of it and picks the first eligible host.
struct Calls {
  int chooses = 0;
  int starts = 0;
  int ends = 0;
};
Calls calls;

class RecordingPolicy final : public balancing::Policy {
 public:
  explicit RecordingPolicy(const std::vector<const Host*>& group) : group_(group) {}
  const Host* choose(const balancing::LbContext&,
                     const balancing::Eligibility& eligibility) override {
    ++calls.chooses;
    for (const Host* host : group_) {
      if (eligibility.eligible(*host)) return host;
    }
    return nullptr;
  }
  void on_request_start(const Host&, TimePoint) override { ++calls.starts; }
  void on_request_end(const Host&, const balancing::AttemptOutcome&) override { ++calls.ends; }

 private:
  std::vector<const Host*> group_;
};

std::optional<std::string> validate(const std::vector<config::Argument>&) { return std::nullopt; }
std::unique_ptr<balancing::Policy> create(const std::vector<config::Argument>&,
                                          const std::vector<const Host*>& group) {
  return std::make_unique<RecordingPolicy>(group);
}
const bool kRegistered =
    balancing::register_policy({"affinity_test_recording", &validate, &create});

struct Spec {
  std::string name;
  bool backup = false;
  bool down = false;
  int max_conns = 0;
};

class AffinityChooseTest : public ::testing::Test {
 protected:
  void build(const std::vector<Spec>& specs) {
    ASSERT_TRUE(kRegistered);
    auto set = std::make_shared<HostSet>();
    for (const Spec& spec : specs) {
      Host host;
      host.index = set->hosts.size();
      host.name = spec.name;
      host.backup = spec.backup;
      host.down = spec.down;
      host.max_conns = spec.max_conns;
      host.fail_timeout = seconds(10);
      set->hosts.push_back(host);
    }
    balancer_ = std::make_unique<UpstreamBalancer>(
        set, *balancing::find_policy("affinity_test_recording"), std::vector<config::Argument>{});
    calls = {};
  }

  const Host& host(std::size_t index) const { return balancer_->host_set().hosts[index]; }

  std::string choose(const Host* affinity, const TriedHosts& tried) {
    balancing::LbContext context;
    context.now = now_;
    const Host* chosen = balancer_->choose(context, tried, affinity);
    return chosen == nullptr ? "-" : chosen->name;
  }
  std::string choose(const Host* affinity) {
    return choose(affinity, TriedHosts(balancer_->host_set().hosts.size()));
  }

  TimePoint now_ = TimePoint{} + seconds(1000);
  std::unique_ptr<UpstreamBalancer> balancer_;
};

TEST_F(AffinityChooseTest, EligibleStickyHostIsUsedWithoutAskingThePolicy) {
  build({{"a"}, {"b"}, {"c"}});
  EXPECT_EQ(choose(&host(1)), "b");
  EXPECT_EQ(choose(&host(2)), "c");
  EXPECT_EQ(calls.chooses, 0);
  EXPECT_EQ(choose(nullptr), "a");  // no cookie: the policy
  EXPECT_EQ(calls.chooses, 1);
}

TEST_F(AffinityChooseTest, PolicyStillHearsOfStickyRequests) {
  build({{"a"}, {"b"}});
  ASSERT_EQ(choose(&host(1)), "b");
  balancer_->on_request_start(host(1), now_);
  EXPECT_EQ(balancer_->active_requests(host(1)), 1);
  balancer_->on_request_end(host(1), false, Microseconds{100}, now_);
  EXPECT_EQ(calls.starts, 1);
  EXPECT_EQ(calls.ends, 1);
  EXPECT_EQ(balancer_->active_requests(host(1)), 0);
}

TEST_F(AffinityChooseTest, DownStickyHostFallsBackToThePolicy) {
  build({{"a"}, {"b", false, true}});
  EXPECT_EQ(choose(&host(1)), "a");
  EXPECT_EQ(calls.chooses, 1);
}

TEST_F(AffinityChooseTest, FailedStickyHostFallsBackUntilFailTimeoutPasses) {
  build({{"a"}, {"b"}});
  balancer_->on_request_start(host(1), now_);
  balancer_->on_request_end(host(1), true, Microseconds{100}, now_);  // max_fails=1
  ASSERT_TRUE(balancer_->is_failed(host(1), now_));
  EXPECT_EQ(choose(&host(1)), "a");
  now_ += seconds(10);
  EXPECT_EQ(choose(&host(1)), "b");  // its fail_timeout is over: the sticky client probes it
}

TEST_F(AffinityChooseTest, FullStickyHostFallsBack) {
  build({{"a"}, {"b", false, false, 1}});
  balancer_->on_request_start(host(1), now_);  // b is at max_conns=1
  EXPECT_EQ(choose(&host(1)), "a");
  balancer_->on_request_end(host(1), false, Microseconds{100}, now_);
  EXPECT_EQ(choose(&host(1)), "b");
}

TEST_F(AffinityChooseTest, RetryNeverReturnsToTheTriedStickyHost) {
  build({{"a"}, {"b"}, {"c"}});
  TriedHosts tried(3);
  tried.mark(1);
  EXPECT_EQ(choose(&host(1), tried), "a");
  tried.mark(0);
  EXPECT_EQ(choose(&host(1), tried), "c");
  tried.mark(2);
  EXPECT_EQ(choose(&host(1), tried), "-");
}

TEST_F(AffinityChooseTest, BackupStickyHostIsUsedWhilePrimariesAreUp) {
  // The client was bound to a backup while the primaries were out; it stays there as long as
  // the backup can serve (nginx Plus binds to whichever server answered).
  build({{"a"}, {"z", true}});
  EXPECT_EQ(choose(&host(1)), "z");
  EXPECT_EQ(calls.chooses, 0);
}

TEST_F(AffinityChooseTest, HostOfAnotherSnapshotIsIgnored) {
  build({{"a"}, {"b"}});
  Host stranger = host(1);  // same index, but not a member of this balancer's HostSet
  EXPECT_EQ(choose(&stranger), "a");
  EXPECT_EQ(calls.chooses, 1);
}

}  // namespace
}  // namespace yoke::upstream
