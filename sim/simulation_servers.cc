// Servers: a FIFO queue in front of `slots` parallel service positions (an M/G/c station when
// arrivals are Poisson), speed factors, and stop-the-world pauses during which nothing starts or
// progresses (a pause delays every request in service by the pause's length).
#include <algorithm>
#include <cmath>

#include "simulation_engine.h"

namespace yoke::sim {

void SimulationEngine::admit(RequestId id) {
  const std::size_t index = requests_[id].server;
  SimServer& server = servers_[index];
  if (server.can_start() && server.queue.empty()) return start_service(index, id);
  server.queue.push_back(id);
}

void SimulationEngine::start_service(std::size_t index, RequestId id) {
  SimServer& server = servers_[index];
  Request& request = requests_[id];
  server.in_service.push_back(id);
  // A slowdown applies to requests that start after it.
  const auto duration = std::max<SimTime>(1, std::llround(request.demand / server.speed));
  request.service_end = now_ + duration;
  events_.push(request.service_end, EventKind::kServiceDone, id, server.epoch);
}

void SimulationEngine::on_service_done(RequestId id, std::uint64_t epoch) {
  const std::size_t index = requests_[id].server;
  SimServer& server = servers_[index];
  // A completion scheduled before a pause is stale: the pause rescheduled it for later.
  if (epoch != server.epoch) return;
  const auto found = std::find(server.in_service.begin(), server.in_service.end(), id);
  if (found == server.in_service.end()) return;
  *found = server.in_service.back();
  server.in_service.pop_back();
  end_attempt(id, Outcome::kSuccess);
  fill_slots(index);
}

void SimulationEngine::fill_slots(std::size_t index) {
  SimServer& server = servers_[index];
  while (server.can_start() && !server.queue.empty()) {
    const RequestId next = server.queue.front();
    server.queue.pop_front();
    start_service(index, next);
  }
}

void SimulationEngine::pause(std::size_t index) {
  SimServer& server = servers_[index];
  if (++server.pause_depth > 1) return;
  ++server.epoch;
  for (const RequestId id : server.in_service) {
    requests_[id].remaining = requests_[id].service_end - now_;
  }
}

void SimulationEngine::resume(std::size_t index) {
  SimServer& server = servers_[index];
  if (--server.pause_depth > 0) return;
  for (const RequestId id : server.in_service) {
    Request& request = requests_[id];
    request.service_end = now_ + request.remaining;
    events_.push(request.service_end, EventKind::kServiceDone, id, server.epoch);
  }
  fill_slots(index);
}

void SimulationEngine::on_pause_start(std::uint32_t index) {
  const PauseSpec& spec = scenario_.pauses[index];
  pause(spec.server);
  events_.push(now_ + spec.duration, EventKind::kPauseEnd, index);
}

void SimulationEngine::on_pause_end(std::uint32_t index) {
  const PauseSpec& spec = scenario_.pauses[index];
  resume(spec.server);
  events_.push(now_ - spec.duration + spec.period, EventKind::kPauseStart, index);
}

}  // namespace yoke::sim
