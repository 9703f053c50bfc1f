// Phases "log and count" and "keep-alive or close", including the lingering close that keeps
// a response from being lost to a TCP reset (nginx's lingering_close).
#include <sys/socket.h>

#include "client_session.h"
#include "worker.h"
#include "yoke/core/socket.h"

namespace yoke::proxy {
namespace {
constexpr Milliseconds kLingeringTimeout{2000};
}

void ClientSession::finish_exchange() {
  bool proxied = upstream_ != nullptr;
  bool body_left = body_expected_ && !(proxied && request_body_.done());
  count_request();
  if (proxied) {
    bool reusable = upstream_keep_alive_ && response_body_.done() && request_body_.done() &&
                    !upstream_eof_ && (upstream_in_ == nullptr || upstream_in_->empty());
    finish_attempt(false);
    release_upstream(reusable);
  }
  write_access_log();
  // Drop this request's bytes; what remains is pipelined (or unread body) bytes.
  if (client_in_ != nullptr) {
    if (to_upstream_.source == client_in_ && !to_upstream_.consume_source) {
      client_in_->consume(to_upstream_.source_offset);
    } else if (to_upstream_.source == nullptr) {
      client_in_->consume(std::min(head_size_, client_in_->size()));
    }
  }
  bool more = client_may_send_more(body_left);
  pipelined_ = client_in_ != nullptr && !client_in_->empty();
  reset_for_next_request();
  if (close_after_ || client_eof_ || connection_->draining()) return more ? linger() : close();
  phase_ = Phase::kReadingHead;
  arm_client_timer();
}

void ClientSession::reset_for_next_request() {
  min_rate_.stop();
  if (conn_slot_count_ != 0) release_conn_limits();
  upstream_timer_.cancel();
  client_timer().cancel();
  to_client_ = Outgoing{};
  to_upstream_ = Outgoing{};
  request_body_.start(http1::BodyKind::kNone, 0, false);
  response_body_.start(http1::BodyKind::kNone, 0, false);
  return_buffer(client_out_);
  return_buffer(upstream_in_);
  return_buffer(upstream_out_);
  if (client_in_ != nullptr && client_in_->empty()) return_buffer(client_in_);
  route_ = nullptr;
  server_ = nullptr;
  response_head_sent_ = response_head_parsed_ = false;
  upstream_eof_ = truncated_ = false;
  response_status_ = 0;
  request_id_[0] = 0;
  trace_mode_ = config::TraceContext::kOff;
  expect_continue_ = upgrade_ = false;
}

// nginx's "lingering_close on" heuristic (ngx_http_finalize_connection): closing with unread
// bytes in the socket makes the kernel send a reset, which can destroy the response before the
// client reads it, so linger only when the client may still be sending — bytes not known to be
// drained, a request body not read to its end, pipelined requests — and close at once otherwise.
bool ClientSession::client_may_send_more(bool body_left) const {
  if (client_eof_) return false;
  return readable_ || body_left || (client_in_ != nullptr && !client_in_->empty());
}

// Half-closes our side and discards what the client still sends, so that unread bytes do not
// make the kernel answer with a reset that could destroy the response in flight.
void ClientSession::linger() {
  phase_ = Phase::kLingering;
  connection_->shutdown_write();
  return_buffer(client_in_);
  worker_.loop().arm(client_timer(), kLingeringTimeout);
  pump_lingering();
}

void ClientSession::pump_lingering() {
  char discard[4096];
  for (;;) {
    IoResult result = read_some(fd_, discard, sizeof discard);
    if (result.kind == IoResult::Kind::kDone) continue;
    if (result.kind == IoResult::Kind::kWouldBlock) return;
    return close();
  }
}

}  // namespace yoke::proxy
