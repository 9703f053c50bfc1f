#pragma once
// One worker's TLS handshake figures, for a metrics endpoint: completions (and how many
// resumed), a duration histogram, and failures by reason. The worker is the only writer
// (relaxed load + store: no locked instruction on the handshake path); any thread may read.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "yoke/core/clock.h"

namespace yoke::tls {

enum class HandshakeFailure : std::uint8_t {
  kClosed,        // the client closed or reset during the handshake (port probes, aborts)
  kProtocol,      // no common protocol version, cipher or signature algorithm
  kRejectedName,  // ssl_reject_handshake refused the name
  kPlainHttp,     // an HTTP request on a TLS port (answered with 400)
  kTimeout,       // client_header_timeout expired mid-handshake
  kOther,         // anything else: a malformed ClientHello, a bad client certificate …
  kCount
};
std::string_view handshake_failure_name(HandshakeFailure failure);

// Upper bounds of the duration buckets, from accept to the end of the handshake.
inline constexpr std::array<std::int64_t, 10> kHandshakeBucketsMs = {1,  2,   5,   10,  25,
                                                                     50, 100, 250, 500, 1000};

struct HandshakeCounters {
  using Counter = std::atomic<std::uint64_t>;
  Counter completed{0};
  Counter resumed{0};  // of completed: an abbreviated handshake
  std::array<Counter, static_cast<std::size_t>(HandshakeFailure::kCount)> failed{};
  // Completions per bucket (not cumulative); the last counts those over the last bound.
  std::array<Counter, kHandshakeBucketsMs.size() + 1> duration_buckets{};
  Counter duration_sum_us{0};

  static void add(Counter& counter, std::uint64_t amount = 1) {
    counter.store(counter.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
  }
  void record_completed(Microseconds duration, bool was_resumed);
  void record_failure(HandshakeFailure failure) { add(failed[static_cast<std::size_t>(failure)]); }
  std::uint64_t failures(HandshakeFailure failure) const {
    return failed[static_cast<std::size_t>(failure)].load(std::memory_order_relaxed);
  }
};

}  // namespace yoke::tls
