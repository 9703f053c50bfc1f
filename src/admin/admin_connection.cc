#include "admin/admin_connection.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include "admin/admin_response.h"
#include "admin/admin_server.h"
#include "yoke/core/socket.h"
#include "yoke/http1/parser.h"

namespace yoke::admin {
namespace {

// Admin requests are short: a request line, Host, Authorization, Accept. A head above 16 KiB
// is refused (431) rather than buffered.
constexpr std::size_t kMaxHead = 16 * 1024;
constexpr std::size_t kMaxRequestLine = 4 * 1024;
// API requests carry a small JSON document (docs/admin-api.md); a larger body is refused with
// 413 before it is read.
constexpr std::size_t kMaxBody = 64 * 1024;
// Answers are produced while less than this is waiting to be sent, so a client that pipelines
// many scrapes and never reads cannot make the admin thread buffer without bound.
constexpr std::size_t kMaxPendingOutput = 1024 * 1024;
constexpr Milliseconds kHeadTimeout{10000};  // a head must arrive within this once begun
constexpr Milliseconds kSendTimeout{10000};  // a client must take our bytes within this
constexpr Milliseconds kIdleTimeout{60000};  // keep-alive between requests
constexpr Milliseconds kLingerTimeout{2000};
constexpr int kMaxRequestsPerConnection = 1000;

std::string_view field(const http1::RequestHead& head, std::string_view name) {
  for (std::size_t i = 0; i < head.header_count; ++i) {
    if (http1::iequals(head.headers[i].name, name)) return head.headers[i].value;
  }
  return {};
}

}  // namespace

AdminConnection::~AdminConnection() {
  if (fd_ >= 0) close_fd(fd_);
}

bool AdminConnection::start() {
  if (!server_.loop().watch(fd_, this)) return false;
  arm_timer();
  return true;
}

void AdminConnection::on_io(std::uint32_t events) {
  if (fd_ < 0) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) readable_ = true;
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) writable_ = true;
  if (lingering_) return linger();
  read_available();
  answer_requests();
  if (!flush()) return close();
  if (out_.empty() && peer_closed_) return close();
  if (out_.empty() && closing_) return linger();
  // Output drained below the bound: answer what was held back.
  if (!in_.empty() && !closing_) {
    answer_requests();
    if (!flush()) return close();
  }
  arm_timer();
}

void AdminConnection::on_timer(Timer& /*timer*/) { close(); }

// Closing with unread bytes in the socket makes the kernel send a reset, which can destroy the
// response before the client reads it (a 431 answered before the whole head arrived). So the
// write side is shut and what still comes is read and dropped until the client closes, for at
// most kLingerTimeout (nginx's lingering close).
void AdminConnection::linger() {
  if (!lingering_) {
    lingering_ = true;
    ::shutdown(fd_, SHUT_WR);
    server_.loop().arm(timer_, kLingerTimeout);
  }
  char discard[4096];
  for (;;) {
    IoResult result = read_some(fd_, discard, sizeof discard);
    if (result.kind == IoResult::Kind::kWouldBlock) return;
    if (result.kind != IoResult::Kind::kDone) return close();
  }
}

// Edge-triggered: read until EAGAIN, but never hold more than one maximal head and body.
void AdminConnection::read_available() {
  char chunk[4096];
  while (readable_ && in_.size() < kMaxHead + kMaxBody) {
    IoResult result = read_some(fd_, chunk, sizeof chunk);
    if (result.kind == IoResult::Kind::kDone) {
      in_.append(chunk, result.bytes);
    } else {
      readable_ = false;
      if (result.kind != IoResult::Kind::kWouldBlock) peer_closed_ = true;
    }
  }
}

void AdminConnection::answer_requests() {
  while (!closing_ && !in_.empty() && out_.size() - out_sent_ < kMaxPendingOutput) {
    if (!answer_one()) break;
  }
}

// Answers the request at the start of in_; false when its head is not complete yet.
bool AdminConnection::answer_one() {
  http1::Limits limits;
  limits.max_head = kMaxHead;
  limits.max_field_line = kMaxHead;
  limits.max_request_line = kMaxRequestLine;
  http1::RequestHead& head = server_.scratch_head();
  http1::ParseResult parsed = http1::parse_request_head(in_, limits, head);
  if (parsed.state == http1::ParseState::kError) {
    respond_error(parsed.status, std::string(parsed.reason));
    return false;
  }
  if (parsed.state == http1::ParseState::kIncomplete) {
    if (in_.size() >= kMaxHead) respond_error(431, "request head too large");
    return false;
  }
  // A body is framed by Content-Length only (RFC 9112 §6.2); chunked API bodies are refused
  // (411) rather than decoded, which keeps the framing this listener trusts to one rule.
  if (head.body == http1::BodyKind::kChunked) {
    respond_error(411, "length required: send the body with Content-Length");
    return false;
  }
  const std::size_t body_size = head.body == http1::BodyKind::kContentLength
                                    ? static_cast<std::size_t>(head.content_length)
                                    : 0;
  if (head.content_length > kMaxBody) {
    respond_error(413, "request body larger than " + std::to_string(kMaxBody) + " bytes");
    return false;
  }
  if (in_.size() < head.head_size + body_size) return false;  // the body is still arriving
  AdminRequest request{head.method,
                       head.path,
                       field(head, "authorization"),
                       field(head, "accept"),
                       std::string_view(in_).substr(head.head_size, body_size),
                       field(head, "content-type")};
  AdminResponse response = server_.router().handle(request);
  ++requests_;
  closing_ = !head.keep_alive || requests_ >= kMaxRequestsPerConnection;
  append_response(out_, response, head.method == "HEAD", closing_);
  in_.erase(0, head.head_size + body_size);
  return true;
}

void AdminConnection::respond_error(int status, const std::string& message) {
  closing_ = true;
  in_.clear();
  append_response(out_, text_response(status, std::to_string(status) + " " + message + "\n"), false,
                  true);
}

// Sends what it can; false when the socket failed.
bool AdminConnection::flush() {
  while (writable_ && out_sent_ < out_.size()) {
    iovec part{out_.data() + out_sent_, out_.size() - out_sent_};
    IoResult result = write_some(fd_, &part, 1);
    if (result.kind == IoResult::Kind::kWouldBlock) {
      writable_ = false;
    } else if (result.kind != IoResult::Kind::kDone) {
      return false;
    } else {
      out_sent_ += result.bytes;
    }
  }
  if (out_sent_ == out_.size()) {
    out_.clear();
    out_sent_ = 0;
  }
  return true;
}

// A head's timeout runs from its first byte and is not extended by more bytes (a client
// trickling a byte at a time cannot hold the connection, as with slowloris); the send timeout
// restarts whenever the client took bytes (we only get here on an event).
void AdminConnection::arm_timer() {
  Wait wait = !out_.empty() ? Wait::kSend : !in_.empty() ? Wait::kHead : Wait::kIdle;
  if (wait == wait_ && wait != Wait::kSend && timer_.armed()) return;
  wait_ = wait;
  Milliseconds timeout = wait == Wait::kSend   ? kSendTimeout
                         : wait == Wait::kHead ? kHeadTimeout
                                               : kIdleTimeout;
  server_.loop().arm(timer_, timeout);
}

void AdminConnection::close() {
  if (fd_ < 0) return;
  timer_.cancel();
  server_.loop().unwatch_closing(fd_);
  close_fd(fd_);
  fd_ = -1;
  server_.forget(this);
  server_.loop().retire(this);
}

}  // namespace yoke::admin
