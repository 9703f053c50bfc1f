// Smooth weighted round robin, exactly as nginx's ngx_http_upstream_get_peer
// (src/http/ngx_http_upstream_round_robin.c, introduced in nginx commit 52327e0627f4,
// "Upstream: smooth weighted round-robin balancing"). Every pick, each eligible host's
// current_weight grows by its effective_weight; the host with the largest current_weight wins
// (the first one in list order on a tie, since nginx only replaces `best` on `>`), and the total
// of the effective weights taking part is subtracted from the winner. Weights 5,1,1 give
// a a b a c a a: the heavy host is spread out instead of picked five times in a row.
//
// effective_weight is nginx's slow start after failures: ngx_http_upstream_free_round_robin_peer
// lowers it by weight / max_fails on every failure, and each pick raises it by one until it is
// back at weight again.
//
// Groups of more than SmoothSchedule::kScanUpTo peers walk a precomputed period of that very
// sequence (smooth_schedule.h) at O(1) a pick while they can: a peer that cannot be used has its
// turn skipped (its picks go to the peers after it, so long-run shares stay the weights), and
// while some peer's effective_weight is below its weight (after a failure with max_fails > 1)
// the policy scans as nginx does. **Differs from nginx** only there: in large groups, the order
// right after a skip (nginx carries its current weights over to the remaining peers; the table
// simply moves on). Small groups always scan, so their order is nginx's in every case.
//
// Weights are read at every scanned pick (Host::effective_weight: the admin API's weight, the
// agent's percentage, the slow_start ramp; docs/admin-api.md), in hundredths of a weight unit:
// scaling every weight by 100 leaves nginx's sequence unchanged. nginx's failure-lowered
// effective_weight (in configured units, per worker) scales that runtime weight. The schedule
// only holds configured weights, so it is left for scanning while any weight of the set was
// changed at run time (one relaxed load a pick) and in groups with slow_start.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "balancing/round_robin/smooth_schedule.h"
#include "yoke/balancing/policy.h"

namespace yoke::balancing {
namespace {

class RoundRobinPolicy final : public Policy {
 public:
  RoundRobinPolicy(const std::vector<const Host*>& group,
                   std::shared_ptr<const SmoothSchedule> schedule)
      : schedule_(std::move(schedule)) {
    peers_.reserve(group.size());
    for (const Host* host : group) {
      if (host->slow_start.count() > 0) schedule_ = nullptr;
      peers_.push_back(Peer{host, 0, host->weight});
      if (host->index >= position_by_index_.size()) {
        position_by_index_.resize(host->index + 1, kNotInGroup);
      }
      position_by_index_[host->index] = peers_.size() - 1;
    }
  }

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    if (schedule_ != nullptr && below_weight_ == 0 && !reweighted()) {
      for (int skipped = 0; skipped < kSkipBudget; ++skipped) {
        const Peer& peer = peers_[schedule_->at(cursor_)];
        cursor_ = cursor_ + 1 == schedule_->period() ? 0 : cursor_ + 1;
        if (eligibility.eligible(*peer.host)) return peer.host;
      }
    }
    return scan(eligibility, context.now);
  }

  void on_request_end(const Host& host, const AttemptOutcome& outcome) override {
    if (!outcome.failed || host.max_fails <= 0) return;
    Peer* peer = find(host);
    if (peer == nullptr) return;
    // ngx_http_upstream_free_round_robin_peer: `effective_weight -= weight / max_fails`,
    // clamped at zero.
    const bool was_full = peer->effective_weight >= host.weight;
    peer->effective_weight -= host.weight / host.max_fails;
    if (peer->effective_weight < 0) peer->effective_weight = 0;
    if (was_full && peer->effective_weight < host.weight) ++below_weight_;
  }

 private:
  static constexpr std::size_t kNotInGroup = static_cast<std::size_t>(-1);
  // Table entries a pick may skip before it scans instead (most peers unusable).
  static constexpr int kSkipBudget = 16;

  struct Peer {
    const Host* host;
    std::int64_t current_weight;
    int effective_weight;
  };

  // ngx_http_upstream_get_peer, over every peer.
  const Host* scan(const Eligibility& eligibility, TimePoint now) {
    Peer* best = nullptr;
    std::int64_t total = 0;
    for (Peer& peer : peers_) {
      // nginx skips tried, down, failed and max_conns-full peers before touching any weight.
      if (!eligibility.eligible(*peer.host)) continue;
      const std::int64_t weight = weight_now(peer, now);
      peer.current_weight += weight;
      total += weight;
      if (peer.effective_weight < peer.host->weight &&
          ++peer.effective_weight == peer.host->weight) {
        --below_weight_;
      }
      if (best == nullptr || peer.current_weight > best->current_weight) best = &peer;
    }
    if (best == nullptr) return nullptr;
    best->current_weight -= total;
    return best->host;
  }

  // The peer's runtime weight, lowered in proportion while nginx's failure weight recovers.
  static std::int64_t weight_now(const Peer& peer, TimePoint now) {
    const std::int64_t weight = peer.host->effective_weight(now);
    if (peer.effective_weight >= peer.host->weight) return weight;
    return weight * peer.effective_weight / peer.host->weight;
  }

  bool reweighted() const {
    const HostRuntime* runtime = peers_.front().host->runtime;
    return runtime != nullptr && runtime->set_reweighted();
  }

  Peer* find(const Host& host) {
    if (host.index >= position_by_index_.size()) return nullptr;
    const std::size_t position = position_by_index_[host.index];
    if (position == kNotInGroup || peers_[position].host != &host) return nullptr;
    return &peers_[position];
  }

  std::shared_ptr<const SmoothSchedule> schedule_;  // nullptr: always scan
  std::size_t cursor_ = 0;                          // next step of the schedule
  int below_weight_ = 0;  // peers whose effective_weight is below their weight
  std::vector<Peer> peers_;
  // HostSet index -> position in peers_, so feedback finds its peer without a search.
  std::vector<std::size_t> position_by_index_;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  if (!args.empty()) return std::string("round_robin takes no arguments");
  return std::nullopt;
}

SharedPolicyStatePtr share(const std::vector<config::Argument>& /*args*/,
                           const std::vector<const Host*>& group) {
  return SmoothSchedule::build(group);
}

std::unique_ptr<Policy> create_shared(const std::vector<config::Argument>& /*args*/,
                                      const std::vector<const Host*>& group,
                                      SharedPolicyStatePtr shared) {
  return std::make_unique<RoundRobinPolicy>(
      group, std::dynamic_pointer_cast<const SmoothSchedule>(std::move(shared)));
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& args,
                               const std::vector<const Host*>& group) {
  return create_shared(args, group, share(args, group));
}

[[maybe_unused]] const bool kRegistered = register_policy({.directive = "round_robin",
                                                           .validate = &validate,
                                                           .create = &create,
                                                           .share = &share,
                                                           .create_shared = &create_shared,
                                                           .runtime_weights = true});

}  // namespace
}  // namespace yoke::balancing
