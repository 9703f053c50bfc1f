// Linkerd-style retry budget in one shared word (retry_budget.h).
#include "yoke/upstream/retry_budget.h"

#include <algorithm>
#include <cmath>

namespace yoke::upstream {
namespace {

std::int64_t to_ms(TimePoint time) {
  return std::chrono::duration_cast<Milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

RetryBudget::RetryBudget(const balancing::RetryBudgetSettings& settings, TimePoint start)
    : settings_(settings) {
  State state;
  state.units = std::min<std::uint64_t>(
      static_cast<std::uint64_t>(settings.min_per_second) * kUnitsPerToken, kMaxUnits);
  state.time_ms = to_ms(start);
  word_.store(encode(state), std::memory_order_relaxed);
}

double RetryBudget::balance_at(const State& state, std::int64_t now_ms,
                               std::uint32_t requests) const {
  // Time never runs backwards on the steady clock, but workers' cached "now" may lag each
  // other by an event-loop iteration: treat an older now as no time passed.
  const double elapsed_ms = static_cast<double>(std::max<std::int64_t>(0, now_ms - state.time_ms));
  const double ttl_ms = static_cast<double>(settings_.ttl.count());
  // Deposits fade with time constant ttl (Linkerd drops them after ttl).
  double units = static_cast<double>(state.units) * std::exp(-elapsed_ms / ttl_ms);
  // min_per_second tokens a second whatever the traffic.
  units += elapsed_ms * settings_.min_per_second * kUnitsPerToken / 1000.0;
  units += static_cast<double>(requests) * settings_.percent * kUnitsPerToken / 100.0;
  return std::min(units, static_cast<double>(kMaxUnits));
}

bool RetryBudget::update(Local& local, TimePoint now, bool withdraw) {
  const std::int64_t now_ms = to_ms(now);
  std::uint64_t old = word_.load(std::memory_order_relaxed);
  for (;;) {
    const State state = decode(old);
    double units = balance_at(state, now_ms, local.pending);
    const bool granted = withdraw && units >= static_cast<double>(kUnitsPerToken);
    if (granted) units -= static_cast<double>(kUnitsPerToken);
    State next;
    next.units = static_cast<std::uint64_t>(units);  // down (retry_budget.h)
    next.time_ms = std::max(now_ms, state.time_ms);
    // The deposits are made whether or not a token was granted.
    if (word_.compare_exchange_weak(old, encode(next), std::memory_order_relaxed)) {
      local.pending = 0;
      return granted;
    }
  }
}

double RetryBudget::tokens(TimePoint now) const {
  const State state = decode(word_.load(std::memory_order_relaxed));
  return balance_at(state, to_ms(now), 0) / static_cast<double>(kUnitsPerToken);
}

}  // namespace yoke::upstream
