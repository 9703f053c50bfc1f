#include "service_sampler.h"

#include <cmath>

namespace yoke::sim {
namespace {

// Mean of a bounded Pareto with shape alpha on [1, ratio] (Harchol-Balter, "Task assignment
// with unknown duration", JACM 2002, §2: E[X] = k^α/(1-(k/p)^α) · α/(α-1) · (k^{1-α} - p^{1-α})
// with k = 1, p = ratio).
double bounded_pareto_unit_mean(double alpha, double ratio) {
  return alpha / (alpha - 1) * (1 - std::pow(ratio, 1 - alpha)) / (1 - std::pow(ratio, -alpha));
}

}  // namespace

ServiceSampler::ServiceSampler(const ServiceSpec& spec, double mean) : spec_(spec), mean_(mean) {
  switch (spec.kind) {
    case ServiceKind::kExponential:
    case ServiceKind::kDeterministic:
      break;
    case ServiceKind::kLognormal:
      // E[e^{μ+σZ}] = e^{μ+σ²/2}.
      scale_ = std::log(mean) - spec.sigma * spec.sigma / 2;
      break;
    case ServiceKind::kPareto:
      // E[X] = α x_m / (α - 1).
      scale_ = mean * (spec.alpha - 1) / spec.alpha;
      break;
    case ServiceKind::kBoundedPareto:
      scale_ = mean / bounded_pareto_unit_mean(spec.alpha, spec.ratio);
      break;
  }
}

double ServiceSampler::sample(Random& random) const {
  switch (spec_.kind) {
    case ServiceKind::kExponential:
      return random.exponential(mean_);
    case ServiceKind::kDeterministic:
      return mean_;
    case ServiceKind::kLognormal:
      return std::exp(scale_ + spec_.sigma * random.normal());
    case ServiceKind::kPareto:
      // Inversion: F(x) = 1 - (x_m/x)^α; 1 - u is in (0, 1].
      return scale_ / std::pow(1 - random.uniform(), 1 / spec_.alpha);
    case ServiceKind::kBoundedPareto: {
      // Inversion of F(x) = (1 - (L/x)^α) / (1 - (L/H)^α) on [L, H], H = ratio · L.
      const double tail = 1 - std::pow(spec_.ratio, -spec_.alpha);
      return scale_ / std::pow(1 - random.uniform() * tail, 1 / spec_.alpha);
    }
  }
  return mean_;
}

}  // namespace yoke::sim
