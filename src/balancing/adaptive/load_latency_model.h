#pragma once
// One host's latency as a function of its load, learnt online: the "online learning of each
// server's latency as a function of its load" of issue 4's `adaptive` policy.
//
// Each answered request is a sample (load it was sent at, latency). The model is a line
// latency = a + b·load fitted by least squares over time-decayed samples (a sample observed Δt
// ago weighs e^(−Δt/τ), as decaying_average.h weighs by time, not by count), so it follows a
// host that slows down within about τ. A line is what a queue gives: a FIFO server of speed s
// answers a request sent behind `load` others in about (load + 1)·s, and a server with several
// slots stays flat, then climbs.
//
// When the samples hardly differ in load (an idle host is always sent requests at load 0), the
// slope is not measurable; it is then shrunk toward the single-queue slope mean/(mean load + 1)
// (a ridge-style prior of kPriorWeight pseudo-observations of variance 1): with no spread the
// model says "latency grows by one service time per queued request", with spread the data wins.
#include <algorithm>
#include <cmath>

#include "yoke/core/clock.h"

namespace yoke::balancing {

class LoadLatencyModel {
 public:
  explicit LoadLatencyModel(Microseconds decay) : decay_us_(static_cast<double>(decay.count())) {}

  // A request sent when `load` others were in flight on the host took latency_us.
  void add(double load, double latency_us, TimePoint now) {
    const double keep = retained(now);
    weight_ = weight_ * keep + 1.0;
    load_sum_ = load_sum_ * keep + load;
    load_square_sum_ = load_square_sum_ * keep + load * load;
    latency_sum_ = latency_sum_ * keep + latency_us;
    product_sum_ = product_sum_ * keep + load * latency_us;
    stamp_ = now;
    fit();
    // weight·e^(−Δt/τ) >= kMinEvidence  ⇔  Δt <= τ·ln(weight / kMinEvidence): one logarithm
    // per sample here spares choose() an exponential per candidate.
    known_until_ =
        now + std::chrono::duration_cast<Microseconds>(std::chrono::duration<double, std::micro>(
                  decay_us_ * std::log(weight_ / kMinEvidence)));
  }

  // How many samples' worth of evidence is left at now (decays with time).
  double evidence(TimePoint now) const { return weight_ * retained(now); }

  // Whether enough evidence is left at now to trust predict(): at least kMinEvidence samples'
  // worth.
  bool known(TimePoint now) const { return weight_ > 0 && now <= known_until_; }

  // The expected latency (µs) of a request sent now at `load`; only meaningful when known().
  // Never below a tenth of the mean sample, so a steep fitted line cannot promise an impossible
  // zero.
  double predict(double load) const { return std::max(intercept_ + slope_ * load, floor_); }

  // Latency per unit of load at the mean (the single-queue service time estimate), used to
  // guess for hosts without evidence.
  double unit_latency() const { return unit_latency_; }

 private:
  static constexpr double kPriorWeight = 2.0;
  static constexpr double kMinEvidence = 0.5;

  // Solves the line once per sample, so that predict() — called for every candidate of every
  // pick — is one multiply-add.
  void fit() {
    const double mean_load = load_sum_ / weight_;
    const double mean_latency = latency_sum_ / weight_;
    const double variance = std::max(load_square_sum_ / weight_ - mean_load * mean_load, 0.0);
    const double covariance = product_sum_ / weight_ - mean_load * mean_latency;
    unit_latency_ = mean_latency / (mean_load + 1.0);  // the single-queue slope: the prior
    const double shrink = kPriorWeight / weight_;
    slope_ = std::max((covariance + unit_latency_ * shrink) / (variance + shrink), 0.0);
    intercept_ = mean_latency - slope_ * mean_load;
    floor_ = mean_latency * 0.1;
  }

  double retained(TimePoint now) const {
    if (now <= stamp_) return 1.0;
    const double elapsed_us =
        static_cast<double>(std::chrono::duration_cast<Microseconds>(now - stamp_).count());
    return std::exp(-elapsed_us / decay_us_);
  }

  double decay_us_;
  double weight_ = 0;
  double load_sum_ = 0;
  double load_square_sum_ = 0;
  double latency_sum_ = 0;
  double product_sum_ = 0;
  TimePoint stamp_{};
  TimePoint known_until_{};
  // The fitted line, as of the last sample.
  double intercept_ = 0;
  double slope_ = 0;
  double floor_ = 0;
  double unit_latency_ = 0;
};

}  // namespace yoke::balancing
