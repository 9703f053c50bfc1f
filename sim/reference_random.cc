// sim-random: every request goes to a server drawn uniformly from the eligible ones. With
// Poisson arrivals each server then sees a Poisson stream of its share (splitting a Poisson
// process), i.e. N independent M/G/c queues: the no-information floor of load balancing
// (Mitzenmacher, "The power of two choices in randomized load balancing", IEEE TPDS 12(10),
// 2001, §1). Simulator only.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy_environment.h"
#include "random.h"
#include "reference_policies.h"

namespace yoke::sim {
namespace {

using balancing::Eligibility;
using balancing::Host;
using balancing::LbContext;

class SimRandomPolicy final : public balancing::Policy {
 public:
  SimRandomPolicy(const std::vector<const Host*>& group, std::uint64_t seed)
      : group_(group), random_(seed) {}

  const Host* choose(const LbContext& /*context*/, const Eligibility& eligibility) override {
    std::uint64_t eligible = 0;
    for (const Host* host : group_) eligible += eligibility.eligible(*host) ? 1 : 0;
    if (eligible == 0) return nullptr;
    std::uint64_t pick = random_.below(eligible);
    for (const Host* host : group_) {
      if (!eligibility.eligible(*host)) continue;
      if (pick == 0) return host;
      --pick;
    }
    return nullptr;
  }

 private:
  std::vector<const Host*> group_;
  Random random_;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  if (!args.empty()) return std::string("sim-random takes no arguments");
  return std::nullopt;
}

std::unique_ptr<balancing::Policy> create(const std::vector<config::Argument>& /*args*/,
                                          const std::vector<const Host*>& group) {
  PolicyEnvironment& environment = PolicyEnvironmentScope::current();
  const std::uint64_t seed =
      derive_seed(environment.seed, Stream::kPolicies, environment.created++);
  return std::make_unique<SimRandomPolicy>(group, seed);
}

}  // namespace

const balancing::PolicyFactory& sim_random_factory() {
  static const balancing::PolicyFactory kFactory{"sim-random", &validate, &create};
  return kFactory;
}

}  // namespace yoke::sim
