#pragma once
// The retry budget of one upstream (`retry_budget percent=P min_per_second=N;`,
// docs/resilience.md): proxy_next_upstream retries may add at most P % to the requests the
// upstream receives, plus N a second, so a failing upstream does not draw a retry storm.
// Linkerd's retry budget is the model (retry_ratio, min_retries_per_second, ttl): every request
// deposits P/100 of a token, every retry withdraws one, deposits expire after ttl; here they
// decay with time constant ttl instead of expiring in windows, so the whole state fits in one
// word.
//
// Why one shared bucket rather than one per worker: with per-worker buckets (each refilled
// with N/workers a second) the sum of budgets is the same, but a worker whose clients happen to
// hit the failing requests cannot use the budget its neighbours earned, so the budget would
// hold only when the kernel spreads connections evenly. The shared word holds "across workers"
// exactly. Its cost stays off the per-request path: a worker counts its requests locally and
// deposits them with one compare-and-swap per kFlushEvery requests, or when it wants to retry.
//
// Threads: a RetryBudget is built with the routing snapshot (main thread) and shared by every
// worker; each worker keeps its own Local. No locks, no allocation.
#include <atomic>
#include <cstdint>

#include "yoke/balancing/resilience_settings.h"
#include "yoke/core/clock.h"

namespace yoke::upstream {

class RetryBudget {
 public:
  // A worker's requests not yet deposited.
  struct Local {
    std::uint32_t pending = 0;
  };
  static constexpr std::uint32_t kFlushEvery = 16;
  // Balances are kept in 1/4096 of a token (24 bits: up to 4,095 tokens saved up; the rate of
  // deposits is not capped), the time in milliseconds of the steady clock (40 bits: 34 years).
  // Rounding is always down, so the budget errs on the side of fewer retries.
  static constexpr std::uint64_t kUnitsPerToken = 4096;
  static constexpr std::uint64_t kMaxUnits = (std::uint64_t{1} << 24) - 1;

  // start: the steady clock now. The budget starts with one second's min_per_second, so
  // retries work at once after start or reload.
  RetryBudget(const balancing::RetryBudgetSettings& settings, TimePoint start);

  // One request routed to the upstream (worker thread; one CAS every kFlushEvery calls).
  void on_request(Local& local, TimePoint now) {
    if (++local.pending >= kFlushEvery) update(local, now, false);
  }
  // A retry is wanted: deposits local's requests and takes one token if there is one.
  // Returns false when the budget is spent (the caller gives the failure to the client).
  bool try_withdraw(Local& local, TimePoint now) { return update(local, now, true); }

  // Whole tokens now (for tests and metrics); any thread.
  double tokens(TimePoint now) const;

 private:
  struct State {
    std::uint64_t units = 0;
    std::int64_t time_ms = 0;
  };
  static State decode(std::uint64_t word) {
    return State{word >> 40, static_cast<std::int64_t>(word & ((std::uint64_t{1} << 40) - 1))};
  }
  static std::uint64_t encode(const State& state) {
    return (state.units << 40) |
           (static_cast<std::uint64_t>(state.time_ms) & ((std::uint64_t{1} << 40) - 1));
  }
  // The balance at now_ms from state plus deposits of `requests` requests, in units.
  double balance_at(const State& state, std::int64_t now_ms, std::uint32_t requests) const;
  bool update(Local& local, TimePoint now, bool withdraw);

  balancing::RetryBudgetSettings settings_;
  std::atomic<std::uint64_t> word_;
};

}  // namespace yoke::upstream
