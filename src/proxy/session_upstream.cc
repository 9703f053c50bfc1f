// Phases "choose upstream" and "connect": balancing, attempts, retries (proxy_next_upstream)
// and the mapping of failures to 502 / 503 / 504.
#include <cerrno>
#include <cstring>

#include "client_session.h"
#include "worker.h"
#include "yoke/observe/error_log.h"

namespace yoke::proxy {

void ClientSession::begin_proxy(const http1::RequestHead& head) {
  const config::Location& location = *route_->config;
  if (head.body == http1::BodyKind::kChunked && location.proxy_http_version_minor == 0) {
    return respond_local(411, {}, true);  // HTTP/1.0 upstreams cannot take a chunked body
  }
  phase_ = Phase::kProxying;
  UpstreamRuntime& runtime = gen().upstream(upstream_index_);
  tried_.reset(runtime.balancer->host_set().hosts.size());
  attempts_ = 0;
  body_consumed_ = false;
  response_head_sent_ = false;
  forwarded_for_ = {};
  take_buffer(upstream_out_);
  send_continue_if_expected();
  current_head_ = &head;
  const router::UpstreamEntry& entry = gen().routes().upstreams()[upstream_index_];
  compute_hash_key(entry);
  compute_client_region(entry);
  affinity_ = entry.affinity.get();
  affinity_host_ = affinity_ != nullptr ? find_affinity_host() : nullptr;
  if (entry.retry_budget != nullptr) {
    entry.retry_budget->on_request(runtime.retry_budget, worker_.loop().now());
  }
  start_attempt();
}

// RFC 9110 §10.1.1: a client that sent "Expect: 100-continue" waits for a go-ahead before its
// body; we are about to read the body, so give it (once, and only if no body byte came yet).
void ClientSession::send_continue_if_expected() {
  if (!expect_continue_ || client_version_minor_ != 1 || client_in_->size() != head_size_) return;
  expect_continue_ = false;
  Buffer& out = *take_buffer(client_out_);
  out.append("HTTP/1.1 100 Continue\r\n\r\n");
  to_client_ = Outgoing{};
  to_client_.generated = &out;
}

void ClientSession::start_attempt() {
  UpstreamRuntime& runtime = gen().upstream(upstream_index_);
  balancing::LbContext context;
  context.now = worker_.loop().now();
  context.attempt = attempts_;
  context.hash_key = hash_key_;
  context.has_hash_key = has_hash_key_;
  context.client_region = client_region_;
  const balancing::Host* host = runtime.balancer->choose(context, tried_, affinity_host_);
  if (host == nullptr) {
    observe::log_line(observe::LogLevel::kError,
                      "no live upstreams while connecting to upstream \"" +
                          runtime.balancer->host_set().upstream + "\"");
    current_head_ = nullptr;
    return respond_local(attempts_ == 0 ? 503 : 502, {}, !request_body_.done());
  }
  tried_.mark(host->index);
  if (++attempts_ > 1) count_retry();
  if (!connect_attempt(*host)) return fail_to_connect(*host);
  runtime.balancer->on_request_start(*host, attempt_start_);
  if (!write_request_head()) {
    current_head_ = nullptr;
    return respond_local(500, {}, true);
  }
  current_head_ = nullptr;
  arm_upstream_timer();
  pump_proxying();
}

bool ClientSession::connect_attempt(const balancing::Host& host) {
  UpstreamRuntime& runtime = gen().upstream(upstream_index_);
  attempt_start_ = worker_.loop().now();
  header_latency_ = Microseconds(-1);
  attempt_status_ = 0;
  const config::ProxyPass& pass = *route_->config->proxy_pass;
  UpstreamConnection* connection =
      runtime.pool->take(host.index, pass.tls ? pass.tls_profile + 1 : 0);
  if (connection != nullptr) {
    connection->reused = true;
  } else {
    connection = UpstreamConnection::open(worker_, gen(), upstream_index_, host);
    if (connection == nullptr) return false;
    connection->reused = false;
    if (pass.tls && !start_upstream_tls(*connection)) return false;
  }
  connection->attach(this);
  upstream_ = connection;
  count_attempt_start();
  note_attempt_start(host, connection->reused);
  request_sent_ = false;
  upstream_eof_ = false;
  truncated_ = false;
  response_head_parsed_ = false;
  response_status_ = 0;
  // The request goes out again from its first byte.
  take_buffer(upstream_out_)->clear();
  to_upstream_ = Outgoing{};
  to_upstream_.generated = upstream_out_;
  to_upstream_.source = client_in_;
  to_upstream_.source_offset = head_size_;
  to_upstream_.consume_source = false;
  if (upstream_in_ != nullptr) upstream_in_->clear();
  return true;
}

// socket() or connect() failed at once (a unix socket nobody listens on, no file descriptors
// left): a failed attempt like a refused TCP connect, without a connection object.
void ClientSession::fail_to_connect(const balancing::Host& host) {
  int error = errno;
  observe::log_line(observe::LogLevel::kError,
                    std::string("connect() failed (") + std::strerror(error) +
                        ") while connecting to upstream \"" + host.name + "\" (" +
                        host.address.to_string() + "), client: " + remote_addr());
  auto& balancer = *gen().upstream(upstream_index_).balancer;
  balancer.on_request_start(host, worker_.loop().now());
  balancer.on_request_end(host, true, Microseconds(0), worker_.loop().now());
  count_attempt_failure(AttemptFailure::kError, host);
  note_failed_connect(host);
  if (may_retry(AttemptFailure::kError) && spend_retry_budget()) {
    reparse_head();
    return start_attempt();
  }
  current_head_ = nullptr;
  respond_local(502, {}, !request_body_.done());
}

bool ClientSession::may_retry(AttemptFailure failure) const {
  const config::NextUpstream& next = route_->config->next_upstream;
  if (next.off || body_consumed_ || response_head_sent_) return false;
  bool condition = (failure == AttemptFailure::kError && next.error) ||
                   (failure == AttemptFailure::kTimeout && next.timeout) ||
                   (failure == AttemptFailure::kInvalidHeader && next.invalid_header) ||
                   failure == AttemptFailure::kStatus;
  if (!condition) return false;
  // nginx: a non-idempotent request is not passed on once it was sent to a server.
  if (!idempotent_ && request_sent_ && !next.non_idempotent) return false;
  int tries = route_->config->next_upstream_tries;
  if (tries != 0 && attempts_ >= tries) return false;
  Milliseconds limit = route_->config->next_upstream_timeout;
  if (limit.count() != 0 && worker_.loop().now() - exchange_start_ >= limit) return false;
  return true;
}

// retry_budget (docs/resilience.md): asked last, once every other condition allows the retry,
// so a token is only spent on a retry that happens.
bool ClientSession::spend_retry_budget() {
  const router::UpstreamEntry& entry = gen().routes().upstreams()[upstream_index_];
  if (entry.retry_budget == nullptr) return true;
  UpstreamRuntime& runtime = gen().upstream(upstream_index_);
  if (entry.retry_budget->try_withdraw(runtime.retry_budget, worker_.loop().now())) return true;
  count_retry_budget_exhausted();
  return false;
}

void ClientSession::fail_attempt(AttemptFailure failure, std::string_view reason) {
  if (response_head_sent_ || upstream_ == nullptr) return close();
  UpstreamConnection& connection = *upstream_;
  const balancing::Host& host = connection.host();
  observe::log_line(observe::LogLevel::kError,
                    std::string(reason) + " while talking to upstream \"" + host.name + "\" (" +
                        host.address.to_string() + "), client: " + remote_addr());
  // A pooled connection the server closed before answering is not the server's fault:
  // try once more on a fresh connection to the same host (RFC 9112 §9.3.1 retry rule).
  bool stale = connection.reused && failure == AttemptFailure::kError && !response_head_parsed_ &&
               !body_consumed_ && (idempotent_ || !request_sent_);
  bool counts = failure != AttemptFailure::kStatus && !stale;
  if (!stale) count_attempt_failure(failure, host);
  note_attempt_failure(failure);
  finish_attempt(counts);
  release_upstream(false);
  if (stale) {
    if (!connect_attempt(host)) return fail_to_connect(host);
    gen().upstream(upstream_index_).balancer->on_request_start(host, attempt_start_);
    reparse_head();
    if (!write_request_head()) return respond_local(500, {}, true);
    current_head_ = nullptr;
    arm_upstream_timer();
    return pump_proxying();
  }
  if (may_retry(failure) && spend_retry_budget()) {
    reparse_head();
    return start_attempt();
  }
  respond_local(failure == AttemptFailure::kTimeout ? 504 : 502, {}, !request_body_.done());
}

// Feedback for the balancer: latency to the last byte and to the response head, which
// least_time header|last_byte and ewma learn from.
void ClientSession::finish_attempt(bool failed, bool aborted) {
  if (upstream_ == nullptr) return;
  balancing::AttemptOutcome outcome;
  outcome.failed = failed;
  outcome.aborted = aborted;
  outcome.now = worker_.loop().now();
  outcome.header_latency = header_latency_;
  outcome.status = attempt_status_;
  // A tunnel's (101) lifetime says nothing about the server's speed: its exchange, as far as
  // balancing is concerned, ends with the head.
  outcome.latency = response_status_ == 101 && header_latency_.count() >= 0
                        ? header_latency_
                        : std::chrono::duration_cast<Microseconds>(outcome.now - attempt_start_);
  gen().upstream(upstream_index_).balancer->on_request_end(upstream_->host(), outcome);
  count_attempt_end(outcome);
  note_attempt_end(outcome.latency);
}

// The attempt in progress ends without a complete exchange (close(), or a local answer while
// an upstream connection is attached). The balancer must still hear of it, or its count of
// requests in flight (max_conns, least_conn, ewma's stall age) would keep the request forever.
// A tunnel (101) that closes has completed its exchange.
void ClientSession::abandon_attempt() { finish_attempt(false, response_status_ != 101); }

void ClientSession::release_upstream(bool reusable) {
  upstream_timer_.cancel();
  if (upstream_ == nullptr) return;
  UpstreamConnection* connection = upstream_;
  upstream_ = nullptr;
  connection->attach(nullptr);
  const config::Upstream& config = *gen().routes().upstreams()[upstream_index_].config;
  ++connection->requests;
  // A retired generation (a reload or a stop since the exchange began) pools nothing more.
  if (reusable && config.keepalive > 0 && connection->requests < config.keepalive_requests &&
      !gen().retired()) {
    gen().upstream(upstream_index_).pool->put(connection, worker_.loop());
  } else {
    connection->close();
  }
}

void ClientSession::arm_upstream_timer() {
  if (upstream_ == nullptr) return;
  const config::Location& location = *route_->config;
  // Not connected: the TCP connect or the TLS handshake is in progress.
  Milliseconds timeout = !upstream_->connected ? location.proxy_connect_timeout
                         : to_upstream_.pending() && !upstream_->writable
                             ? location.proxy_send_timeout
                             : location.proxy_read_timeout;
  worker_.loop().arm(upstream_timer_, timeout);
}

}  // namespace yoke::proxy
