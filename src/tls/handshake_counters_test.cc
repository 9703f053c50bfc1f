#include "yoke/tls/handshake_counters.h"

#include <gtest/gtest.h>

namespace yoke::tls {
namespace {

TEST(HandshakeCounters, DurationsFallInTheirBuckets) {
  HandshakeCounters counters;
  counters.record_completed(Microseconds(800), false);      // ≤ 1 ms
  counters.record_completed(Microseconds(1000), true);      // ≤ 1 ms (bounds are inclusive)
  counters.record_completed(Microseconds(1001), false);     // ≤ 2 ms
  counters.record_completed(Microseconds(30000), false);    // ≤ 50 ms
  counters.record_completed(Microseconds(5000000), false);  // over 1 s
  EXPECT_EQ(counters.completed.load(), 5u);
  EXPECT_EQ(counters.resumed.load(), 1u);
  EXPECT_EQ(counters.duration_buckets[0].load(), 2u);
  EXPECT_EQ(counters.duration_buckets[1].load(), 1u);
  EXPECT_EQ(counters.duration_buckets[5].load(), 1u);
  EXPECT_EQ(counters.duration_buckets[kHandshakeBucketsMs.size()].load(), 1u);
  EXPECT_EQ(counters.duration_sum_us.load(), 800u + 1000u + 1001u + 30000u + 5000000u);
}

TEST(HandshakeCounters, FailuresByReason) {
  HandshakeCounters counters;
  counters.record_failure(HandshakeFailure::kProtocol);
  counters.record_failure(HandshakeFailure::kProtocol);
  counters.record_failure(HandshakeFailure::kTimeout);
  EXPECT_EQ(counters.failures(HandshakeFailure::kProtocol), 2u);
  EXPECT_EQ(counters.failures(HandshakeFailure::kTimeout), 1u);
  EXPECT_EQ(counters.failures(HandshakeFailure::kClosed), 0u);
  EXPECT_EQ(handshake_failure_name(HandshakeFailure::kRejectedName), "rejected_name");
}

}  // namespace
}  // namespace yoke::tls
