#pragma once
// Service demands: how long a request would take on a server of speed 1. Every distribution is
// scaled to the scenario's mean, so latencies read as multiples of the mean service time.
#include "random.h"
#include "scenario.h"

namespace yoke::sim {

class ServiceSampler {
 public:
  ServiceSampler(const ServiceSpec& spec, double mean);
  // One demand in nanoseconds (positive).
  double sample(Random& random) const;

 private:
  ServiceSpec spec_;
  double mean_;
  double scale_ = 0;  // lognormal: mu; (bounded) Pareto: the smallest demand
};

}  // namespace yoke::sim
