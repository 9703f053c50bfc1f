#pragma once
// A simulated server: `slots` requests in service at once, the rest in a FIFO queue; a speed
// factor; optional stop-the-world pauses and fast failures. It also integrates its number of
// requests (queued + in service) over time for the load statistics.
#include <cstdint>
#include <deque>
#include <vector>

#include "request.h"
#include "scenario.h"
#include "sim_time.h"

namespace yoke::sim {

struct SimServer {
  explicit SimServer(const ServerSpec& spec) : slots(spec.slots), speed(spec.speed) {}

  bool can_start() const { return pause_depth == 0 && in_service.size() < slots_size(); }
  std::size_t slots_size() const { return static_cast<std::size_t>(slots); }

  // Requests at the server changed by delta at time now: close the current area slice.
  void change_load(SimTime now, int delta) {
    area += static_cast<double>(in_flight) * static_cast<double>(now - area_since);
    area_since = now;
    in_flight += delta;
  }

  int slots;
  double speed;
  int pause_depth = 0;
  std::uint64_t epoch = 0;  // bumped when a pause starts: scheduled completions become stale
  std::deque<RequestId> queue;
  std::vector<RequestId> in_service;

  double fail_probability = 0;
  FailKind fail_kind = FailKind::kStatus;
  SimTime fail_latency = 0;

  int in_flight = 0;  // queued + in service + failing fast
  double area = 0;    // ∫ in_flight dt, in request·nanoseconds
  SimTime area_since = 0;
};

}  // namespace yoke::sim
