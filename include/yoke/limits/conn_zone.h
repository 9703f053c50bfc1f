#pragma once
// limit_conn_zone: requests in progress per key (ngx_http_limit_conn_module counts a request
// from its preaccess phase to its end), shared by every worker without a lock: the count is the
// slot's atomic word, raised with compare-and-swap only while it is below the limit. A slot is
// only ever given to another key while its count is zero, so a held slot stays the key's.
#include <cstdint>
#include <string>
#include <string_view>

#include "yoke/limits/keyed_slots.h"

namespace yoke::limits {

class ConnZone {
 public:
  ConnZone(std::string name, std::size_t bytes);

  // Counts one more request of key if fewer than limit are in progress: the slot to hand to
  // release() when it ends, or nullptr when the key is at its limit (or the zone is full: every
  // slot of the key's bucket held by requests in progress).
  KeyedSlot* acquire(std::string_view key, std::uint64_t limit);
  static void release(KeyedSlot* slot);

  // Requests in progress for key (0 when unknown); for tests and metrics.
  std::uint64_t count(std::string_view key);

  const std::string& name() const { return name_; }

 private:
  std::string name_;
  KeyedSlots slots_;
};

}  // namespace yoke::limits
