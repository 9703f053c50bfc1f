#pragma once
// The load each request in flight on a host was sent at, so that its answer can be learnt as a
// (load, latency) sample. The Policy hooks name only the host, not the request, so requests are
// matched first in, first out — exact for a server that answers in order, an approximation
// otherwise. A fixed ring: no allocation per request; beyond kCapacity requests in flight the
// newest are not remembered and their answers teach nothing (a host that deep in a queue has
// long been given up by the policy anyway).
#include <array>
#include <cstddef>
#include <cstdint>

namespace yoke::balancing {

class DispatchLoads {
 public:
  static constexpr std::size_t kCapacity = 32;
  static constexpr int kUnknown = -1;

  void sent(int load) {
    // Behind an unremembered request, remembering would pair later answers with wrong loads.
    if (skipped_ > 0 || count_ == kCapacity) {
      ++skipped_;
      return;
    }
    loads_[(head_ + count_) % kCapacity] = static_cast<std::uint16_t>(load);
    ++count_;
  }

  // The load the oldest request in flight was sent at, or kUnknown.
  int answered() {
    if (count_ > 0) {
      const int load = loads_[head_];
      head_ = (head_ + 1) % kCapacity;
      --count_;
      return load;
    }
    if (skipped_ > 0) --skipped_;
    return kUnknown;
  }

 private:
  std::array<std::uint16_t, kCapacity> loads_{};
  std::size_t head_ = 0;
  std::size_t count_ = 0;    // remembered loads, the oldest requests in flight
  std::size_t skipped_ = 0;  // requests in flight after them, not remembered
};

}  // namespace yoke::balancing
