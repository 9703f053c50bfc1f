#include "arrival_process.h"

#include <cmath>
#include <limits>

namespace yoke::sim {

ArrivalProcess::ArrivalProcess(const ArrivalSpec& spec, double rate, Random random)
    : spec_(spec), random_(random), calm_rate_(rate), burst_rate_(rate) {
  if (spec.kind != ArrivalKind::kBursty) {
    state_end_ = std::numeric_limits<double>::infinity();
    return;
  }
  // Mean rate = (burst_rate·burst + calm_rate·calm) / (burst + calm) = rate.
  const auto burst = static_cast<double>(spec.burst);
  const auto calm = static_cast<double>(spec.calm);
  calm_rate_ = rate * (burst + calm) / (spec.factor * burst + calm);
  burst_rate_ = spec.factor * calm_rate_;
  // Start in the stationary distribution of the two states.
  bursting_ = random_.uniform() < burst / (burst + calm);
  state_end_ = random_.exponential(bursting_ ? burst : calm);
}

void ArrivalProcess::enter_next_state() {
  time_ = state_end_;
  bursting_ = !bursting_;
  const auto mean = static_cast<double>(bursting_ ? spec_.burst : spec_.calm);
  state_end_ = time_ + random_.exponential(mean);
}

SimTime ArrivalProcess::next() {
  // The process is memoryless within a state, so a gap that crosses the state's end is drawn
  // again from the boundary at the new state's rate.
  while (true) {
    const double gap = random_.exponential(1 / rate_now());
    if (time_ + gap < state_end_) {
      time_ += gap;
      return static_cast<SimTime>(std::llround(time_));
    }
    enter_next_state();
  }
}

}  // namespace yoke::sim
