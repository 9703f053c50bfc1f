#pragma once
// When requests arrive. Poisson, or bursty: a two-state Markov-modulated Poisson process
// (Fischer & Meier-Hellstern, "The MMPP cookbook", Performance Evaluation 18, 1993) that
// alternates calm and burst periods of exponential length, the burst rate `factor` times the
// calm rate, with the long-run mean equal to the target rate.
#include "random.h"
#include "scenario.h"
#include "sim_time.h"

namespace yoke::sim {

class ArrivalProcess {
 public:
  // rate: mean arrivals per nanosecond.
  ArrivalProcess(const ArrivalSpec& spec, double rate, Random random);
  // The time of the next arrival (non-decreasing).
  SimTime next();

 private:
  double rate_now() const { return bursting_ ? burst_rate_ : calm_rate_; }
  void enter_next_state();

  ArrivalSpec spec_;
  Random random_;
  double calm_rate_;
  double burst_rate_;
  bool bursting_ = false;
  double time_ = 0;  // kept in double so rounding never biases the rate
  double state_end_ = 0;
};

}  // namespace yoke::sim
