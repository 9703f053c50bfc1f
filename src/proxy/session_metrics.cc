// Phase "count": what a session tells its worker's counters (docs/metrics.md). Each hook is one
// call from the phase where the fact is known; the cells are indexed by upstream and server
// position, so counting costs a few plain stores (observe/metric_cells.h).
#include "client_session.h"
#include "worker.h"

namespace yoke::proxy {
namespace {

Microseconds since(TimePoint start, TimePoint now) {
  return std::chrono::duration_cast<Microseconds>(now - start);
}

}  // namespace

// A finished exchange (finish_exchange), before the upstream connection is released: the
// server label is the server whose response was passed on, if any.
void ClientSession::count_request() {
  std::size_t upstream = observe::WorkerMetrics::kNone;
  std::size_t server = observe::WorkerMetrics::kNone;
  // A proxy_pass http://$variable whose value named no upstream counts under none.
  if (route_ != nullptr && route_->config->proxy_pass && upstream_named_)
    upstream = upstream_index_;
  if (upstream_ != nullptr && response_head_sent_) server = upstream_->host().index;
  TimePoint now = worker_.loop().now();
  gen().metrics().count_request(upstream, server, response_status_,
                                server_ != nullptr ? since(exchange_start_, now) : Microseconds(0));
}

// close() in the middle of an exchange: a tunnel that ended, a response cut off, a client that
// left. Counted with the status sent, or nginx's 499 when the client left before any.
void ClientSession::count_unfinished_request() {
  if (server_ == nullptr) return;  // between requests: nothing to count
  if (!response_head_sent_ && phase_ != Phase::kLocalResponse) response_status_ = 499;
  count_request();
}

// connect_attempt() got a connection (new or pooled) for the attempt.
void ClientSession::count_attempt_start() {
  observe::UpstreamCells& cells = gen().metrics().upstream(upstream_index_);
  cells.servers[upstream_->host().index].in_flight.add(1);
  if (upstream_->reused) cells.connections_reused.add();
}

// A new upstream connection was established.
void ClientSession::count_connected() {
  observe::ServerCells& cells = gen().metrics().server(upstream_index_, upstream_->host().index);
  cells.connect.observe(since(attempt_start_, worker_.loop().now()));
}

// The balancer heard the end of the attempt (finish_attempt): latencies of a complete exchange,
// 5xx answers, and the server's passive health as this worker's balancer now sees it.
void ClientSession::count_attempt_end(const balancing::AttemptOutcome& outcome) {
  const balancing::Host& host = upstream_->host();
  observe::ServerCells& cells = gen().metrics().server(upstream_index_, host.index);
  cells.in_flight.add(-1);
  if (!outcome.aborted && outcome.header_latency.count() >= 0) {
    cells.header.observe(outcome.header_latency);
    if (!outcome.failed) cells.last_byte.observe(outcome.latency);
  }
  if (outcome.status >= 500) {
    cells.failures[static_cast<std::size_t>(observe::FailureReason::kHttp5xx)].add();
  }
  publish_health(host, outcome.failed, outcome.now);
}

// A failure (re)starts fail_timeout in the balancer (max_fails reached); a success after the
// re-probe clears it. The admin thread compares the time with its own clock.
void ClientSession::publish_health(const balancing::Host& host, bool attempt_failed,
                                   TimePoint now) {
  observe::ServerCells& cells = gen().metrics().server(upstream_index_, host.index);
  // The common case, a success on a healthy server, costs one load: only a failure can make
  // the balancer see the server as failed, and a failure always leaves a deadline here.
  if (!attempt_failed && cells.failed_until_ns.value() == 0) return;
  const auto& balancer = *gen().upstream(upstream_index_).balancer;
  if (!balancer.is_failed(host, now)) {
    cells.failed_until_ns.set(0);
  } else if (attempt_failed) {
    cells.failed_until_ns.set((now + host.fail_timeout).time_since_epoch().count());
  }
}

// fail_attempt() / fail_to_connect(): why the attempt failed. 5xx answers are counted when the
// attempt ends (count_attempt_end), whether retried or passed on.
void ClientSession::count_attempt_failure(AttemptFailure failure, const balancing::Host& host) {
  observe::FailureReason reason = observe::FailureReason::kReset;
  if (failure == AttemptFailure::kStatus) return;
  if (failure == AttemptFailure::kTimeout) reason = observe::FailureReason::kTimeout;
  if (failure == AttemptFailure::kInvalidHeader) reason = observe::FailureReason::kInvalidHeader;
  if (failure == AttemptFailure::kError && (upstream_ == nullptr || !upstream_->connected)) {
    reason = observe::FailureReason::kConnectError;
  }
  observe::ServerCells& cells = gen().metrics().server(upstream_index_, host.index);
  cells.failures[static_cast<std::size_t>(reason)].add();
  // fail_to_connect() reports to the balancer itself: no finish_attempt follows.
  if (upstream_ == nullptr) publish_health(host, true, worker_.loop().now());
}

void ClientSession::count_retry() { gen().metrics().upstream(upstream_index_).retries.add(); }

void ClientSession::count_retry_budget_exhausted() {
  gen().metrics().upstream(upstream_index_).retry_budget_exhausted.add();
}

// close(): why the client connection goes, unless an earlier step said so.
void ClientSession::set_close_reason() {
  using Reason = observe::ClientCloseReason;
  Reason reason = Reason::kError;
  if (worker_.stopping()) {
    reason = Reason::kShutdown;
  } else if (client_eof_) {
    reason = Reason::kClientClosed;
  } else if (phase_ == Phase::kLingering || (close_after_ && server_ == nullptr)) {
    reason = Reason::kServerClosed;  // after a complete exchange (server_ is reset by then)
  }
  connection_->set_close_reason(reason);
}

// A client timer fired (header, body or send timeout) while a session was attached; the
// lingering close has its own end.
void ClientSession::count_client_timeout(const Timer& timer) {
  if (&timer == &upstream_timer_ || phase_ == Phase::kLingering) return;
  connection_->set_close_reason(observe::ClientCloseReason::kTimeout);
}

}  // namespace yoke::proxy
