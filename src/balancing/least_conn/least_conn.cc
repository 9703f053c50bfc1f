// Weighted least connections exactly as nginx's ngx_http_upstream_get_least_conn_peer
// (src/http/modules/ngx_http_upstream_least_conn_module.c): the eligible host with the fewest
// active requests per unit of weight wins (compared as a.active × b.weight < b.active × a.weight,
// without division); when several share that ratio, smooth weighted round robin among just
// those picks one (nginx: "if there are multiple peers with the same number of connections,
// select based on round-robin"), so ties rotate instead of always going to the first in the
// list. effective_weight drops after failures and recovers per pick, as in round_robin.cc.
// Weights are the hosts' runtime weights (Host::effective_weight: admin API, agent, slow_start),
// read for every eligible peer at each pick.
//
// Counts are this worker's requests in flight (nginx without a shared `zone` counts per worker
// process the same way).
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

class LeastConnPolicy final : public Policy {
 public:
  explicit LeastConnPolicy(const std::vector<const Host*>& group) : positions_(group) {
    peers_.reserve(group.size());
    for (const Host* host : group) peers_.push_back(Peer{host, 0, 0, host->weight, 0});
  }

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    std::size_t best = kNone;
    bool many = false;
    for (std::size_t i = 0; i < peers_.size(); ++i) {
      if (!eligibility.eligible(*peers_[i].host)) continue;
      peers_[i].weight = peers_[i].host->effective_weight(context.now);
      if (best == kNone || fewer(peers_[i], peers_[best])) {
        best = i;
        many = false;
      } else if (same(peers_[i], peers_[best])) {
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

  void on_request_end(const Host& host, const AttemptOutcome& outcome) override {
    Peer* peer = find(host);
    if (peer == nullptr) return;
    if (peer->active > 0) --peer->active;
    // ngx_http_upstream_free_round_robin_peer, which least_conn shares: `effective_weight -=
    // weight / max_fails` on a failure, clamped at zero.
    if (outcome.failed && host.max_fails > 0) {
      peer->effective_weight -= host.weight / host.max_fails;
      if (peer->effective_weight < 0) peer->effective_weight = 0;
    }
  }

 private:
  static constexpr std::size_t kNone = SIZE_MAX;

  struct Peer {
    const Host* host;
    std::int64_t active;
    std::int64_t current_weight;
    int effective_weight;  // nginx's, in configured units: lowered by failures
    std::int64_t weight;   // the runtime weight read at this pick (hundredths)
  };

  // The runtime weight, lowered in proportion while nginx's failure weight recovers.
  static std::int64_t tie_weight(const Peer& peer) {
    if (peer.effective_weight >= peer.host->weight) return peer.weight;
    return peer.weight * peer.effective_weight / peer.host->weight;
  }

  static bool fewer(const Peer& a, const Peer& b) {
    return a.active * b.weight < b.active * a.weight;
  }
  static bool same(const Peer& a, const Peer& b) {
    return a.active * b.weight == b.active * a.weight;
  }

  // nginx's second loop: from the first tied peer on, smooth weighted round robin over the
  // eligible peers with the same ratio.
  std::size_t round_robin_among_ties(std::size_t first, const Eligibility& eligibility) {
    std::size_t best = first;
    std::int64_t total = 0;
    for (std::size_t i = first; i < peers_.size(); ++i) {
      Peer& peer = peers_[i];
      if (!same(peer, peers_[best]) || !eligibility.eligible(*peer.host)) continue;
      const std::int64_t weight = tie_weight(peer);
      peer.current_weight += weight;
      total += weight;
      if (peer.effective_weight < peer.host->weight) ++peer.effective_weight;
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
  if (!args.empty()) return std::string("least_conn takes no arguments");
  return std::nullopt;
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& /*args*/,
                               const std::vector<const Host*>& group) {
  return std::make_unique<LeastConnPolicy>(group);
}

[[maybe_unused]] const bool kRegistered = register_policy(
    {.directive = "least_conn", .validate = &validate, .create = &create, .runtime_weights = true});

}  // namespace
}  // namespace yoke::balancing
