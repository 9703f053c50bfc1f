#include "yoke/security/deny_table.h"

#include <gtest/gtest.h>

#include "yoke/core/socket_address.h"

namespace yoke::security {
namespace {

const TimePoint kStart{std::chrono::seconds(1000)};

DenyEntry entry(std::string_view text, TimePoint expires = TimePoint::max()) {
  DenyEntry result;
  std::string error;
  EXPECT_TRUE(IpPrefix::parse(text, result.prefix, error)) << text << ": " << error;
  result.expires = expires;
  result.hits = std::make_shared<std::atomic<std::uint64_t>>(0);
  return result;
}

ClientAddress client(std::string_view text) {
  SocketAddress address;
  EXPECT_TRUE(SocketAddress::parse_numeric(text, address)) << text;
  return ClientAddress::of(address.get());
}

// The prefix of the entry that holds text at now, or "" when none does.
std::string found(const DenyTable& table, std::string_view text, TimePoint now = kStart) {
  const DenyEntry* hit = table.find(client(text), now);
  return hit == nullptr ? "" : hit->prefix.to_string();
}

TEST(DenyTable, EmptyTableHoldsNothing) {
  DenyTable table({});
  EXPECT_EQ(table.size(), 0U);
  EXPECT_EQ(found(table, "127.0.0.1:1"), "");
  EXPECT_EQ(found(table, "[::1]:1"), "");
}

TEST(DenyTable, Ipv4AddressesAndNetworks) {
  DenyTable table({entry("203.0.113.0/24"), entry("127.0.0.2"), entry("10.0.0.0/8")});
  EXPECT_EQ(found(table, "203.0.113.77:5"), "203.0.113.0/24");
  EXPECT_EQ(found(table, "203.0.114.1:5"), "");
  EXPECT_EQ(found(table, "127.0.0.2:80"), "127.0.0.2/32");
  EXPECT_EQ(found(table, "127.0.0.3:80"), "");
  EXPECT_EQ(found(table, "10.255.255.255:1"), "10.0.0.0/8");
  EXPECT_EQ(found(table, "11.0.0.0:1"), "");
  // An IPv4-mapped IPv6 peer (a dual-stack listener) is its IPv4 address.
  EXPECT_EQ(found(table, "[::ffff:127.0.0.2]:1"), "127.0.0.2/32");
}

TEST(DenyTable, Ipv6AddressesAndNetworksAcrossTheWordBoundary) {
  DenyTable table({entry("2001:db8::/32"), entry("2001:db8:0:0:8000::/65"), entry("::1")});
  EXPECT_EQ(found(table, "[2001:db8::8000:0:0:1]:1"), "2001:db8:0:0:8000::/65");
  EXPECT_EQ(found(table, "[2001:db8::7fff:0:0:1]:1"), "2001:db8::/32");
  EXPECT_EQ(found(table, "[2001:db9::1]:1"), "");
  EXPECT_EQ(found(table, "[::1]:1"), "::1/128");
  EXPECT_EQ(found(table, "[::2]:1"), "");
  // Families never mix: ::/0-like IPv6 entries do not hold IPv4 peers and the reverse.
  EXPECT_EQ(found(table, "127.0.0.1:1"), "");
  DenyTable v4_all({entry("0.0.0.0/0")});
  EXPECT_EQ(found(v4_all, "[2001:db8::1]:1"), "");
  EXPECT_EQ(found(v4_all, "8.8.8.8:1"), "0.0.0.0/0");
}

TEST(DenyTable, OverlappingPrefixesGiveTheLongestMatch) {
  DenyTable table({entry("10.0.0.0/8"), entry("10.1.0.0/16"), entry("10.1.2.0/24"),
                   entry("10.1.2.3"), entry("0.0.0.0/0")});
  EXPECT_EQ(found(table, "10.1.2.3:1"), "10.1.2.3/32");
  EXPECT_EQ(found(table, "10.1.2.4:1"), "10.1.2.0/24");
  EXPECT_EQ(found(table, "10.1.3.4:1"), "10.1.0.0/16");
  EXPECT_EQ(found(table, "10.2.3.4:1"), "10.0.0.0/8");
  EXPECT_EQ(found(table, "192.0.2.1:1"), "0.0.0.0/0");
}

TEST(DenyTable, ManyNetworksOfOneLengthAreSearched) {
  std::vector<DenyEntry> entries;
  for (int i = 0; i < 200; i += 2) entries.push_back(entry("192.0." + std::to_string(i) + ".0/24"));
  DenyTable table(std::move(entries));
  EXPECT_EQ(table.size(), 100U);
  for (int i = 0; i < 200; ++i) {
    const std::string address = "192.0." + std::to_string(i) + ".9:1";
    EXPECT_EQ(found(table, address), i % 2 == 0 ? "192.0." + std::to_string(i) + ".0/24" : "")
        << address;
  }
}

TEST(DenyTable, ExpiredEntriesStopMatchingAtTheirEnd) {
  const TimePoint end = kStart + std::chrono::seconds(600);
  DenyTable table({entry("10.1.2.3", end), entry("10.0.0.0/8", end + std::chrono::seconds(60))});
  EXPECT_EQ(found(table, "10.1.2.3:1", kStart), "10.1.2.3/32");
  EXPECT_EQ(found(table, "10.1.2.3:1", end - std::chrono::milliseconds(1)), "10.1.2.3/32");
  // The /32 has expired: the /8 around it still holds the address until its own end.
  EXPECT_EQ(found(table, "10.1.2.3:1", end), "10.0.0.0/8");
  EXPECT_EQ(found(table, "10.1.2.3:1", end + std::chrono::seconds(60)), "");
}

TEST(DenyTable, KeepsOnlyIpNetworksAndSharesHitCounters) {
  DenyEntry all;  // kAll: not something the API accepts; the table ignores it
  DenyTable table({all, entry("127.0.0.2")});
  EXPECT_EQ(table.size(), 1U);
  SocketAddress unix_peer;
  ASSERT_TRUE(SocketAddress::parse_numeric("unix:/tmp/x.sock", unix_peer));
  EXPECT_EQ(table.find(ClientAddress::of(unix_peer.get()), kStart), nullptr);
  const DenyEntry* hit = table.find(client("127.0.0.2:1"), kStart);
  ASSERT_NE(hit, nullptr);
  hit->hits->fetch_add(1, std::memory_order_relaxed);
  EXPECT_EQ(table.find(client("127.0.0.2:9"), kStart)->hits->load(), 1U);
}

}  // namespace
}  // namespace yoke::security
