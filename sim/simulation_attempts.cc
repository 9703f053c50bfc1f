// Choosing a server and feeding back the outcome, call for call as the proxy does it
// (src/proxy/session_upstream.cc and session_response.cc): choose() with the request's tried
// set, on_request_start() when the request is sent, on_request_end() with the attempt's latency
// and whether it counts as failed, then a retry on another server when the rule allows.
#include "simulation_engine.h"

namespace yoke::sim {

void SimulationEngine::start_attempt(RequestId id) {
  Request& request = requests_[id];
  Generation& generation = *request.generation;
  balancing::LbContext context;
  context.hash_key = request.hash_key;
  context.has_hash_key = keys_.enabled();
  context.now = to_time_point(now_);
  context.attempt = request.attempts;
  const balancing::Host* host = generation.balancer.choose(context, request.tried);
  // No eligible server: the proxy answers 503 (or 502 after a failed attempt).
  if (host == nullptr) return complete(id, false);

  request.tried.mark(host->index);
  ++request.attempts;
  request.host = host;
  request.attempt_start = now_;
  generation.balancer.on_request_start(*host, context.now);
  const std::size_t server = generation.server_of_host[host->index];
  request.server = server;
  if (request.measured) measurements_.attempt(server, request.attempts > 1);
  view_.add(request.node, server, 1);
  SimServer& target = servers_[server];
  target.change_load(now_, 1);

  // A fast-failing server answers at once, without queueing.
  if (target.fail_probability > 0 && failure_random_.uniform() < target.fail_probability) {
    const Outcome outcome =
        target.fail_kind == FailKind::kReset ? Outcome::kReset : Outcome::kStatusError;
    events_.push(now_ + target.fail_latency, EventKind::kFastFailDone, id,
                 static_cast<std::uint64_t>(outcome));
    return;
  }
  admit(id);
}

void SimulationEngine::end_attempt(RequestId id, Outcome outcome) {
  Request& request = requests_[id];
  view_.add(request.node, request.server, -1);
  servers_[request.server].change_load(now_, -1);
  upstream::UpstreamBalancer& balancer = request.generation->balancer;
  const balancing::Host& host = *request.host;
  const Microseconds latency = to_microseconds(now_ - request.attempt_start);
  const TimePoint now = to_time_point(now_);
  switch (outcome) {
    case Outcome::kSuccess:
      balancer.on_request_end(host, false, latency, now);
      return complete(id, true);
    case Outcome::kReset:
      // ClientSession::fail_attempt: an I/O error always counts toward max_fails; the request
      // is passed on when proxy_next_upstream has "error".
      balancer.on_request_end(host, true, latency, now);
      if (scenario_.retry.on_error && may_retry(request)) return start_attempt(id);
      return complete(id, false);
    case Outcome::kStatusError: {
      // session_response.cc: a 5xx counts as failed only when proxy_next_upstream lists it and
      // the request is retried (an untried host remains); otherwise it goes to the client and
      // the balancer sees an attempt that did not fail.
      const bool retry = scenario_.retry.on_http_5xx && may_retry(request) &&
                         request.tried.count() < balancer.host_set().hosts.size();
      // As the proxy reports it (ClientSession::finish_attempt): the 503 head arrived with the
      // answer, whether or not it counts as failed.
      balancing::AttemptOutcome reported;
      reported.failed = retry;
      reported.latency = latency;
      reported.header_latency = latency;
      reported.status = 503;
      reported.now = now;
      balancer.on_request_end(host, reported);
      if (retry) return start_attempt(id);
      return complete(id, false);
    }
  }
}

// ClientSession::may_retry, for an idempotent request whose body is replayable: only
// proxy_next_upstream_tries limits it (proxy_next_upstream_timeout is not modelled).
bool SimulationEngine::may_retry(const Request& request) const {
  return scenario_.retry.tries == 0 || request.attempts < scenario_.retry.tries;
}

void SimulationEngine::complete(RequestId id, bool succeeded) {
  Request& request = requests_[id];
  measurements_.request_done(request.measured, succeeded, now_ - request.arrival);
  request.generation.reset();  // lets an old generation go once its last request is done
  request.host = nullptr;
  free_requests_.push_back(id);
  --outstanding_;
}

}  // namespace yoke::sim
