#pragma once
// The discrete-event engine behind simulate(). Internal to sim/; its member functions are split
// by concern: simulation_engine.cc (set-up, the event loop, arrivals, timeline),
// simulation_attempts.cc (choosing, feedback, retries) and simulation_servers.cc (queues,
// service, pauses).
#include <cstdint>
#include <memory>
#include <vector>

#include "arrival_process.h"
#include "event_queue.h"
#include "generation.h"
#include "global_view.h"
#include "key_sampler.h"
#include "measurements.h"
#include "random.h"
#include "request.h"
#include "scenario.h"
#include "service_sampler.h"
#include "sim_server.h"

namespace yoke::sim {

class SimulationEngine {
 public:
  SimulationEngine(const Scenario& scenario, const PolicySpec& policy,
                   const balancing::PolicyFactory& factory, std::uint64_t seed);
  PolicyResult run();

 private:
  enum class Outcome { kSuccess, kStatusError, kReset };

  // simulation_engine.cc
  void schedule_timeline();
  void dispatch(const Event& event);
  void on_arrival();
  SimTime at_fraction(double fraction) const;
  void rebuild_generations();
  RequestId allocate_request();

  // simulation_attempts.cc
  void start_attempt(RequestId id);
  void end_attempt(RequestId id, Outcome outcome);
  bool may_retry(const Request& request) const;
  void complete(RequestId id, bool succeeded);

  // simulation_servers.cc
  void admit(RequestId id);
  void start_service(std::size_t server, RequestId id);
  void on_service_done(RequestId id, std::uint64_t epoch);
  void fill_slots(std::size_t server);
  void pause(std::size_t server);
  void resume(std::size_t server);
  void on_pause_start(std::uint32_t index);
  void on_pause_end(std::uint32_t index);

  const Scenario& scenario_;
  const PolicySpec& policy_;
  const balancing::PolicyFactory& factory_;
  std::uint64_t seed_;

  EventQueue events_;
  SimTime now_ = 0;
  double expected_duration_ = 0;  // requests / arrival rate, in nanoseconds
  std::int64_t warmup_requests_ = 0;

  ArrivalProcess arrivals_;
  ServiceSampler service_;
  KeySampler keys_;
  Random demand_random_;
  Random key_random_;
  Random node_random_;
  Random failure_random_;

  std::vector<SimServer> servers_;
  std::vector<bool> members_;
  GlobalView view_;
  std::vector<PolicyEnvironment> environments_;           // per node
  std::vector<std::shared_ptr<Generation>> generations_;  // per node, the current one
  std::uint64_t generation_count_ = 0;

  std::vector<Request> requests_;
  std::vector<RequestId> free_requests_;
  std::int64_t arrived_ = 0;
  std::int64_t outstanding_ = 0;
  Measurements measurements_;
};

}  // namespace yoke::sim
