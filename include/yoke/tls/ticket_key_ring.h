#pragma once
// Session-ticket keys of one worker, rotated: the newest key encrypts new tickets, the newest
// kKept keys decrypt, and a ticket under an older key is renewed (re-issued under the newest).
// New keys are made on the main thread (generate_ticket_keys) and handed to every worker
// through EventLoop::post, so all workers hold the same keys and a ticket resumes on any of
// them; a key is forgotten after kKept rotations, which bounds what a leaked key can decrypt
// (the reason to rotate, RFC 8446 §C.4 / RFC 5077 §5.5). Worker thread only.
#include <array>
#include <chrono>
#include <cstddef>

#include "yoke/tls/credentials.h"

namespace yoke::tls {

// New random key material (name, HMAC and AES secrets). Throws std::runtime_error if the
// random generator fails.
TicketKeys generate_ticket_keys();

class TicketKeyRing {
 public:
  // With a rotation period P and tickets that live at most P (ssl_session_timeout), a ticket
  // issued just before a rotation must still decrypt up to P after it: two keys suffice, the
  // third covers a rotation that arrives early.
  static constexpr std::size_t kKept = 3;

  explicit TicketKeyRing(const TicketKeys& first) { add(first); }
  // Makes keys the newest; the oldest beyond kKept is forgotten (overwritten).
  void add(const TicketKeys& keys);
  const TicketKeys& newest() const { return keys_[newest_]; }
  // The key whose name starts `name` (16 bytes), or null; is_newest tells whether tickets
  // under it are current.
  const TicketKeys* find(const unsigned char* name, bool& is_newest) const;
  std::size_t size() const { return count_; }

 private:
  std::array<TicketKeys, kKept> keys_{};
  std::size_t count_ = 0;
  std::size_t newest_ = 0;
};

// The main thread's clock for rotations: every `period`, a new key for all workers.
class TicketKeyRotation {
 public:
  TicketKeyRotation(std::chrono::milliseconds period, std::chrono::steady_clock::time_point now)
      : period_(period), next_(now + period) {}
  // True (once per period) when a new key is due at now.
  bool due(std::chrono::steady_clock::time_point now);

 private:
  std::chrono::milliseconds period_;
  std::chrono::steady_clock::time_point next_;
};

}  // namespace yoke::tls
