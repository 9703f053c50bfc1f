#pragma once
// A simulated client request and its current attempt.
#include <cstdint>
#include <memory>

#include "generation.h"
#include "sim_time.h"
#include "yoke/balancing/host_set.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::sim {

using RequestId = std::uint32_t;

struct Request {
  SimTime arrival = 0;
  double demand = 0;  // service time on a server of speed 1, in nanoseconds
  std::uint64_t hash_key = 0;
  std::size_t node = 0;
  bool measured = false;  // arrived after the warm-up
  std::shared_ptr<Generation> generation;
  upstream::TriedHosts tried;
  int attempts = 0;
  // The current attempt.
  const balancing::Host* host = nullptr;
  std::size_t server = 0;
  SimTime attempt_start = 0;
  SimTime service_end = 0;  // while in service
  SimTime remaining = 0;    // service left when its server paused
};

}  // namespace yoke::sim
