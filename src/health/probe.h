#pragma once
// One recurring check of one host: at each scheduled time, a non-blocking connection to the
// target, the conversation's request, its verdict on the answer, all within `timeout`; then
// the result goes to the owner's callback and the next check is scheduled. Runs on the
// checker thread's EventLoop, never on a worker; each check uses a connection of its own.
// For an upstream that locations reach with proxy_pass https://, the check speaks TLS with the
// same profile (name, verification, client certificate): a handshake that fails fails the check.
#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <string>

#include "health/check_schedule.h"
#include "health/conversation.h"
#include "yoke/core/event_loop.h"
#include "yoke/core/socket_address.h"
#include "yoke/core/timer.h"
#include "yoke/tls/tls_io.h"
#include "yoke/tls/upstream_contexts.h"

namespace yoke::health {

// TLS for a probe: the checker's contexts (which outlive the probe) and the profile to use.
struct ProbeTls {
  tls::UpstreamContexts* contexts = nullptr;  // null: plain TCP
  std::size_t profile = 0;
};

class Probe final : public IoHandler, public TimerHandler {
 public:
  // on_result(passed) is called on the checker thread after every check.
  Probe(EventLoop& loop, const SocketAddress& target, Milliseconds timeout, CheckSchedule schedule,
        std::unique_ptr<Conversation> conversation, std::function<void(bool passed)> on_result,
        ProbeTls tls = {});
  ~Probe();
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // Schedules the first check. Call on the loop's thread, or before its thread starts.
  void start();
  // Closes a check in progress and stops scheduling (the loop is stopping).
  void stop();

  Conversation& conversation() { return *conversation_; }

  void on_io(std::uint32_t events) override;
  void on_timer(Timer& timer) override;

 private:
  enum class Phase { kIdle, kConnecting, kHandshaking, kExchanging };
  static constexpr std::size_t kMaxReceived = 512 * 1024;

  void begin_check();
  // After the TCP connect (and the TLS handshake, if any): false when the check finished.
  bool connected();
  bool handshake();
  IoResult read(char* into, std::size_t capacity);
  IoResult write(const iovec* part);
  bool send_request();
  void receive();
  void finish(bool passed);
  void close_connection();

  EventLoop& loop_;
  SocketAddress target_;
  Milliseconds timeout_;
  CheckSchedule schedule_;
  std::unique_ptr<Conversation> conversation_;
  std::function<void(bool)> on_result_;
  Timer timer_;  // the next check while idle, the timeout while a check runs
  Phase phase_ = Phase::kIdle;
  int fd_ = -1;
  TimePoint started_{};
  std::size_t sent_ = 0;
  std::string received_;
  bool stopped_ = false;
  ProbeTls tls_;
  SSL* ssl_ = nullptr;
  tls::CrossWait tls_wait_;
};

}  // namespace yoke::health
