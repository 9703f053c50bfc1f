#pragma once
// Per-host response times and requests in flight for nginx Plus's least_time (and `random two
// least_time=…`): "the server with the least average response time and least number of active
// connections, taking into account weights" (ngx_http_upstream_module, least_time). The
// average is a time-decayed EWMA (decaying_average.h, τ = 2 s: the last couple of seconds
// whatever the rate) of the time to the response head or to its last byte; a host's load is
// that average × (requests in flight + 1), so a slow host and a busy host both look expensive.
//
// With `inflight` (nginx Plus: "incomplete requests are also taken into account") the average
// is at least the age of the host's oldest request in flight (in_flight.h), so a host that stops
// answering looks slower every moment instead of keeping its last good average.
//
// Between samples the average decays toward zero as in Finagle's PeakEwma (its get() observes
// 0): a greedy "lowest wins" rule would otherwise starve a host after one unlucky answer (say,
// the first one, which paid for the connection), since a host that gets no requests gets no
// samples to prove it fast again. Decay makes an unused host look cheaper until it is probed;
// the probe's answer then counts almost alone. A host that is busy answering keeps its average.
//
// A host without a sample yet is taken to answer in the mean time of the hosts that have one,
// so a newcomer is neither flooded (as a zero estimate would) nor starved. Only answered
// attempts are samples: failures are passive health's business (max_fails), as in nginx. A 5xx
// answer counts as twice the host's current average (at least its own time): a server that
// answers 503 in a millisecond would otherwise look like the fastest of all and, holding no
// requests, draw nearly every one (the simulator's fast-fail scenario put 98.7% of requests on
// it; with "never lower the average" still 95.4%, as it always had the fewest in flight). Twice
// makes a host's average grow while it keeps failing, so it is left within seconds and probed
// again as the average decays; nginx Plus documents nothing here, this is Yoke's rule.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "balancing/support/decaying_average.h"
#include "balancing/support/in_flight.h"
#include "yoke/balancing/policy.h"

namespace yoke::balancing {

enum class TimedPhase { kHeader, kLastByte };

class ResponseTimes {
 public:
  static constexpr Milliseconds kDecay{2000};

  // What one pick needs to read decayed averages: a single exp() for every host.
  struct Clock {
    TimePoint now;
    double decay;  // e^(−(now − reference)/τ)
  };

  ResponseTimes(std::size_t hosts, TimedPhase phase, bool count_in_flight)
      : phase_(phase),
        count_in_flight_(count_in_flight),
        hosts_(hosts, PerHost{InFlight{}, DecayingAverage(kDecay)}),
        forward_(hosts, -1.0) {}

  void start(std::size_t position, TimePoint now) { hosts_[position].in_flight.start(now); }

  void end(std::size_t position, const AttemptOutcome& outcome) {
    PerHost& host = hosts_[position];
    host.in_flight.end(outcome.now);
    if (outcome.aborted) return;
    const Microseconds sample =
        phase_ == TimedPhase::kHeader ? outcome.header_latency : outcome.latency;
    const bool answered =
        outcome.header_latency.count() >= 0 && (phase_ == TimedPhase::kHeader || !outcome.failed);
    if (!answered || sample.count() < 0) return;
    double value = static_cast<double>(sample.count());
    // A 5xx answer is no evidence of speed: it counts as twice the host's average (see above).
    if (outcome.status >= 500) {
      value = std::max(value, 2 * (host.average.empty() ? mean() : host.average.value()));
    }
    if (host.average.empty()) ++sampled_;
    sum_ -= host.average.value();
    host.average.add(value, outcome.now, false);
    sum_ += host.average.value();
    set_forward(position, outcome.now);
  }

  Clock clock(TimePoint now) const { return {now, std::exp(-taus_since_reference(now))}; }

  // The expected response time (µs) of a request sent to position now.
  double estimate(std::size_t position, const Clock& clock) const {
    const double forward = forward_[position];
    double value = forward < 0 ? mean() : forward * clock.decay;
    if (count_in_flight_) {
      const Microseconds stalled = hosts_[position].in_flight.stalled_for(clock.now);
      value = std::max(value, static_cast<double>(stalled.count()));
    }
    return value;
  }

  int active(std::size_t position) const { return hosts_[position].in_flight.active; }

  // estimate × (in flight + 1); callers divide by weight. Never zero, so that requests in
  // flight still count while every estimate is zero (before the first answers).
  double load(std::size_t position, const Clock& clock) const {
    return (estimate(position, clock) + 1.0) * (active(position) + 1);
  }

 private:
  // The mean (undecayed) average of the hosts with samples; 0 before any.
  double mean() const { return sampled_ > 0 ? sum_ / static_cast<double>(sampled_) : 0.0; }

  struct PerHost {
    InFlight in_flight;
    DecayingAverage average;
  };

  // Forward decay (Cormode, Shkapenyuk, Srivastava and Xu, "Forward Decay: A Practical Time
  // Decay Model for Streaming Systems", ICDE 2009): each host keeps its average scaled to a
  // common reference time, average × e^((stamp − reference)/τ), so its decayed value at any
  // later time is that × e^(−(now − reference)/τ) — one exp() per pick instead of one per host.
  // The reference moves forward (and every host is rescaled) after 30 τ (a minute), long before
  // the scale could lose precision.
  static constexpr double kRebaseAfter = 30.0;  // in units of τ

  double taus_since_reference(TimePoint now) const {
    const auto elapsed = std::chrono::duration_cast<Microseconds>(now - reference_).count();
    return static_cast<double>(elapsed) / static_cast<double>(Microseconds(kDecay).count());
  }

  void set_forward(std::size_t position, TimePoint now) {
    if (!has_reference_) {
      reference_ = now;
      has_reference_ = true;
    }
    if (taus_since_reference(now) > kRebaseAfter) {
      const double scale = std::exp(-taus_since_reference(now));
      for (double& forward : forward_) {
        if (forward >= 0) forward *= scale;
      }
      reference_ = now;
    }
    forward_[position] = hosts_[position].average.value() * std::exp(taus_since_reference(now));
  }

  TimedPhase phase_;
  bool count_in_flight_;
  std::vector<PerHost> hosts_;
  // average.value() × e^((last sample − reference_)/τ) per host, −1 before the first sample;
  // apart from hosts_ so that a pick over every host reads 8 bytes each.
  std::vector<double> forward_;
  double sum_ = 0;  // of the averages of sampled hosts
  std::size_t sampled_ = 0;
  TimePoint reference_{};
  bool has_reference_ = false;
};

}  // namespace yoke::balancing
