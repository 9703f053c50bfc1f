// Set-up, the event loop, arrivals and the scenario's timeline. The model (docs/balancing.md):
// requests arrive at a random balancer node, the node's UpstreamBalancer picks a server with the
// policy under test, the server queues or serves the request, and the answer goes back through
// the same feedback calls the proxy makes.
#include "simulation_engine.h"

#include <cmath>

#include "simulation.h"
#include "yoke/balancing/random.h"

namespace yoke::sim {

double capacity(const Scenario& scenario) {
  double slots = 0;
  for (const ServerSpec& server : scenario.servers) {
    if (!server.backup) slots += server.slots * server.speed;
  }
  return slots / static_cast<double>(scenario.service_mean);
}

PolicyResult simulate(const Scenario& scenario, const PolicySpec& policy,
                      const balancing::PolicyFactory& factory, std::uint64_t seed) {
  SimulationEngine engine(scenario, policy, factory, seed);
  PolicyResult result = engine.run();
  result.label = policy.label();
  return result;
}

SimulationEngine::SimulationEngine(const Scenario& scenario, const PolicySpec& policy,
                                   const balancing::PolicyFactory& factory, std::uint64_t seed)
    : scenario_(scenario),
      policy_(policy),
      factory_(factory),
      seed_(seed),
      arrivals_(scenario.arrivals, scenario.load * capacity(scenario),
                Random(derive_seed(seed, Stream::kArrivals))),
      service_(scenario.service, static_cast<double>(scenario.service_mean)),
      keys_(scenario.keys),
      demand_random_(derive_seed(seed, Stream::kServiceDemand)),
      key_random_(derive_seed(seed, Stream::kKeys)),
      node_random_(derive_seed(seed, Stream::kNodes)),
      failure_random_(derive_seed(seed, Stream::kFailures)),
      members_(scenario.servers.size(), true),
      view_(static_cast<std::size_t>(scenario.nodes), scenario.servers.size(),
            scenario.shared_info_refresh == 0),
      measurements_(scenario.servers.size()) {
  expected_duration_ =
      static_cast<double>(scenario.requests) / (scenario.load * capacity(scenario));
  warmup_requests_ = static_cast<std::int64_t>(
      std::floor(scenario.warmup * static_cast<double>(scenario.requests)));
  servers_.reserve(scenario.servers.size());
  for (const ServerSpec& spec : scenario.servers) servers_.emplace_back(spec);
  environments_.resize(static_cast<std::size_t>(scenario.nodes));
  for (std::size_t node = 0; node < environments_.size(); ++node) {
    environments_[node].view = &view_;
    environments_[node].node = node;
  }
  generations_.resize(environments_.size());
  rebuild_generations();
}

PolicyResult SimulationEngine::run() {
  schedule_timeline();
  events_.push(arrivals_.next(), EventKind::kArrival);
  while (!events_.empty() && (arrived_ < scenario_.requests || outstanding_ > 0)) {
    const Event event = events_.pop();
    now_ = event.time;
    dispatch(event);
  }
  std::vector<bool> backup;
  for (const ServerSpec& server : scenario_.servers) backup.push_back(server.backup);
  return measurements_.finish(static_cast<double>(scenario_.service_mean), backup);
}

SimTime SimulationEngine::at_fraction(double fraction) const {
  return static_cast<SimTime>(std::llround(fraction * expected_duration_));
}

// Scheduled before the first arrival, so an event "at=0%" precedes every request.
void SimulationEngine::schedule_timeline() {
  for (std::size_t i = 0; i < scenario_.slowdowns.size(); ++i) {
    events_.push(at_fraction(scenario_.slowdowns[i].at), EventKind::kSlowdown,
                 static_cast<std::uint32_t>(i));
  }
  for (std::size_t i = 0; i < scenario_.failures.size(); ++i) {
    events_.push(at_fraction(scenario_.failures[i].from), EventKind::kFailStart,
                 static_cast<std::uint32_t>(i));
  }
  for (std::size_t i = 0; i < scenario_.membership.size(); ++i) {
    events_.push(at_fraction(scenario_.membership[i].at), EventKind::kMembership,
                 static_cast<std::uint32_t>(i));
  }
  // Each pausing server starts at its own random phase: real collectors are not synchronised.
  for (std::size_t i = 0; i < scenario_.pauses.size(); ++i) {
    Random phase(derive_seed(seed_, Stream::kPausePhases, i));
    const double first = phase.uniform() * static_cast<double>(scenario_.pauses[i].period);
    events_.push(static_cast<SimTime>(first), EventKind::kPauseStart,
                 static_cast<std::uint32_t>(i));
  }
  if (scenario_.nodes > 1 && scenario_.shared_info_refresh > 0) {
    events_.push(scenario_.shared_info_refresh, EventKind::kBoardRefresh);
  }
}

void SimulationEngine::dispatch(const Event& event) {
  switch (event.kind) {
    case EventKind::kArrival:
      return on_arrival();
    case EventKind::kServiceDone:
      return on_service_done(event.subject, event.detail);
    case EventKind::kFastFailDone:
      return end_attempt(event.subject, static_cast<Outcome>(event.detail));
    case EventKind::kPauseStart:
      return on_pause_start(event.subject);
    case EventKind::kPauseEnd:
      return on_pause_end(event.subject);
    case EventKind::kSlowdown: {
      const SlowdownEvent& slowdown = scenario_.slowdowns[event.subject];
      servers_[slowdown.server].speed /= slowdown.factor;
      return;
    }
    case EventKind::kFailStart: {
      const FailSpec& fail = scenario_.failures[event.subject];
      SimServer& server = servers_[fail.server];
      server.fail_probability = fail.probability;
      server.fail_kind = fail.kind;
      server.fail_latency = fail.latency;
      return;
    }
    case EventKind::kMembership: {
      const MembershipEvent& change = scenario_.membership[event.subject];
      members_[change.server] = change.add;
      return rebuild_generations();
    }
    case EventKind::kBoardRefresh:
      view_.refresh();
      return events_.push(now_ + scenario_.shared_info_refresh, EventKind::kBoardRefresh);
  }
}

void SimulationEngine::on_arrival() {
  const std::int64_t index = arrived_++;
  if (index == warmup_requests_) measurements_.open_window(now_, servers_);
  if (arrived_ < scenario_.requests) events_.push(arrivals_.next(), EventKind::kArrival);
  if (arrived_ == scenario_.requests) measurements_.close_window(now_, servers_);

  const RequestId id = allocate_request();
  Request& request = requests_[id];
  request.arrival = now_;
  request.demand = service_.sample(demand_random_);
  request.hash_key = keys_.enabled() ? keys_.sample(key_random_) : 0;
  request.node =
      scenario_.nodes > 1 ? node_random_.below(static_cast<std::uint64_t>(scenario_.nodes)) : 0;
  request.measured = index >= warmup_requests_;
  request.generation = generations_[request.node];
  request.tried.reset(request.generation->balancer.host_set().hosts.size());
  request.attempts = 0;
  ++outstanding_;
  start_attempt(id);
}

RequestId SimulationEngine::allocate_request() {
  if (free_requests_.empty()) {
    requests_.emplace_back();
    return static_cast<RequestId>(requests_.size() - 1);
  }
  const RequestId id = free_requests_.back();
  free_requests_.pop_back();
  return id;
}

// Every node gets new policy objects over the new member list, as Yoke builds them when an
// upstream changes; in-flight requests keep the generation they started on.
void SimulationEngine::rebuild_generations() {
  const std::uint64_t generation = generation_count_++;
  for (std::size_t node = 0; node < environments_.size(); ++node) {
    PolicyEnvironment& environment = environments_[node];
    environment.seed =
        derive_seed(seed_, Stream::kPolicies, generation * environments_.size() + node);
    environment.created = 0;
    // Yoke's own policies seed their generators from this process-wide sequence: restart it
    // here, or runs with the same --seed would draw differently (and depend on which other
    // policies ran before).
    balancing::seed_policy_random(environment.seed);
    generations_[node] = build_generation(scenario_, members_, factory_, policy_.args, environment);
  }
}

}  // namespace yoke::sim
