// `least_time header | last_byte [inflight]`, nginx Plus's least_time (ngx_http_upstream_module
// documentation; nginx Plus is closed source, so the behaviour follows the documented meaning):
// the eligible host with the lowest average response time combined with its active requests,
// per unit of weight, wins — here average × (in flight + 1) / weight (support/response_times.h
// has the estimate). `header` times the response head, `last_byte` the whole response;
// `inflight` lets requests still in flight count (a stalled host looks slower every moment).
// "If there are several such servers, they are tried in turn using a weighted round-robin
// balancing method": ties go to smooth weighted round robin among the tied hosts, as in
// least_conn.cc.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancing/support/group_positions.h"
#include "balancing/support/response_times.h"
#include "yoke/balancing/policy.h"

namespace yoke::balancing {
namespace {

struct LeastTimeArguments {
  TimedPhase phase = TimedPhase::kHeader;
  bool in_flight = false;
};

std::optional<std::string> parse(const std::vector<config::Argument>& args,
                                 LeastTimeArguments& out) {
  const bool phase_ok = !args.empty() && (args[0].text == "header" || args[0].text == "last_byte");
  const bool rest_ok = args.size() == 1 || (args.size() == 2 && args[1].text == "inflight");
  if (!phase_ok || !rest_ok) {
    return std::string(
        "least_time takes \"header\" or \"last_byte\", then optionally "
        "\"inflight\" (e.g. \"least_time header inflight;\")");
  }
  out.phase = args[0].text == "header" ? TimedPhase::kHeader : TimedPhase::kLastByte;
  out.in_flight = args.size() == 2;
  return std::nullopt;
}

class LeastTimePolicy final : public Policy {
 public:
  LeastTimePolicy(const std::vector<const Host*>& group, const LeastTimeArguments& arguments)
      : positions_(group),
        times_(group.size(), arguments.phase, arguments.in_flight),
        loads_(group.size(), 0),
        rotation_(group.size()) {
    weights_.reserve(group.size());
    for (std::size_t i = 0; i < group.size(); ++i) {
      rotation_[i].effective_weight = group[i]->weight;
      weights_.push_back(group[i]->weight);
    }
  }

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    const ResponseTimes::Clock clock = times_.clock(context.now);
    std::size_t best = kNone;
    bool many = false;
    for (std::size_t i = 0; i < loads_.size(); ++i) {
      if (!eligibility.eligible(positions_.host(i))) {
        loads_[i] = -1;  // marks "not eligible" for the tie pass
        continue;
      }
      loads_[i] = times_.load(i, clock);
      if (best == kNone || lower(i, best)) {
        best = i;
        many = false;
      } else if (!lower(best, i)) {
        many = true;
      }
    }
    if (best == kNone) return nullptr;
    if (many) best = round_robin_among_ties(best);
    return &positions_.host(best);
  }

  void on_request_start(const Host& host, TimePoint now) override {
    const std::size_t position = positions_.find(host);
    if (position != GroupPositions::kNotInGroup) times_.start(position, now);
  }

  void on_request_end(const Host& host, const AttemptOutcome& outcome) override {
    const std::size_t position = positions_.find(host);
    if (position == GroupPositions::kNotInGroup) return;
    times_.end(position, outcome);
    // Failures lower the tie-break weight as nginx's round-robin core does for every method.
    if (outcome.failed && host.max_fails > 0) {
      int& effective = rotation_[position].effective_weight;
      effective = std::max(0, effective - host.weight / host.max_fails);
    }
  }

 private:
  static constexpr std::size_t kNone = SIZE_MAX;

  struct Rotation {
    std::int64_t current_weight = 0;
    int effective_weight = 1;
  };

  // load_a / weight_a < load_b / weight_b, without dividing.
  bool lower(std::size_t a, std::size_t b) const {
    return loads_[a] * weights_[b] < loads_[b] * weights_[a];
  }

  std::size_t round_robin_among_ties(std::size_t first) {
    std::size_t best = first;
    std::int64_t total = 0;
    for (std::size_t i = first; i < loads_.size(); ++i) {
      if (loads_[i] < 0 || lower(first, i) || lower(i, first)) continue;
      Rotation& peer = rotation_[i];
      peer.current_weight += peer.effective_weight;
      total += peer.effective_weight;
      if (peer.effective_weight < positions_.host(i).weight) ++peer.effective_weight;
      if (peer.current_weight > rotation_[best].current_weight) best = i;
    }
    rotation_[best].current_weight -= total;
    return best;
  }

  GroupPositions positions_;
  ResponseTimes times_;
  std::vector<double> loads_;    // this pick's loads; -1: not eligible
  std::vector<double> weights_;  // copied from the hosts: one cache line holds eight
  std::vector<Rotation> rotation_;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  LeastTimeArguments arguments;
  return parse(args, arguments);
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& args,
                               const std::vector<const Host*>& group) {
  LeastTimeArguments arguments;
  parse(args, arguments);  // validated at config load
  return std::make_unique<LeastTimePolicy>(group, arguments);
}

[[maybe_unused]] const bool kRegistered =
    register_policy({.directive = "least_time", .validate = &validate, .create = &create});

}  // namespace
}  // namespace yoke::balancing
