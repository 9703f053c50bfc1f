#include "yoke/tls/ticket_key_ring.h"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace yoke::tls {

TicketKeys generate_ticket_keys() {
  TicketKeys keys{};
  if (RAND_bytes(keys.data(), static_cast<int>(keys.size())) != 1) {
    throw std::runtime_error("cannot generate TLS session ticket keys: " + drain_openssl_errors());
  }
  return keys;
}

void TicketKeyRing::add(const TicketKeys& keys) {
  newest_ = count_ == 0 ? 0 : (newest_ + 1) % kKept;
  keys_[newest_] = keys;
  count_ = std::min(count_ + 1, kKept);
}

const TicketKeys* TicketKeyRing::find(const unsigned char* name, bool& is_newest) const {
  for (std::size_t i = 0; i < count_; ++i) {
    const TicketKeys& keys = keys_[i];
    if (std::equal(keys.begin(), keys.begin() + kTicketKeyNameSize, name)) {
      is_newest = i == newest_;
      return &keys;
    }
  }
  return nullptr;
}

bool TicketKeyRotation::due(std::chrono::steady_clock::time_point now) {
  if (now < next_) return false;
  next_ = now + period_;
  return true;
}

}  // namespace yoke::tls
