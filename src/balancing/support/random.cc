// The process-wide seed sequence behind next_policy_seed(). Seeds are only taken when policies
// are created (off the hot path), so an atomic counter is all the synchronisation needed.
#include "yoke/balancing/random.h"

#include <atomic>
#include <random>

namespace yoke::balancing {
namespace {

std::uint64_t random_base() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::atomic<std::uint64_t>& counter() {
  static std::atomic<std::uint64_t> next{random_base()};
  return next;
}

}  // namespace

void seed_policy_random(std::uint64_t base) { counter().store(base); }

std::uint64_t next_policy_seed() {
  // Consecutive counter values make unrelated streams once mixed (SplitMix64's own output
  // function), so instance n's generator does not replay instance n+1's.
  PolicyRandom mixer(counter().fetch_add(1));
  return mixer.next();
}

}  // namespace yoke::balancing
