#include "yoke/tls/handshake_counters.h"

namespace yoke::tls {

std::string_view handshake_failure_name(HandshakeFailure failure) {
  switch (failure) {
    case HandshakeFailure::kClosed:
      return "closed";
    case HandshakeFailure::kProtocol:
      return "protocol";
    case HandshakeFailure::kRejectedName:
      return "rejected_name";
    case HandshakeFailure::kPlainHttp:
      return "plain_http";
    case HandshakeFailure::kTimeout:
      return "timeout";
    case HandshakeFailure::kOther:
    case HandshakeFailure::kCount:
      break;
  }
  return "other";
}

void HandshakeCounters::record_completed(Microseconds duration, bool was_resumed) {
  add(completed);
  if (was_resumed) add(resumed);
  std::int64_t us = duration.count() < 0 ? 0 : duration.count();
  std::size_t bucket = 0;
  while (bucket < kHandshakeBucketsMs.size() && us > kHandshakeBucketsMs[bucket] * 1000) ++bucket;
  add(duration_buckets[bucket]);
  add(duration_sum_us, static_cast<std::uint64_t>(us));
}

}  // namespace yoke::tls
