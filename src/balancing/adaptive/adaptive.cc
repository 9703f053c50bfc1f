// `adaptive [decay=T] [penalty=T] [hot=Q] [candidates=N]`: the "intelligent" policy of issue 4,
// after Prequal (Wydrowski et al., "Load is not what you should balance: Introducing Prequal",
// NSDI 2024). Prequal picks among a pool of probed servers with the hot-cold lexicographic rule:
// servers whose requests in flight (RIF) lie above a quantile Q_RIF of the pool are hot; among
// the cold ones the lowest estimated latency wins, so latency decides and RIF only keeps it
// from piling onto one server. Here:
//  - the pool is every eligible host when the group has at most `candidates` hosts, otherwise
//    `candidates` hosts drawn at random in proportion to weight (fresh each pick: a probe pool
//    whose probes are this worker's own counts, which cost nothing and are never stale);
//  - RIF is this worker's requests in flight on the host, per unit of weight;
//  - the latency estimate comes from a model of each host's latency as a function of its load,
//    learnt online from its answers (load_latency_model.h), evaluated at the host's current
//    load: a 3× slower host or one that slows down mid-run is seen within `decay`;
//  - the pitfalls peak-EWMA has (ewma.cc) are handled the same way: the estimate is at least the
//    age of the host's oldest request in flight (a stalled host does not look cheap) and an
//    error is learnt as taking at least `penalty` (a host failing fast does not look fast);
//  - a host without recent evidence (new, or shunned long enough for its samples to decay) is
//    guessed at the candidates' mean latency per unit of load, so it is tried again.
// Several workers or Yoke nodes running it do not herd: each decides from its own requests in
// flight, which move with every decision it makes, never from a shared stale number.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancing/adaptive/adaptive_arguments.h"
#include "balancing/adaptive/dispatch_loads.h"
#include "balancing/adaptive/load_latency_model.h"
#include "balancing/support/group_positions.h"
#include "balancing/support/in_flight.h"
#include "balancing/support/weighted_positions.h"
#include "yoke/balancing/policy.h"
#include "yoke/balancing/random.h"

namespace yoke::balancing {
namespace {

// Estimates this close are equal: a learnt model is not that precise, and choosing the lowest
// of equals every time would starve the others of the samples that keep them known. 1%, 5% and 10%
// were within noise of each other in the simulator scenarios (5% a little better in the
// healthy ones), and 5% spreads equal backends evenly on real sockets, where timing noise makes
// estimates differ by a few percent.
constexpr double kTie = 0.05;

bool is_error(const AttemptOutcome& outcome) { return outcome.failed || outcome.status >= 500; }

double to_us(Microseconds value) { return static_cast<double>(value.count()); }

class AdaptivePolicy final : public Policy {
 public:
  AdaptivePolicy(const std::vector<const Host*>& group, const AdaptiveArguments& arguments)
      : arguments_(arguments),
        positions_(group),
        ranges_(group),
        random_(next_policy_seed()),
        hosts_(group.size(),
               PerHost{InFlight{}, DispatchLoads{}, LoadLatencyModel(arguments.decay)}) {
    for (const Host* host : group)
      equal_weights_ = equal_weights_ && host->weight == group[0]->weight;
    pool_.reserve(group.size());
    loads_.reserve(group.size());
  }

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    fill_pool(eligibility);
    if (pool_.empty()) return nullptr;
    if (pool_.size() == 1) return &positions_.host(pool_[0]);
    const double hot_above = load_quantile();
    const double guess = unit_latency_guess(context.now);
    std::size_t best = pool_[0];
    double best_cost = 0;
    int ties = 0;
    for (const std::size_t position : pool_) {
      if (load(position) > hot_above) continue;
      const double cost = estimate(position, guess, context.now);
      if (ties == 0 || cost < best_cost * (1.0 - kTie)) {
        best = position;
        best_cost = cost;
        ties = 1;
      } else if (cost <= best_cost * (1.0 + kTie) &&
                 random_.below(static_cast<std::uint64_t>(++ties)) == 0) {
        best = position;  // reservoir sampling: each tied host equally likely
      }
    }
    return &positions_.host(best);
  }

  void on_request_start(const Host& host, TimePoint now) override {
    const std::size_t position = positions_.find(host);
    if (position == GroupPositions::kNotInGroup) return;
    PerHost& state = hosts_[position];
    state.dispatch.sent(state.in_flight.active);
    state.in_flight.start(now);
  }

