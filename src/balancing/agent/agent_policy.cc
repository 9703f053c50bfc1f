// `agent`: resource-based balancing, the seed article's "agent-based" policy. Each server's
// agent (HAProxy agent-check protocol, docs/agent-protocol.md) reports the share of its
// configured weight it can take ("75%"); the policy is weighted least connections over those
// effective weights: the eligible host with the fewest active requests per unit of effective
// weight wins (compared as a.active × b.weight < b.active × a.weight, without division), and
// hosts tied on that ratio are picked by smooth weighted round robin over their effective
// weights (nginx's tie-break in ngx_http_upstream_get_least_conn_peer), so ties rotate and,
// when requests rarely overlap, traffic still follows the agents' weights.
//
// The effective weight is read at every pick from the host's runtime state (relaxed loads,
// yoke/balancing/host_runtime.h), so an agent's answer applies at once, on every worker.
// Without an agent, or before it answers, the weight is the configured one. drain / maint /
// down and 0 % are applied by UpstreamBalancer's eligibility, whatever the policy.
// Active counts are this worker's requests in flight (as least_conn's).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancing/support/group_positions.h"
#include "yoke/balancing/policy.h"

namespace yoke::balancing {
namespace {

class AgentPolicy final : public Policy {
 public:
  explicit AgentPolicy(const std::vector<const Host*>& group) : positions_(group) {
    peers_.reserve(group.size());
    for (const Host* host : group) peers_.push_back(Peer{host, 0, 0, 0});
  }

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    std::size_t best = kNone;
    bool many = false;
    for (std::size_t i = 0; i < peers_.size(); ++i) {
      Peer& peer = peers_[i];
      if (!eligibility.eligible(*peer.host)) continue;
      peer.weight = peer.host->effective_weight(context.now);
      if (peer.weight <= 0) continue;
      if (best == kNone || fewer(peer, peers_[best])) {
        best = i;
        many = false;
      } else if (same(peer, peers_[best])) {
        many = true;
      }
    }
    if (best == kNone) return nullptr;
    if (many) best = round_robin_among_ties(best, eligibility);
    return peers_[best].host;
  }

  void on_request_start(const Host& host, TimePoint /*now*/) override {
    if (Peer* peer = find(host)) ++peer->active;
  }

  void on_request_end(const Host& host, const AttemptOutcome& /*outcome*/) override {
    Peer* peer = find(host);
    if (peer != nullptr && peer->active > 0) --peer->active;
  }

 private:
  static constexpr std::size_t kNone = SIZE_MAX;

  struct Peer {
    const Host* host;
    std::int64_t active;
    std::int64_t current_weight;  // smooth weighted round robin among ties
    std::int64_t weight;          // effective weight (weight × percent) read at this pick
  };

  static bool fewer(const Peer& a, const Peer& b) {
    return a.active * b.weight < b.active * a.weight;
  }
  static bool same(const Peer& a, const Peer& b) {
    return a.active * b.weight == b.active * a.weight;
  }

  // nginx's smooth weighted round robin over the eligible peers tied with `first`.
  std::size_t round_robin_among_ties(std::size_t first, const Eligibility& eligibility) {
    std::size_t best = first;
    std::int64_t total = 0;
    for (std::size_t i = first; i < peers_.size(); ++i) {
      Peer& peer = peers_[i];
      if (peer.weight <= 0 || !same(peer, peers_[first]) || !eligibility.eligible(*peer.host)) {
        continue;
      }
      peer.current_weight += peer.weight;
      total += peer.weight;
      if (peer.current_weight > peers_[best].current_weight) best = i;
    }
    peers_[best].current_weight -= total;
    return best;
  }

  Peer* find(const Host& host) {
    const std::size_t position = positions_.find(host);
    return position == GroupPositions::kNotInGroup ? nullptr : &peers_[position];
  }

  GroupPositions positions_;
  std::vector<Peer> peers_;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  if (!args.empty()) {
    return std::string("agent takes no arguments (agents are set per server: agent_port=N)");
  }
  return std::nullopt;
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& /*args*/,
                               const std::vector<const Host*>& group) {
  return std::make_unique<AgentPolicy>(group);
}

[[maybe_unused]] const bool kRegistered = register_policy(
    {.directive = "agent", .validate = &validate, .create = &create, .runtime_weights = true});

}  // namespace
}  // namespace yoke::balancing
