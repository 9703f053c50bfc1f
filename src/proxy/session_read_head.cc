// Phase "read request head" and the session's life between requests.
#include <sys/epoll.h>

#include "client_session.h"
#include "worker.h"
#include "yoke/core/socket.h"
#include "yoke/http1/head_end.h"
#include "yoke/http1/parser.h"
#include "yoke/observe/error_log.h"
#include "yoke/router/uri.h"

namespace yoke::proxy {

ClientSession::ClientSession(Worker& worker) : worker_(worker) { upstream_timer_.bind(this); }

ClientSession::~ClientSession() {
  return_buffer(client_in_);
  return_buffer(client_out_);
  return_buffer(upstream_in_);
  return_buffer(upstream_out_);
}

// A session comes from the pool either new or idle (reset_for_next_request() ran), so only the
// connection's own facts need setting here.
void ClientSession::attach(ClientConnection& connection) {
  connection_ = &connection;
  generation_ = &connection.generation();
  fd_ = connection.fd();
  listener_ = connection.listener();
  peer_ = connection.peer();
  server_port_ = gen().routes().listeners()[listener_].listen.address.port();
  remote_addr_.clear();
  pipelined_ = false;
  phase_ = Phase::kReadingHead;
  readable_ = client_hung_up_ = client_eof_ = head_started_ = false;
  close_after_ = connection.draining();
  writable_ = true;
  head_scanned_ = 0;
}

void ClientSession::on_io(std::uint32_t events) {
  if (events == 0) scheduled_ = false;  // the loop's scheduled call, see schedule_continue()
  if (phase_ == Phase::kClosed) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) readable_ = true;
  if (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) client_hung_up_ = true;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) writable_ = true;
  pump();
  settle();
}

void ClientSession::settle() {
  if (phase_ == Phase::kClosed) return worker_.sessions().release(this, true);
  if (!idle()) return;
  connection_->detach();
  connection_ = nullptr;
  worker_.sessions().release(this, false);
}

// Between requests with nothing buffered, nothing pending and the keep-alive (or first-header)
// timer running on the connection.
bool ClientSession::idle() const {
  return phase_ == Phase::kReadingHead && !head_started_ && !scheduled_ && !client_eof_ &&
         client_in_ == nullptr && client_out_ == nullptr && upstream_in_ == nullptr &&
         upstream_out_ == nullptr && upstream_ == nullptr && !upstream_timer_.armed();
}

const std::string& ClientSession::remote_addr() const {
  if (remote_addr_.empty()) remote_addr_ = peer_.host_text();
  return remote_addr_;
}

// Runs phases until one waits for I/O. A phase that ends (a response finished, a pipelined
// request is next) hands over by changing phase_; the loop, not recursion, moves on.
void ClientSession::pump() {
  for (int step = 0; step < 4096; ++step) {
    Phase before = phase_;
    switch (phase_) {
      case Phase::kReadingHead:
        pump_reading_head();
        break;
      case Phase::kPrefetchingBody:
        pump_prefetch();
        break;
      case Phase::kProxying:
        pump_proxying();
        break;
      case Phase::kTunnel:
        pump_tunnel();
        break;
      case Phase::kLocalResponse:
        pump_local_response();
        break;
      case Phase::kDelayed:  // waits for its timer, reading nothing meanwhile
        return;
      case Phase::kLingering:
        pump_lingering();
        break;
      case Phase::kClosed:
        return;
    }
    if (phase_ == before) return;
  }
  schedule_continue();  // many pipelined requests: let other connections run first
}

void ClientSession::schedule_continue() {
  if (scheduled_ || phase_ == Phase::kClosed) return;
  scheduled_ = true;
  worker_.loop().schedule(this);
}

Buffer* ClientSession::take_buffer(Buffer*& slot) {
  if (slot == nullptr) slot = worker_.buffers().acquire();
  return slot;
}

void ClientSession::return_buffer(Buffer*& slot) {
  worker_.buffers().release(slot);
  slot = nullptr;
}

// Reads what the client sent into client_in_. Returns true when bytes arrived.
bool ClientSession::read_client() {
  if (!readable_ || client_eof_) return false;
  Buffer& in = *take_buffer(client_in_);
  if (in.writable() == 0) in.compact();
  if (in.writable() == 0) return false;
  std::size_t room = in.writable();
  IoResult result = connection_->read(in.write_position(), room);
  if (result.kind == IoResult::Kind::kDone) {
    in.commit(result.bytes);
    if (drained(result, room, client_hung_up_)) readable_ = false;
    if (min_rate_.active() && !min_rate_.keeps_up(result.bytes, worker_.loop().now()))
        [[unlikely]] {
      return fall_behind_min_rate();
    }
    return true;
  }
  if (result.kind == IoResult::Kind::kWouldBlock) {
    readable_ = false;
  } else {
    client_eof_ = true;
    readable_ = false;
  }
  return false;
}

// client_min_rate: the client is treated as gone (its bytes stay unread), so whichever phase
// reads it closes the connection as it would at an end of stream; no answer is sent to a
// client that may not even read it.
bool ClientSession::fall_behind_min_rate() {
  observe::log_line(observe::LogLevel::kInfo,
                    "client " + remote_addr() + " sent below client_min_rate, closing");
  min_rate_.stop();
  connection_->set_close_reason(observe::ClientCloseReason::kTimeout);
  gen().metrics().min_rate_closed.add();
  client_eof_ = true;
  readable_ = false;
  return false;
}

