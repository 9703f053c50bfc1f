#pragma once
// A moving average whose weights decay with time rather than with the number of samples, as
// Finagle's PeakEwma (finagle-core, loadbalancer/PeakEwma.scala) and linkerd2-proxy's
// PeakEwma compute it: a sample arriving Δt after the previous one replaces the fraction
// 1 − e^(−Δt/τ) of the estimate, so the estimate means "about the last τ" whatever the request
// rate. With `peak`, a sample above the estimate replaces it at once: a slowdown shows in one
// response and is forgotten slowly.
#include <cmath>

#include "yoke/core/clock.h"

namespace yoke::balancing {

class DecayingAverage {
 public:
  explicit DecayingAverage(Microseconds decay) : decay_us_(static_cast<double>(decay.count())) {}

  bool empty() const { return empty_; }

  // Adds a sample (microseconds) observed at now.
  void add(double sample_us, TimePoint now, bool peak) {
    if (empty_ || (peak && sample_us > value_)) {
      value_ = sample_us;
    } else {
      const double keep = retained(now);
      value_ = value_ * keep + sample_us * (1.0 - keep);
    }
    empty_ = false;
    stamp_ = now;
  }

  // The estimate as of the last sample (0 when empty).
  double value() const { return value_; }

  // The estimate decayed toward zero by the time since the last sample, as if zeros had been
  // observed since (Finagle's get(), which observes 0): an idle host slowly looks cheap again,
  // so it is probed instead of being shunned forever for one slow answer.
  double decayed(TimePoint now) const { return value_ * retained(now); }

 private:
  double retained(TimePoint now) const {
    if (now <= stamp_ || decay_us_ <= 0) return now <= stamp_ ? 1.0 : 0.0;
    const double elapsed_us =
        static_cast<double>(std::chrono::duration_cast<Microseconds>(now - stamp_).count());
    return std::exp(-elapsed_us / decay_us_);
  }

  double decay_us_;
  double value_ = 0;
  bool empty_ = true;
  TimePoint stamp_{};
};

}  // namespace yoke::balancing
