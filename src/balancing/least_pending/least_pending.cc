// Least pending requests, the seed article's "Least Pending Requests": the eligible host with
// the fewest requests in flight from this worker wins, counted raw, without weights; ties go
// round robin (the first tied host at or after the one after the last pick), so equal hosts
// share an idle period evenly instead of the first one taking it all.
//
// How it differs from least_conn: least_conn compares in-flight per unit of weight (a weight-3
// host is expected to carry three times the requests) and breaks ties by smooth weighted round
// robin; least_pending treats every server as equal and only asks "who has the shortest
// queue" (join-the-shortest-queue), which is what to use when servers are alike and requests
// vary. The config loader rejects `weight=` with it rather than ignore it silently.
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

class LeastPendingPolicy final : public Policy {
 public:
  explicit LeastPendingPolicy(const std::vector<const Host*>& group)
      : positions_(group), pending_(group.size(), 0) {}

  const Host* choose(const LbContext& /*context*/, const Eligibility& eligibility) override {
    std::size_t best = kNone;        // the first host with the fewest pending
    std::size_t best_after = kNone;  // the first such host at or after cursor_
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (!eligibility.eligible(positions_.host(i))) continue;
      if (best == kNone || pending_[i] < pending_[best]) {
        best = i;
        best_after = i >= cursor_ ? i : kNone;
      } else if (pending_[i] == pending_[best] && best_after == kNone && i >= cursor_) {
        best_after = i;
      }
    }
    if (best == kNone) return nullptr;
    const std::size_t chosen = best_after != kNone ? best_after : best;
    cursor_ = chosen + 1;
    return &positions_.host(chosen);
  }

  void on_request_start(const Host& host, TimePoint /*now*/) override {
    const std::size_t position = positions_.find(host);
    if (position != GroupPositions::kNotInGroup) ++pending_[position];
  }

  void on_request_end(const Host& host, const AttemptOutcome& /*outcome*/) override {
    const std::size_t position = positions_.find(host);
    if (position != GroupPositions::kNotInGroup && pending_[position] > 0) --pending_[position];
  }

 private:
  static constexpr std::size_t kNone = SIZE_MAX;

  GroupPositions positions_;
  std::vector<std::int64_t> pending_;
  std::size_t cursor_ = 0;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  if (!args.empty()) return std::string("least_pending takes no arguments");
  return std::nullopt;
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& /*args*/,
                               const std::vector<const Host*>& group) {
  return std::make_unique<LeastPendingPolicy>(group);
}

[[maybe_unused]] const bool kRegistered = register_policy(
    {.directive = "least_pending", .validate = &validate, .create = &create, .uses_weight = false});

}  // namespace
}  // namespace yoke::balancing
