#include "health/probe.h"

#include <sys/epoll.h>

#include "yoke/core/socket.h"

namespace yoke::health {

Probe::Probe(EventLoop& loop, const SocketAddress& target, Milliseconds timeout,
             CheckSchedule schedule, std::unique_ptr<Conversation> conversation,
             std::function<void(bool passed)> on_result)
    : loop_(loop),
      target_(target),
      timeout_(timeout),
      schedule_(schedule),
      conversation_(std::move(conversation)),
      on_result_(std::move(on_result)) {
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
    phase_ = Phase::kExchanging;
    const Verdict verdict = conversation_->on_connected();
    if (verdict != Verdict::kMore) return finish(verdict == Verdict::kPass);
  }
  if (!send_request()) return finish(false);
  receive();
}

// Writes what is left of the request; false when the connection broke.
bool Probe::send_request() {
  const std::string_view request = conversation_->request();
  while (sent_ < request.size()) {
    iovec part{const_cast<char*>(request.data() + sent_), request.size() - sent_};
    const IoResult result = write_some(fd_, &part, 1);
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
    const IoResult result = read_some(fd_, chunk, sizeof chunk);
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
  if (fd_ < 0) return;
  loop_.unwatch_closing(fd_);
  close_fd(fd_);
  fd_ = -1;
}

}  // namespace yoke::health
