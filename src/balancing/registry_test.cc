// The policy registry: policies register themselves from static initialisers (STYLE.md habit 4).
// No fake policy is registered here: the registry is process-wide and other suites print
// policy_names() in their messages.
#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "yoke/balancing/policy.h"

namespace yoke::balancing {
namespace {

TEST(PolicyRegistry, FindsSelfRegisteredRoundRobin) {
  const PolicyFactory* factory = find_policy("round_robin");
  ASSERT_NE(factory, nullptr);
  EXPECT_EQ(factory->directive, "round_robin");
  EXPECT_NE(factory->validate, nullptr);
  EXPECT_NE(factory->create, nullptr);
}

TEST(PolicyRegistry, UnknownDirectiveIsNull) {
  EXPECT_EQ(find_policy("no_such_policy"), nullptr);
  EXPECT_EQ(find_policy(""), nullptr);
  EXPECT_EQ(find_policy("Round_Robin"), nullptr);  // directives are case-sensitive, as nginx
}

TEST(PolicyRegistry, NamesAreSortedAndIncludeRoundRobin) {
  const std::vector<std::string_view> names = policy_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), "round_robin"), names.end());
  for (std::string_view name : names) EXPECT_NE(find_policy(name), nullptr) << name;
}

TEST(PolicyRegistry, CreatedPolicyServesTheGivenGroup) {
  Host first;
  first.index = 0;
  Host second;
  second.index = 1;
  const PolicyFactory* factory = find_policy("round_robin");
  ASSERT_NE(factory, nullptr);
  auto policy = factory->create({}, {&first, &second});
  ASSERT_NE(policy, nullptr);

  class AllEligible final : public Eligibility {
   public:
    bool eligible(const Host& /*host*/) const override { return true; }
  } all;
  EXPECT_EQ(policy->choose(LbContext{}, all), &first);
  EXPECT_EQ(policy->choose(LbContext{}, all), &second);
}

}  // namespace
}  // namespace yoke::balancing