void ClientSession::pump_reading_head() {
  for (;;) {
    bool got = read_client();
    if (client_in_ == nullptr || client_in_->empty()) {
      if (client_eof_) return close();
      // Idle between requests: hold no buffer (RSS per idle connection). The keep-alive or
      // first-header timer already runs on the connection; a wake-up without bytes must not
      // extend it.
      if (!got) {
        return_buffer(client_in_);
        if (!client_timer().armed()) arm_client_timer();
        return;
      }
      continue;
    }
    if (!head_started_) {
      head_started_ = true;
      arm_client_timer();
      const auto& rate = gen().routes().listeners()[listener_].default_server->config;
      min_rate_.start(rate->client_min_rate, worker_.loop().now());
      min_rate_.keeps_up(client_in_->size(), worker_.loop().now());
    }
    const auto& server = *gen().routes().listeners()[listener_].default_server->config;
    http1::Limits limits;
    limits.max_field_line = server.large_header_buffer_size;
    limits.max_head = std::min<std::size_t>(
        server.large_header_buffer_size * server.large_header_buffers, client_in_->capacity());
    limits.max_request_line = server.large_header_buffer_size;
    // Parse only when the new bytes may complete the head or cross a limit: re-parsing after
    // every read of a trickling head would cost O(n^2) (a slowloris CPU attack).
    std::size_t size = client_in_->size();
    bool worth_parsing =
        head_scanned_ == 0 || size >= limits.max_head ||
        (head_scanned_ <= limits.max_request_line && size > limits.max_request_line) ||
        http1::find_possible_head_end(client_in_->readable(), head_scanned_) != 0;
    head_scanned_ = size;
    http1::RequestHead& head = worker_.scratch().request;
    http1::ParseResult parsed{};
    if (worth_parsing) parsed = http1::parse_request_head(client_in_->readable(), limits, head);
    if (parsed.state == http1::ParseState::kComplete) return handle_head(head);
    if (parsed.state == http1::ParseState::kError) {
      observe::log_line(
          observe::LogLevel::kInfo,
          "client " + remote_addr() + " sent invalid request: " + std::string(parsed.reason));
      return respond_local(parsed.status, {}, true);
    }
    if (client_in_->size() >= client_in_->capacity()) return respond_local(431, {}, true);
    if (client_eof_) return close();
    if (!got && !readable_) return;
  }
}

void ClientSession::arm_client_timer() {
  if (phase_ != Phase::kReadingHead) return;
  const auto& server = *gen().routes().listeners()[listener_].default_server->config;
  bool waiting_for_head = head_started_ || connection_->requests() == 0;
  worker_.loop().arm(client_timer(),
                     waiting_for_head ? server.client_header_timeout : keepalive_timeout_);
}

void ClientSession::on_timer(Timer& timer) {
  if (phase_ == Phase::kClosed) return;
  handle_timeout(timer);
  settle();
}

void ClientSession::handle_timeout(Timer& timer) {
  count_client_timeout(timer);
  if (&timer == &upstream_timer_ && phase_ == Phase::kDelayed) {
    resume_delayed();
  } else if (&timer == &upstream_timer_) {
    fail_attempt(AttemptFailure::kTimeout, "upstream timed out");
  } else if (phase_ == Phase::kPrefetchingBody ||
             (phase_ == Phase::kReadingHead && head_started_)) {
    // client_body_timeout, or client_header_timeout: nginx closes without a response there;
    // answering 408 tells the client what happened, which is what RFC 9110 §15.5.9 is for.
    respond_local(408, {}, true);
  } else {
    if (phase_ == Phase::kProxying) {
      observe::log_line(observe::LogLevel::kInfo, "client " + remote_addr() +
                                                      " timed out (send_timeout) while sending "
                                                      "the response");
    }
    return close();
  }
  // A retry on a pooled connection gets no new readiness event: move it along now.
  pump();
}

// The connection drains (ClientConnection::drain): between requests the wait shortens to the
// grace; a request in progress, or one that arrives, is answered with Connection: close.
void ClientSession::on_drain() {
  close_after_ = true;
  if (phase_ == Phase::kReadingHead && !head_started_) {
    worker_.loop().arm(client_timer(), kDrainIdleGrace);
  }
  settle();
}

void ClientSession::abort() {
  close();
  settle();
}

// The connection goes; the session itself returns to the pool in settle().
void ClientSession::close() {
  if (phase_ == Phase::kClosed) return;
  count_unfinished_request();
  if (server_ != nullptr) write_access_log();  // a request cut off mid-exchange (nginx logs it)
  set_close_reason();
  phase_ = Phase::kClosed;
  if (conn_slot_count_ != 0) release_conn_limits();
  upstream_timer_.cancel();
  if (upstream_ != nullptr) {
    abandon_attempt();
    upstream_->close();
    upstream_ = nullptr;
  }
  if (scheduled_) worker_.loop().unschedule(this);
  scheduled_ = false;
  connection_->close();
  connection_ = nullptr;
  fd_ = -1;
}

}  // namespace yoke::proxy
