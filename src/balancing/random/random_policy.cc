// `random [two [least_conn | least_time=header | least_time=last_byte]]`, nginx's random module
// (src/http/modules/ngx_http_upstream_random_module.c): a host drawn with probability in
// proportion to its weight (ngx_http_upstream_peek_random_peer: prefix sums and a binary
// search); with `two`, two distinct hosts are drawn and the one with fewer active requests per
// weight wins (ngx_http_upstream_get_random2_peer) — the power of two choices (Mitzenmacher,
// "The Power of Two Choices in Randomized Load Balancing", 2001): the worst queue drops from
// log n / log log n to log log n at the cost of one extra look. `least_time=…` is nginx Plus's
// variant, comparing response time × active requests instead (support/response_times.h).
//
// Unusable draws are drawn again as nginx does (support/random_draws.h). Each worker's instance
// has its own generator (seeded by next_policy_seed(); tests fix the seed). As nginx's random
// module, it has no backup servers.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "balancing/support/group_positions.h"
#include "balancing/support/in_flight.h"
#include "balancing/support/random_draws.h"
#include "balancing/support/response_times.h"
#include "yoke/balancing/policy.h"
#include "yoke/balancing/random.h"

namespace yoke::balancing {
namespace {

enum class Compare { kNone, kLeastConn, kLeastTimeHeader, kLeastTimeLastByte };

std::optional<std::string> parse(const std::vector<config::Argument>& args, Compare& out) {
  out = Compare::kNone;
  if (args.empty()) return std::nullopt;
  if (args[0].text == "two" && args.size() <= 2) {
    const std::string method = args.size() == 2 ? args[1].text : "least_conn";
    out = method == "least_conn"             ? Compare::kLeastConn
          : method == "least_time=header"    ? Compare::kLeastTimeHeader
          : method == "least_time=last_byte" ? Compare::kLeastTimeLastByte
                                             : Compare::kNone;
    if (out != Compare::kNone) return std::nullopt;
  }
  return std::string(
      "random takes nothing, \"two\", or \"two\" and one of \"least_conn\", "
      "\"least_time=header\", \"least_time=last_byte\"");
}

class RandomPolicy final : public Policy {
 public:
  RandomPolicy(const std::vector<const Host*>& group, Compare compare)
      : draws_(group, next_policy_seed()),
        compare_(compare),
        in_flight_(group.size()),
        times_(group.size(),
               compare == Compare::kLeastTimeHeader ? TimedPhase::kHeader : TimedPhase::kLastByte,
               false) {}

  const Host* choose(const LbContext& context, const Eligibility& eligibility) override {
    const Draws draws = draws_.draw(compare_ == Compare::kNone ? 1 : 2, eligibility);
    if (draws.first == Draws::kNone) return nullptr;
    if (draws.second == Draws::kNone) return &positions().host(draws.first);
    return &positions().host(better(draws.first, draws.second, context.now));
  }

  void on_request_start(const Host& host, TimePoint now) override {
    const std::size_t position = positions().find(host);
    if (position == GroupPositions::kNotInGroup) return;
    in_flight_[position].start(now);
    times_.start(position, now);
  }

  void on_request_end(const Host& host, const AttemptOutcome& outcome) override {
    const std::size_t position = positions().find(host);
    if (position == GroupPositions::kNotInGroup) return;
    in_flight_[position].end(outcome.now);
    times_.end(position, outcome);
  }

 private:
  const GroupPositions& positions() const { return draws_.positions(); }

  // nginx: `if (peer->conns * prev->weight > prev->conns * peer->weight) peer = prev;` — the
  // second draw wins ties.
  std::size_t better(std::size_t first, std::size_t second, TimePoint now) const {
    const double first_weight = positions().host(first).weight;
    const double second_weight = positions().host(second).weight;
    double first_load = in_flight_[first].active;
    double second_load = in_flight_[second].active;
    if (compare_ != Compare::kLeastConn) {
      const ResponseTimes::Clock clock = times_.clock(now);
      first_load = times_.load(first, clock);
      second_load = times_.load(second, clock);
    }
    return second_load * first_weight > first_load * second_weight ? first : second;
  }

  RandomDraws draws_;
  Compare compare_;
  std::vector<InFlight> in_flight_;
  ResponseTimes times_;
};

std::optional<std::string> validate(const std::vector<config::Argument>& args) {
  Compare compare = Compare::kNone;
  return parse(args, compare);
}

std::unique_ptr<Policy> create(const std::vector<config::Argument>& args,
                               const std::vector<const Host*>& group) {
  Compare compare = Compare::kNone;
  parse(args, compare);  // validated at config load
  return std::make_unique<RandomPolicy>(group, compare);
}

[[maybe_unused]] const bool kRegistered = register_policy(
    {.directive = "random", .validate = &validate, .create = &create, .supports_backup = false});

}  // namespace
}  // namespace yoke::balancing
