// `ewma [decay=T] [penalty=T]`: peak-EWMA with two random choices, as Finagle's
// P2CPeakEwma balancer (finagle-core, loadbalancer/PeakEwma.scala) and linkerd2-proxy's
// PeakEwma: each host's cost is its peak-sensitive, time-decayed latency estimate
// (support/decaying_average.h: a slower answer replaces the estimate at once, faster ones pull it
// down over `decay`, and an idle host's estimate decays toward zero so it gets probed again)
// times its requests in flight plus one; two hosts are drawn in proportion to their weights and
// the one with the lower cost per weight wins (Mitzenmacher's power of two choices).
//
// The two known pitfalls of plain peak-EWMA, handled here:
//  - a backend that stalls answers nothing, so its estimate only decays and it looks ever
//    cheaper: the estimate is at least the age of its oldest request in flight (in_flight.h),
//    which grows one second per second while nothing comes back;
//  - a backend that fails fast answers quickly, so it looks fast and draws more traffic: an
//    error (a failed attempt or a 5xx answer) is charged at least `penalty` as its latency.
// A host without a sample yet is taken at the mean estimate of those with one.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancing/ewma/ewma_arguments.h"
#include "balancing/support/decaying_average.h"
#include "balancing/support/in_flight.h"
#include "balancing/support/random_draws.h"
#include "yoke/balancing/policy.h"
#include "yoke/balancing/random.h"

namespace yoke::balancing {
namespace {

// A failed attempt, or a 5xx answer (linkerd2-proxy's default response classifier counts 5xx
// as failures too; nginx's proxy_next_upstream passes them on as answers unless told otherwise).
bool is_error(const AttemptOutcome& outcome) { return outcome.failed || outcome.status >= 500; }

class EwmaPolicy final : public Policy {
 public:
  EwmaPolicy(const std::vector<const Host*>& group, const EwmaArguments& arguments)
      : draws_(group, next_policy_seed()),
        penalty_us_(static_cast<double>(
            std::chrono::duration_cast<Microseconds>(arguments.penalty).count())),
        hosts_(group.size(), PerHost{InFlight{}, DecayingAverage(arguments.decay)}) {}

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    const Draws draws = draws_.draw(2, eligibility);
    if (draws.first == Draws::kNone) return nullptr;
    if (draws.second == Draws::kNone) return &positions().host(draws.first);
    const double first = cost(draws.first, context.now) * positions().host(draws.second).weight;
    const double second = cost(draws.second, context.now) * positions().host(draws.first).weight;
    return &positions().host(first < second ? draws.first : draws.second);
  }

  void on_request_start(const Host& host, TimePoint now) override {
    const std::size_t position = positions().find(host);
    if (position != GroupPositions::kNotInGroup) hosts_[position].in_flight.start(now);
  }

  void on_request_end(const Host& host, const AttemptOutcome& outcome) override {
    const std::size_t position = positions().find(host);
    if (position == GroupPositions::kNotInGroup) return;
    PerHost& state = hosts_[position];
    state.in_flight.end(outcome.now);
    if (outcome.aborted && !is_error(outcome)) return;  // nothing learnt about its speed
    double sample = static_cast<double>(outcome.latency.count());
    if (is_error(outcome)) sample = std::max(sample, penalty_us_);
    if (state.latency.empty()) ++sampled_;
    sum_ -= state.latency.value();
    state.latency.add(sample, outcome.now, true);
    sum_ += state.latency.value();
  }

 private:
  struct PerHost {
    InFlight in_flight;
    DecayingAverage latency;  // µs
  };

  const GroupPositions& positions() const { return draws_.positions(); }

  // Finagle's load: latency estimate × (outstanding + 1). The +1 µs keeps requests in flight
  // counting while every estimate is still zero.
  double cost(std::size_t position, TimePoint now) const {
    const PerHost& state = hosts_[position];
    double estimate =
        state.latency.empty() ? (sampled_ > 0 ? sum_ / sampled_ : 0.0) : state.latency.decayed(now);
    estimate = std::max(estimate, static_cast<double>(state.in_flight.stalled_for(now).count()));
    return (estimate + 1.0) * (state.in_flight.active + 1);
  }

  RandomDraws draws_;
  double penalty_us_;
  std::vector<PerHost> hosts_;
  double sum_ = 0;  // of the (undecayed) estimates of sampled hosts
  std::size_t sampled_ = 0;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  EwmaArguments arguments;
  return parse_ewma_arguments(args, arguments);
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& args,
                               const std::vector<const Host*>& group) {
  EwmaArguments arguments;
  parse_ewma_arguments(args, arguments);  // validated at config load
  return std::make_unique<EwmaPolicy>(group, arguments);
}

[[maybe_unused]] const bool kRegistered =
    register_policy({.directive = "ewma", .validate = &validate, .create = &create});

}  // namespace
}  // namespace yoke::balancing
