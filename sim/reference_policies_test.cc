// The simulator-only reference policies: they keep the Policy contract (only eligible hosts)
// and exist only inside a PolicyEnvironmentScope.
#include "reference_policies.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "global_view.h"
#include "policy_environment.h"

namespace yoke::sim {
namespace {

using balancing::Host;

class SetEligibility final : public balancing::Eligibility {
 public:
  bool eligible(const Host& host) const override { return !ineligible.contains(host.index); }
  std::set<std::size_t> ineligible;
};

struct Fixture {
  explicit Fixture(std::size_t count) : view(2, count, true) {
    for (std::size_t i = 0; i < count; ++i) {
      Host host;
      host.index = i;
      hosts.push_back(host);
    }
    for (const Host& host : hosts) group.push_back(&host);
    environment.view = &view;
    environment.seed = 4;
    for (std::size_t i = 0; i < count; ++i) environment.server_of_host.push_back(i);
  }

  std::unique_ptr<balancing::Policy> create(std::string_view name,
                                            const std::vector<config::Argument>& args = {}) {
    const PolicyEnvironmentScope scope(environment);
    return find_reference_policy(name)->create(args, group);
  }

  std::vector<Host> hosts;
  std::vector<const Host*> group;
  GlobalView view;
  PolicyEnvironment environment;
  SetEligibility eligibility;
};

TEST(ReferencePolicies, AreFoundByNameAndNotInYokesRegistry) {
  EXPECT_NE(find_reference_policy("sim-random"), nullptr);
  EXPECT_NE(find_reference_policy("sim-jsq"), nullptr);
  EXPECT_EQ(find_reference_policy("round_robin"), nullptr);
  EXPECT_EQ(balancing::find_policy("sim-random"), nullptr);
  EXPECT_EQ(balancing::find_policy("sim-jsq"), nullptr);
}

TEST(ReferencePolicies, NeedTheSimulatorsEnvironment) {
  Fixture fixture(2);
  EXPECT_THROW(find_reference_policy("sim-jsq")->create({}, fixture.group), std::logic_error);
}

TEST(ReferencePolicies, ValidateTheirArguments) {
  config::Argument stale;
  stale.text = "stale";
  EXPECT_EQ(find_reference_policy("sim-jsq")->validate({stale}), std::nullopt);
  EXPECT_NE(find_reference_policy("sim-random")->validate({stale}), std::nullopt);
}

TEST(SimRandom, IsUniformOverEligibleHosts) {
  Fixture fixture(4);
  fixture.eligibility.ineligible = {2};
  auto policy = fixture.create("sim-random");
  std::map<std::size_t, int> counts;
  for (int i = 0; i < 30000; ++i) ++counts[policy->choose({}, fixture.eligibility)->index];
  EXPECT_EQ(counts.count(2), 0u);
  for (const std::size_t index : {0, 1, 3}) EXPECT_NEAR(counts[index], 10000, 400);
}

TEST(SimJsq, PicksTheShortestEligibleQueueAcrossNodes) {
  Fixture fixture(3);
  fixture.view.add(0, 0, 3);
  fixture.view.add(1, 1, 1);  // another node's request: perfect knowledge sees it
  fixture.view.add(0, 2, 0);
  auto policy = fixture.create("sim-jsq");
  EXPECT_EQ(policy->choose({}, fixture.eligibility)->index, 2u);
  fixture.eligibility.ineligible = {2};
  EXPECT_EQ(policy->choose({}, fixture.eligibility)->index, 1u);
  fixture.eligibility.ineligible = {0, 1, 2};
  EXPECT_EQ(policy->choose({}, fixture.eligibility), nullptr);
}

TEST(SimJsq, StaleSeesOtherNodesOnlyAfterARefresh) {
  Fixture fixture(2);
  GlobalView stale_view(2, 2, false);
  fixture.environment.view = &stale_view;
  config::Argument stale;
  stale.text = "stale";
  auto policy = fixture.create("sim-jsq", {stale});
  stale_view.add(1, 0, 5);  // node 1 loads host 0; node 0 cannot see it yet
  stale_view.add(0, 1, 1);  // node 0's own request on host 1 is seen at once
  EXPECT_EQ(policy->choose({}, fixture.eligibility)->index, 0u);
  stale_view.refresh();
  EXPECT_EQ(policy->choose({}, fixture.eligibility)->index, 1u);
}

TEST(SimJsq, BreaksTiesAtRandom) {
  Fixture fixture(3);
  auto policy = fixture.create("sim-jsq");
  std::map<std::size_t, int> counts;
  for (int i = 0; i < 30000; ++i) ++counts[policy->choose({}, fixture.eligibility)->index];
  for (const std::size_t index : {0, 1, 2}) EXPECT_NEAR(counts[index], 10000, 400);
}

}  // namespace
}  // namespace yoke::sim
