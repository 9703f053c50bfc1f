#include "random.h"

#include <cmath>
#include <numbers>

namespace yoke::sim {

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream * 0x10001ULL + index + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t Random::below(std::uint64_t bound) {
  // Exact for every bound the simulator uses (far below 2^53); the min() guards rounding.
  const auto value = static_cast<std::uint64_t>(uniform() * static_cast<double>(bound));
  return value < bound ? value : bound - 1;
}

double Random::exponential(double mean) {
  // 1 - u is in (0, 1], so the logarithm is finite.
  return -mean * std::log(1.0 - uniform());
}

double Random::normal() {
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
  return radius * std::cos(2.0 * std::numbers::pi * uniform());
}

}  // namespace yoke::sim
