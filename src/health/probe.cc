#include "health/probe.h"

#include <sys/epoll.h>

#include "yoke/core/socket.h"

namespace yoke::health {

Probe::Probe(EventLoop& loop, const SocketAddress& target, Milliseconds timeout,
             CheckSchedule schedule, std::unique_ptr<Conversation> conversation,
             std::function<void(bool passed)> on_result, ProbeTls tls)
    : loop_(loop),
      target_(target),
      timeout_(timeout),
      schedule_(schedule),
      conversation_(std::move(conversation)),
      on_result_(std::move(on_result)),
      tls_(tls) {
  timer_.bind(this);
}

Probe::~Probe() { close_connection(); }

void Probe::start() { loop_.arm(timer_, schedule_.first_delay()); }

void Probe::stop() {
  stopped_ = true;
  timer_.cancel();
  close_connection();
  phase_ = Phase::kIdle;
}

void Probe::on_timer(Timer& /*timer*/) {
  if (phase_ == Phase::kIdle) {
    begin_check();
  } else {
    finish(false);  // timeout: connect, send or answer took longer than `timeout`
  }
}

void Probe::begin_check() {
  started_ = loop_.now();
  conversation_->begin();
  received_.clear();
  sent_ = 0;
  fd_ = start_connect(target_);
  if (fd_ < 0) return finish(false);
  if (!loop_.watch(fd_, this)) return finish(false);
  phase_ = Phase::kConnecting;
  loop_.arm(timer_, timeout_);
}

void Probe::on_io(std::uint32_t events) {
  // Readiness of a connection already closed in this iteration (Poller::unwatch) is ignored.
  if (phase_ == Phase::kIdle) return;
  if (phase_ == Phase::kConnecting) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    if (socket_error(fd_) != 0) return finish(false);
    if (tls_.contexts != nullptr) {
      ssl_ = tls_.contexts->connect(tls_.profile, fd_, nullptr);
      if (ssl_ == nullptr) return finish(false);
      phase_ = Phase::kHandshaking;
    } else if (!connected()) {
      return;
    }
  }
  if (phase_ == Phase::kHandshaking && (!handshake() || !connected())) return;
  if (!send_request()) return finish(false);
  receive();
}

bool Probe::connected() {
  phase_ = Phase::kExchanging;
  const Verdict verdict = conversation_->on_connected();
  if (verdict == Verdict::kMore) return true;
  finish(verdict == Verdict::kPass);
  return false;
}

// Any readiness moves the handshake on (it reads and writes as it needs); false while it
// waits or after it failed (the check failed: finished).
bool Probe::handshake() {
  const tls::HandshakeResult result = tls::handshake(ssl_);
  if (result.status == tls::HandshakeStatus::kDone) return true;
  if (result.status == tls::HandshakeStatus::kFailed) {
    SSL_set_quiet_shutdown(ssl_, 1);
    finish(false);
  }
  return false;
}

IoResult Probe::read(char* into, std::size_t capacity) {
  if (ssl_ == nullptr) return read_some(fd_, into, capacity);
  return tls::read(ssl_, into, capacity, tls_wait_);
}

IoResult Probe::write(const iovec* part) {
  if (ssl_ == nullptr) return write_some(fd_, part, 1);
  return tls::write(ssl_, part, 1, tls_wait_);
}

// Writes what is left of the request; false when the connection broke.
bool Probe::send_request() {
  const std::string_view request = conversation_->request();
  while (sent_ < request.size()) {
    iovec part{const_cast<char*>(request.data() + sent_), request.size() - sent_};
    const IoResult result = write(&part);
    if (result.kind == IoResult::Kind::kWouldBlock) return true;
    if (result.kind != IoResult::Kind::kDone) return false;
    sent_ += result.bytes;
  }
  return true;
}

// Reads until EAGAIN (edge-triggered), then asks the conversation for a verdict.
void Probe::receive() {
  bool peer_closed = false;
  char chunk[4096];
  while (received_.size() < kMaxReceived) {
    const IoResult result = read(chunk, sizeof chunk);
    if (result.kind == IoResult::Kind::kWouldBlock) break;
    if (result.kind == IoResult::Kind::kError) return finish(false);
    if (result.kind == IoResult::Kind::kClosed) {
      peer_closed = true;
      break;
    }
    received_.append(chunk, result.bytes);
  }
  if (received_.empty() && !peer_closed) return;
  // A buffer filled to the bound is judged as if the peer had closed: nothing more is read.
  const bool final = peer_closed || received_.size() >= kMaxReceived;
  const Verdict verdict = conversation_->on_received(received_, final);
  if (verdict != Verdict::kMore) return finish(verdict == Verdict::kPass);
  if (final) finish(false);
}

void Probe::finish(bool passed) {
  close_connection();
  phase_ = Phase::kIdle;
  timer_.cancel();
  if (stopped_) return;
  on_result_(passed);
  const auto elapsed = std::chrono::duration_cast<Milliseconds>(loop_.now() - started_);
  loop_.arm(timer_, schedule_.next_delay(elapsed));
}

void Probe::close_connection() {
  if (ssl_ != nullptr) {
    tls::shutdown(ssl_);
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ < 0) return;
  loop_.unwatch_closing(fd_);
  close_fd(fd_);
  fd_ = -1;
}

}  // namespace yoke::health
