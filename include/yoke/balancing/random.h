#pragma once
// Random numbers for policies that draw (random, ewma's two choices). Each policy instance owns
// a PolicyRandom seeded from next_policy_seed(), so workers draw independently and without
// sharing state; tests and the simulator fix the whole sequence with seed_policy_random().
#include <cstdint>

namespace yoke::balancing {

// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
// OOPSLA 2014; the generator java.util.SplittableRandom uses): one 64-bit state, passes BigCrush,
// a couple of nanoseconds a draw. Not for anything an attacker must not predict.
class PolicyRandom {
 public:
  explicit PolicyRandom(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0: Lemire's multiply-shift ("Fast random integer generation
  // in an interval", 2019) without its rejection step; the bias is below bound / 2^64.
  std::uint64_t below(std::uint64_t bound) {
    __extension__ using Wide = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<Wide>(next()) * bound) >> 64);
  }

  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t state_;
};

// Starts the process-wide seed sequence at base. Without a call it starts at a random value
// (std::random_device), so two Yoke processes draw differently. Thread-safe.
void seed_policy_random(std::uint64_t base);
// The next seed of the sequence: one per policy instance. Thread-safe; called at creation.
std::uint64_t next_policy_seed();

}  // namespace yoke::balancing
