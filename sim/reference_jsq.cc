// sim-jsq: join the shortest queue, reading every server's true queue length (queued + in
// service, from all balancer nodes) at the moment of the pick, ties broken uniformly at random.
// With identical servers and exponential service JSQ is optimal among policies that do not know
// job sizes (Winston, "Optimality of the shortest line discipline", J. Appl. Prob. 14(1), 1977);
// with unequal speeds or heavy tails it is a strong reference, not a bound, and a policy that
// weighs speed (shortest expected delay) can beat it. No real balancer has this knowledge: it is
// the ceiling of what counting requests can buy.
//
// `sim-jsq stale` instead reads GlobalView::shared(): its own node's requests exactly and the
// other nodes' as of the last refresh (scenario directive shared_info_refresh) — what JSQ over a
// shared, periodically updated table of counts would see. Simulator only.
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

class SimJsqPolicy final : public balancing::Policy {
 public:
  SimJsqPolicy(const std::vector<const Host*>& group, const PolicyEnvironment& environment,
               bool stale, std::uint64_t seed)
      : group_(group),
        view_(*environment.view),
        node_(environment.node),
        server_of_host_(environment.server_of_host),
        stale_(stale),
        random_(seed) {}

  const Host* choose(const LbContext& /*context*/, const Eligibility& eligibility) override {
    const Host* best = nullptr;
    int best_length = 0;
    std::uint64_t ties = 0;
    for (const Host* host : group_) {
      if (!eligibility.eligible(*host)) continue;
      const int length = queue_length(*host);
      if (best == nullptr || length < best_length) {
        best = host;
        best_length = length;
        ties = 1;
      } else if (length == best_length && random_.below(++ties) == 0) {
        best = host;  // reservoir sampling: each of the tied hosts wins with probability 1/ties
      }
    }
    return best;
  }

 private:
  int queue_length(const Host& host) const {
    const std::size_t server = server_of_host_[host.index];
    return stale_ ? view_.shared(node_, server) : view_.total(server);
  }

  std::vector<const Host*> group_;
  const GlobalView& view_;
  std::size_t node_;
  std::vector<std::size_t> server_of_host_;
  bool stale_;
  Random random_;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  if (args.empty() || (args.size() == 1 && args[0].text == "stale")) return std::nullopt;
  return std::string("sim-jsq takes no argument, or \"stale\"");
}

std::unique_ptr<balancing::Policy> create(const std::vector<config::Argument>& args,
                                          const std::vector<const Host*>& group) {
  PolicyEnvironment& environment = PolicyEnvironmentScope::current();
  const std::uint64_t seed =
      derive_seed(environment.seed, Stream::kPolicies, environment.created++);
  return std::make_unique<SimJsqPolicy>(group, environment, !args.empty(), seed);
}

}  // namespace

const balancing::PolicyFactory& sim_jsq_factory() {
  static const balancing::PolicyFactory kFactory{"sim-jsq", &validate, &create};
  return kFactory;
}

}  // namespace yoke::sim
