#include "demo/demo_connection.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>

namespace yoke::demo {
namespace {

// A head that does not fit here is answered 431; this also bounds the pipelined input kept while
// a long response streams.
constexpr size_t kMaxInput = 64 * 1024;
// Stop reading (and so stop echoing) once this much output waits for the client: back-pressure.
constexpr size_t kOutputHighWater = 1024 * 1024;
constexpr size_t kFillerSize = 256 * 1024;

// The source of every /bytes/N body: one static block written again and again, so a response of
// any size needs no allocation.
const char* filler_bytes() {
  static const std::array<char, kFillerSize> kFiller = [] {
    std::array<char, kFillerSize> bytes;
    bytes.fill('x');
    return bytes;
  }();
  return kFiller.data();
}

}  // namespace

DemoConnection::DemoConnection(int fd, std::uint64_t serial, DemoBackend& backend)
    : fd_(fd), serial_(serial), backend_(backend) {}

DemoConnection::~DemoConnection() { ::close(fd_); }

std::uint32_t DemoConnection::wanted_events() const {
  std::uint32_t events = 0;
  if (!peer_closed_ && phase_ != Phase::kClosing && in_.size() < kMaxInput &&
      out_pending() < kOutputHighWater) {
    events |= EPOLLIN;
  }
  if (write_blocked_) events |= EPOLLOUT;
  return events;
}

bool DemoConnection::take_delay_request() {
  bool requested = delay_requested_;
  delay_requested_ = false;
  return requested;
}

DemoConnection::Outcome DemoConnection::on_readable(char* scratch, size_t scratch_size) {
  size_t room = in_.empty() ? scratch_size : std::min(scratch_size, kMaxInput - in_.size());
  if (room == 0 || in_.size() >= kMaxInput) return pump();
  ssize_t n = ::read(fd_, scratch, room);
  if (n < 0) {
    return (errno == EAGAIN || errno == EINTR) ? Outcome::kKeep : Outcome::kClose;
  }
  if (n == 0) {
    peer_closed_ = true;
    return pump();
  }
  size_t size = static_cast<size_t>(n);
  // Fast path: whole requests are answered straight from the scratch buffer; only a leftover
  // piece is copied into in_.
  size_t used = (in_.empty() && can_consume()) ? consume(scratch, size) : 0;
  if (phase_ != Phase::kClosing) in_.append(scratch + used, size - used);
  return pump();
}

DemoConnection::Outcome DemoConnection::on_writable() {
  write_blocked_ = false;
  return pump();
}

DemoConnection::Outcome DemoConnection::on_delay_elapsed() {
  if (phase_ == Phase::kDelay) start_response();
  return pump();
}

DemoConnection::Outcome DemoConnection::pump() {
  for (;;) {
    bool could_consume = can_consume();
    size_t consumed = 0;
    if (could_consume && !in_.empty()) {
      consumed = consume(in_.data(), in_.size());
      in_.erase(0, consumed);
    }
    if (phase_ == Phase::kClosing) in_.clear();
    if (!flush()) return Outcome::kClose;
    if (phase_ == Phase::kClosing && out_pending() == 0) return Outcome::kClose;
    bool progressed = consumed > 0 || (!could_consume && can_consume());
    if (!progressed || in_.empty()) break;
  }
  // The client will send nothing more: once everything answerable is answered, close.
  bool waiting_for_input = phase_ == Phase::kHead || phase_ == Phase::kBody;
  if (peer_closed_ && waiting_for_input && out_pending() == 0) return Outcome::kClose;
  if (peer_closed_ && phase_ == Phase::kHang) return Outcome::kClose;
  return Outcome::kKeep;
}

bool DemoConnection::can_consume() const {
  return (phase_ == Phase::kHead || phase_ == Phase::kBody) && out_pending() < kOutputHighWater;
}

size_t DemoConnection::consume(const char* data, size_t size) {
  size_t pos = 0;
  while (pos < size && can_consume()) {
    size_t used = phase_ == Phase::kHead ? consume_head(data + pos, size - pos)
                                         : consume_body(data + pos, size - pos);
    if (used == 0) break;
    pos += used;
  }
  return pos;
}

size_t DemoConnection::consume_head(const char* data, size_t size) {
  // RFC 9112 §2.2: ignore empty lines received before the request line.
  if (size >= 2 && data[0] == '\r' && data[1] == '\n') return 2;
  const void* end = ::memmem(data, size, "\r\n\r\n", 4);
  if (end == nullptr) {
    if (size >= kMaxInput) {
      answer_error(431);
      return size;
    }
    return 0;
  }
  size_t head_size = static_cast<size_t>(static_cast<const char*>(end) - data) + 4;
  RequestHead head;
  if (!parse_request_head(std::string_view(data, head_size), head)) {
    answer_error(400);
    return size;
  }
  begin_request(head);
  return head_size;
}

size_t DemoConnection::consume_body(const char* data, size_t size) {
  if (framing_ == BodyFraming::kLength) {
    size_t take = static_cast<size_t>(std::min<std::uint64_t>(body_remaining_, size));
    take_body_bytes(data, take);
    body_remaining_ -= take;
    if (body_remaining_ == 0) finish_body();
    return take;
  }
  size_t used = chunked_.feed(
      data, size, [this](const char* bytes, size_t count) { take_body_bytes(bytes, count); });
  if (chunked_.failed()) {
    answer_error(400);
    return size;
  }
  if (chunked_.done()) finish_body();
  return used;
}

void DemoConnection::take_body_bytes(const char* data, size_t size) {
  if (route_.route != Route::kEcho) return;
  (streaming_echo_ ? out_ : echo_body_).append(data, size);
}

void DemoConnection::begin_request(const RequestHead& head) {
  route_ = match_route(head.target);
  head_only_ = head.method == "HEAD";
  keep_alive_ = head.keep_alive;
  minor_version_ = head.minor_version;
  framing_ = head.framing;
  body_remaining_ = head.content_length;
  chunked_.reset();
  echo_body_.clear();
  streaming_echo_ = false;
  if (!is_admin_route() && route_.route != Route::kHealth) ++backend_.requests;
  if (head.expect_continue && framing_ != BodyFraming::kNone && minor_version_ == 1) {
    out_.append("HTTP/1.1 100 Continue\r\n\r\n");  // RFC 9110 §10.1.1
  }
  phase_ = Phase::kBody;
  // An echo of known length streams: its head goes out now and each body byte as it arrives.
  if (route_.route == Route::kEcho && framing_ == BodyFraming::kLength && !head_only_ &&
      backend_.delay_ms == 0 && !backend_.failing && !backend_.hanging) {
    streaming_echo_ = true;
    append_response_head({.status = 200,
                          .backend_name = backend_.name,
                          .content_type = "application/octet-stream",
                          .content_length = head.content_length,
                          .keep_alive = keep_alive_,
                          .minor_version = minor_version_},
                         out_);
  }
  if (framing_ == BodyFraming::kNone) finish_body();
}

// /__stats and /__control are never delayed nor failed: a test must be able to read and undo
// what it set.
bool DemoConnection::is_admin_route() const {
  return route_.route == Route::kStats || route_.route == Route::kControl;
}

// /health answers at once too: its state is set only by /__control?health= (and hang=).
bool DemoConnection::is_exempt_from_delay() const {
  return is_admin_route() || route_.route == Route::kHealth;
}

void DemoConnection::finish_body() {
  if (backend_.delay_ms > 0 && !is_exempt_from_delay() && !backend_.failing && !backend_.hanging) {
    phase_ = Phase::kDelay;
    delay_requested_ = true;
    return;
  }
  start_response();
}

void DemoConnection::start_response() {
  if (streaming_echo_) return finish_response();
  if (route_.route == Route::kControl) return answer_control();
  if (backend_.hanging && !is_admin_route()) {
    phase_ = Phase::kHang;  // read, never answered: a server that accepts and then stalls
    return;
  }
  if (route_.route == Route::kHealth) return answer_health();
  if (backend_.failing && !is_admin_route()) return answer_failure();
  ResponseHead head{.status = 200,
                    .backend_name = backend_.name,
                    .content_type = "text/plain",
                    .content_length = 0,
                    .keep_alive = keep_alive_,
                    .minor_version = minor_version_};
  switch (route_.route) {
    case Route::kName:
      if (keep_alive_ && minor_version_ == 1 && !head_only_) {
        out_.append(backend_.name_response);
        break;
      }
      head.content_length = backend_.name.size() + 1;
      append_response_head(head, out_);
      if (!head_only_) out_.append(backend_.name).push_back('\n');
      break;
    case Route::kEcho:
      head.content_type = "application/octet-stream";
      head.content_length = echo_body_.size();
      append_response_head(head, out_);
      if (!head_only_) out_.append(echo_body_);
      std::string().swap(echo_body_);  // a large chunked upload should not pin its memory
      break;
    case Route::kControl:  // answered by answer_control()
    case Route::kHealth:   // answered by answer_health()
      break;
    case Route::kStats: {
      char json[96];
      int length = std::snprintf(json, sizeof(json), "{\"connections\":%llu,\"requests\":%llu}",
                                 static_cast<unsigned long long>(backend_.connections),
                                 static_cast<unsigned long long>(backend_.requests));
      head.content_type = "application/json";
      head.content_length = static_cast<std::uint64_t>(length);
      append_response_head(head, out_);
      if (!head_only_) out_.append(json, static_cast<size_t>(length));
      break;
    }
    case Route::kBytes:
      head.content_length = route_.byte_count;
      append_response_head(head, out_);
      if (!head_only_ && route_.byte_count > 0) {
        bytes_to_send_ = route_.byte_count;
        phase_ = Phase::kSendingBytes;
        return;
      }
      break;
  }
  finish_response();
}

// A fast failure: 500 at once, keep-alive kept (a server whose application fails, not one that
// drops connections).
void DemoConnection::answer_failure() {
  const std::string body = backend_.name + " failing\n";
  append_response_head({.status = 500,
                        .backend_name = backend_.name,
                        .content_type = "text/plain",
                        .content_length = head_only_ ? 0 : body.size(),
                        .keep_alive = keep_alive_,
                        .minor_version = minor_version_},
                       out_);
  if (!head_only_) out_.append(body);
  finish_response();
}

// /__control?delay_ms=N&fail=0|1 sets this backend's delay and failure mode and answers with
// the settings now in force; 400 when a parameter is not understood (nothing changes then).
void DemoConnection::answer_control() {
  if (route_.bad_control) {
    answer_error(400);
    return;
  }
  if (route_.delay_ms >= 0) backend_.delay_ms = route_.delay_ms;
  if (route_.fail >= 0) backend_.failing = route_.fail == 1;
  if (route_.hang >= 0) backend_.hanging = route_.hang == 1;
  if (route_.health >= 0) backend_.health = static_cast<HealthMode>(route_.health);
  if (route_.set_agent) backend_.agent_reply = route_.agent;
  static constexpr const char* kHealthNames[] = {"ok", "fail", "hang"};
  char json[384];
  const int length =
      std::snprintf(json, sizeof(json),
                    "{\"delay_ms\":%d,\"fail\":%d,\"hang\":%d,\"health\":\"%s\",\"agent\":\"%s\"}",
                    backend_.delay_ms, backend_.failing ? 1 : 0, backend_.hanging ? 1 : 0,
                    kHealthNames[static_cast<int>(backend_.health)], backend_.agent_reply.c_str());
  append_response_head({.status = 200,
                        .backend_name = backend_.name,
                        .content_type = "application/json",
                        .content_length = static_cast<std::uint64_t>(length),
                        .keep_alive = keep_alive_,
                        .minor_version = minor_version_},
                       out_);
  if (!head_only_) out_.append(json, static_cast<size_t>(length));
  finish_response();
}

// /health: 200 "ok", 500 when set to fail, never answered when set to hang.
void DemoConnection::answer_health() {
  if (backend_.health == HealthMode::kHang) {
    phase_ = Phase::kHang;
    return;
  }
  const bool ok = backend_.health == HealthMode::kOk;
  const std::string_view body = ok ? "ok\n" : "unhealthy\n";
  append_response_head({.status = ok ? 200 : 500,
                        .backend_name = backend_.name,
                        .content_type = "text/plain",
                        .content_length = head_only_ ? 0 : body.size(),
                        .keep_alive = keep_alive_,
                        .minor_version = minor_version_},
                       out_);
  if (!head_only_) out_.append(body);
  finish_response();
}

void DemoConnection::finish_response() { phase_ = keep_alive_ ? Phase::kHead : Phase::kClosing; }

void DemoConnection::answer_error(int status) {
  append_response_head({.status = status,
                        .backend_name = backend_.name,
                        .content_type = "text/plain",
                        .content_length = 0,
                        .keep_alive = false,
                        .minor_version = 1},
                       out_);
  phase_ = Phase::kClosing;
}

// Writes queued output, then /bytes/N filler, until the socket would block. Returns false when the
// connection is broken.
bool DemoConnection::flush() {
  for (;;) {
    iovec parts[2];
    int count = 0;
    if (out_pending() > 0) parts[count++] = {out_.data() + out_offset_, out_pending()};
    if (phase_ == Phase::kSendingBytes) {
      size_t filler = static_cast<size_t>(std::min<std::uint64_t>(bytes_to_send_, kFillerSize));
      parts[count++] = {const_cast<char*>(filler_bytes()), filler};
    }
    if (count == 0) return true;
    ssize_t written = ::writev(fd_, parts, count);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return false;
      write_blocked_ = true;
      return true;
    }
    size_t from_out = std::min(static_cast<size_t>(written), out_pending());
    out_offset_ += from_out;
    if (out_offset_ == out_.size()) {
      out_.clear();
      out_offset_ = 0;
    } else if (out_offset_ >= kOutputHighWater) {
      out_.erase(0, out_offset_);  // a client that never drains fully must not grow out_ forever
      out_offset_ = 0;
    }
    if (phase_ == Phase::kSendingBytes) {
      bytes_to_send_ -= static_cast<size_t>(written) - from_out;
      if (bytes_to_send_ == 0) finish_response();
    }
  }
}

}  // namespace yoke::demo
