#pragma once
// Seeded random numbers for the simulator. Every variate is computed here from raw
// std::mt19937_64 output rather than through <random>'s distributions, whose algorithms differ
// between standard libraries: the same seed gives the same run everywhere.
#include <cstdint>
#include <random>

namespace yoke::sim {

// Independent streams of one run (arrivals, service demands, …) so that a change in how one
// stream is consumed never shifts another: every policy then faces the very same workload
// (common random numbers, Law & Kelton, "Simulation Modeling and Analysis", §11.2).
enum class Stream : std::uint64_t {
  kArrivals = 1,
  kServiceDemand,
  kKeys,
  kNodes,
  kFailures,
  kPausePhases,
  kPolicies,
};

// splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA
// 2014): a well-mixed 64-bit seed for each (run seed, stream, index).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index = 0);
inline std::uint64_t derive_seed(std::uint64_t seed, Stream stream, std::uint64_t index = 0) {
  return derive_seed(seed, static_cast<std::uint64_t>(stream), index);
}

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }
  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, bound); bound > 0.
  std::uint64_t below(std::uint64_t bound);
  // Exponential with the given mean, by inversion.
  double exponential(double mean);
  // Standard normal, by the Box–Muller transform (one of the pair is discarded: simpler, and
  // the stream position stays a function of the number of calls only).
  double normal();

 private:
  std::mt19937_64 engine_;
};

}  // namespace yoke::sim