  void on_request_end(const Host& host, const AttemptOutcome& outcome) override {
    const std::size_t position = positions_.find(host);
    if (position == GroupPositions::kNotInGroup) return;
    PerHost& state = hosts_[position];
    const int sent_at = state.dispatch.answered();
    state.in_flight.end(outcome.now);
    if (sent_at == DispatchLoads::kUnknown) return;
    if (outcome.aborted && !is_error(outcome)) return;  // nothing learnt about its speed
    double sample = to_us(outcome.latency);
    if (is_error(outcome)) sample = std::max(sample, to_us(arguments_.penalty));
    state.model.add(sent_at, sample, outcome.now);
  }

 private:
  struct PerHost {
    InFlight in_flight;
    DispatchLoads dispatch;
    LoadLatencyModel model;
  };

  // The candidates: every eligible host of a small group, else weighted random draws.
  void fill_pool(const Eligibility& eligibility) {
    pool_.clear();
    const std::size_t size = positions_.size();
    if (size <= static_cast<std::size_t>(arguments_.candidates)) {
      for (std::size_t position = 0; position < size; ++position) {
        if (eligibility.eligible(positions_.host(position))) pool_.push_back(position);
      }
      return;
    }
    for (int draw = 0; draw < arguments_.candidates; ++draw) {
      const std::size_t drawn =
          equal_weights_ ? random_.below(size) : ranges_.at(random_.below(ranges_.total()));
      if (std::find(pool_.begin(), pool_.end(), drawn) != pool_.end()) continue;
      if (eligibility.eligible(positions_.host(drawn))) pool_.push_back(drawn);
    }
    if (!pool_.empty()) return;
    const std::size_t start = random_.below(size);  // every draw missed: scan once
    for (std::size_t step = 0; step < size; ++step) {
      const std::size_t position = (start + step) % size;
      if (eligibility.eligible(positions_.host(position))) {
        pool_.push_back(position);
        return;
      }
    }
  }

  double load(std::size_t position) const {
    return static_cast<double>(hosts_[position].in_flight.active) /
           std::max(positions_.host(position).weight, 1);
  }

  // The hot/cold boundary: the hot_quantile-th smallest load in the pool.
  double load_quantile() {
    loads_.clear();
    for (const std::size_t position : pool_) loads_.push_back(load(position));
    const auto rank =
        static_cast<std::size_t>(arguments_.hot_quantile * static_cast<double>(loads_.size() - 1));
    std::nth_element(loads_.begin(), loads_.begin() + static_cast<std::ptrdiff_t>(rank),
                     loads_.end());
    return loads_[rank];
  }

  // Mean latency per unit of load over the candidates with evidence; 1 when none has any (the
  // estimate is then the load itself, as least_conn would choose).
  double unit_latency_guess(TimePoint now) const {
    double sum = 0;
    int known = 0;
    for (const std::size_t position : pool_) {
      const LoadLatencyModel& model = hosts_[position].model;
      if (!model.known(now)) continue;
      sum += model.unit_latency();
      ++known;
    }
    return known > 0 ? sum / known : 1.0;
  }

  // The expected latency (µs) of a request sent to the host now.
  double estimate(std::size_t position, double guess, TimePoint now) const {
    const PerHost& state = hosts_[position];
    const double active = state.in_flight.active;
    const double predicted =
        state.model.known(now) ? state.model.predict(active) : guess * (active + 1.0);
    return std::max(predicted, to_us(state.in_flight.stalled_for(now)));
  }

  AdaptiveArguments arguments_;
  GroupPositions positions_;
  WeightedPositions ranges_;
  bool equal_weights_ = true;  // then a draw needs no search of ranges_
  PolicyRandom random_;
  std::vector<PerHost> hosts_;
  std::vector<std::size_t> pool_;  // reused each pick: reserved for the whole group
  std::vector<double> loads_;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  AdaptiveArguments arguments;
  return parse_adaptive_arguments(args, arguments);
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& args,
                               const std::vector<const Host*>& group) {
  AdaptiveArguments arguments;
  parse_adaptive_arguments(args, arguments);  // validated at config load
  return std::make_unique<AdaptivePolicy>(group, arguments);
}

[[maybe_unused]] const bool kRegistered =
    register_policy({.directive = "adaptive", .validate = &validate, .create = &create});

}  // namespace
}  // namespace yoke::balancing
