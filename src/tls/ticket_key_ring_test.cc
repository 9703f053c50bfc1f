#include "yoke/tls/ticket_key_ring.h"

#include <gtest/gtest.h>

namespace yoke::tls {
namespace {

TicketKeys key_named(unsigned char first) {
  TicketKeys keys{};
  keys.fill(first);
  return keys;
}

TEST(TicketKeyRing, NewestEncryptsOlderOnesDecryptAndRenew) {
  TicketKeyRing ring(key_named(1));
  bool is_newest = false;
  ASSERT_NE(ring.find(key_named(1).data(), is_newest), nullptr);
  EXPECT_TRUE(is_newest);
  ring.add(key_named(2));
  EXPECT_EQ(ring.newest(), key_named(2));
  ASSERT_NE(ring.find(key_named(1).data(), is_newest), nullptr);
  EXPECT_FALSE(is_newest);  // still decrypts, and the ticket is renewed under key 2
  ASSERT_NE(ring.find(key_named(2).data(), is_newest), nullptr);
  EXPECT_TRUE(is_newest);
}

TEST(TicketKeyRing, ForgetsKeysAfterKeptRotations) {
  TicketKeyRing ring(key_named(1));
  for (unsigned char next = 2; next <= TicketKeyRing::kKept + 1; ++next) ring.add(key_named(next));
  EXPECT_EQ(ring.size(), TicketKeyRing::kKept);
  bool is_newest = false;
  EXPECT_EQ(ring.find(key_named(1).data(), is_newest), nullptr);  // a full handshake then
  for (unsigned char kept = 2; kept <= TicketKeyRing::kKept + 1; ++kept) {
    EXPECT_NE(ring.find(key_named(kept).data(), is_newest), nullptr) << int{kept};
  }
  EXPECT_EQ(ring.newest(), key_named(TicketKeyRing::kKept + 1));
}

TEST(TicketKeyRotation, DueOncePerPeriod) {
  auto start = std::chrono::steady_clock::time_point{};
  TicketKeyRotation rotation(std::chrono::minutes(5), start);
  EXPECT_FALSE(rotation.due(start + std::chrono::minutes(4)));
  EXPECT_TRUE(rotation.due(start + std::chrono::minutes(5)));
  EXPECT_FALSE(rotation.due(start + std::chrono::minutes(6)));
  EXPECT_TRUE(rotation.due(start + std::chrono::minutes(10)));
}

TEST(TicketKeys, GeneratedKeysDiffer) { EXPECT_NE(generate_ticket_keys(), generate_ticket_keys()); }

}  // namespace
}  // namespace yoke::tls
