// Phases "send request", "read response head" and "stream bodies": both directions move at
// once (an upstream may answer before the upload ends), each with back-pressure: a side
// whose peer cannot take more bytes stops reading, so memory stays bounded by the buffers.
#include <sys/epoll.h>

#include <cstring>

#include "client_session.h"
#include "worker.h"
#include "yoke/core/socket.h"
#include "yoke/http1/parser.h"

namespace yoke::proxy {
namespace {
std::size_t pending_bytes(const Outgoing& out) {
  return out.source_length + (out.generated != nullptr ? out.generated->size() : 0);
}

}  // namespace

void ClientSession::pump_proxying() {
  const std::size_t unsent_before = pending_bytes(to_client_);
  // Bounded for fairness; a session still making progress at the bound is scheduled again.
  for (int round = 0; phase_ == Phase::kProxying; ++round) {
    if (round == kRoundsPerTurn) {
      schedule_continue();
      break;
    }
    bool progress = pump_request();
    if (phase_ != Phase::kProxying) return;
    progress = pump_response() || progress;
    if (phase_ != Phase::kProxying) return;
    if (!response_head_parsed_ && to_client_.pending()) {
      // "100 Continue" for a client that waits before sending its body.
      if (!flush(fd_, to_client_, writable_)) return close();
    }
    if (!progress) break;
  }
  if (phase_ != Phase::kProxying) return;
  arm_upstream_timer();
  arm_send_timeout(pending_bytes(to_client_) != unsent_before);
}

// send_timeout (ngx_http_core_module): while response bytes wait for a client that does not
// take them, the client timer runs; every write that moves bytes starts it again, so it bounds
// the time between two successful writes, as nginx's does. A client that stops reading is
// closed after it instead of holding the upstream connection until proxy_read_timeout.
void ClientSession::arm_send_timeout(bool wrote) {
  if (!to_client_.pending() || writable_) {
    client_timer().cancel();
    return;
  }
  if (wrote || !client_timer().armed()) {
    worker_.loop().arm(client_timer(), route_->config->send_timeout);
  }
}

bool ClientSession::pump_request() {
  if (upstream_ == nullptr) return false;
  UpstreamConnection& up = *upstream_;
  bool progress = false;
  if (!up.connected) {
    if (!up.writable) return false;
    if (int error = socket_error(up.fd()); error != 0) {
      fail_attempt(AttemptFailure::kError,
                   std::string("connect() failed (") + std::strerror(error) + ")");
      return true;
    }
    up.connected = true;
    count_connected();
    note_attempt_connected();
    progress = true;
  }
  if (!request_body_.done()) {
    Buffer& in = *client_in_;
    if (in.writable() == 0 && !to_upstream_.consume_source && to_upstream_.source_offset > 0) {
      // The buffer is full of bytes already sent: drop them. From here on the request can no
      // longer be replayed to another server.
      in.consume(to_upstream_.source_offset);
      to_upstream_.source_offset = 0;
      to_upstream_.consume_source = true;
      body_consumed_ = true;
    }
    progress = read_client() || progress;
    BodyRelay::Result relayed = request_body_.relay(to_upstream_);
    if (relayed == BodyRelay::Result::kError) {
      respond_local(400, {}, true);
      return true;
    }
    if (relayed == BodyRelay::Result::kDone) min_rate_.stop();  // the body is in
    progress =
        progress || relayed == BodyRelay::Result::kProgress || relayed == BodyRelay::Result::kDone;
    std::uint64_t limit = route_->config->client_max_body_size;
    if (limit != 0 && to_upstream_.body_bytes > limit && !response_head_sent_) {
      respond_local(413, {}, true);  // a chunked body grew past client_max_body_size
      return true;
    }
    if (client_eof_ && !request_body_.done()) {
      close();  // the client went away in the middle of its request
      return true;
    }
  }
  if (to_upstream_.pending() && up.writable) {
    std::size_t before = pending_bytes(to_upstream_);
    if (!flush(up.fd(), to_upstream_, up.writable)) {
      if (response_head_parsed_) {
        to_upstream_ = Outgoing{};  // the server answered and stopped reading: stop sending
        close_after_ = true;
        return true;
      }
      fail_attempt(AttemptFailure::kError, "send() failed");
      return true;
    }
    if (pending_bytes(to_upstream_) != before) {
      request_sent_ = true;
      progress = true;
    }
  }
  return progress;
}

bool ClientSession::read_upstream() {
  UpstreamConnection& up = *upstream_;
  if (!up.readable || upstream_eof_) return false;
  Buffer& in = *take_buffer(upstream_in_);
  if (in.writable() == 0) in.compact();
  if (in.writable() == 0) return false;
  std::size_t room = in.writable();
  IoResult result = read_some(up.fd(), in.write_position(), room);
  if (result.kind == IoResult::Kind::kDone) {
    in.commit(result.bytes);
    if (drained(result, room, up.hung_up)) up.readable = false;
    return true;
  }
  up.readable = false;
  if (result.kind != IoResult::Kind::kWouldBlock) upstream_eof_ = true;
  return result.kind != IoResult::Kind::kWouldBlock;
}

bool ClientSession::pump_response() {
  if (upstream_ == nullptr || !upstream_->connected) return false;
  bool progress = read_upstream();
  if (!response_head_parsed_) {
    if (upstream_in_ != nullptr && !upstream_in_->empty() && parse_response_head()) return true;
    if (phase_ != Phase::kProxying || upstream_ == nullptr) return true;
    if (upstream_eof_ && !response_head_parsed_) {
      fail_attempt(AttemptFailure::kError, "upstream prematurely closed connection");
      return true;
    }
    if (!response_head_parsed_) return progress;
  }
  if (phase_ != Phase::kProxying) return true;
  BodyRelay::Result relayed = response_body_.relay(to_client_);
  if (relayed == BodyRelay::Result::kError) {
    close();  // the head is out: the only honest signal left is to cut the connection
    return true;
  }
  progress = progress || relayed == BodyRelay::Result::kProgress;
  if (upstream_eof_ && !response_body_.done() && upstream_in_->size() == to_client_.source_length) {
    if (!response_body_.finish_at_eof(to_client_)) truncated_ = true;
  }
  std::size_t before = pending_bytes(to_client_);
  if (!flush(fd_, to_client_, writable_)) {
    close();
    return true;
  }
  progress = progress || pending_bytes(to_client_) != before;
  if (to_client_.pending()) return progress;
  if (truncated_) {
    close();  // RFC 9112 §8: an incomplete response must not look complete
    return true;
  }
  if (response_body_.done()) {
    finish_exchange();
    return true;
  }
  return progress;
}

void ClientSession::on_upstream_io(std::uint32_t events) {
  if (phase_ == Phase::kClosed || upstream_ == nullptr) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) upstream_->readable = true;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) upstream_->hung_up = true;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) upstream_->writable = true;
  pump();
  settle();
}

}  // namespace yoke::proxy
