#include "yoke/security/ip_prefix.h"

#include <gtest/gtest.h>

#include "yoke/core/socket_address.h"

namespace yoke::security {
namespace {

IpPrefix prefix(std::string_view text) {
  IpPrefix parsed;
  std::string error;
  EXPECT_TRUE(IpPrefix::parse(text, parsed, error)) << text << ": " << error;
  return parsed;
}

ClientAddress client(std::string_view text) {
  SocketAddress address;
  EXPECT_TRUE(SocketAddress::parse_numeric(text, address)) << text;
  return ClientAddress::of(address.get());
}

TEST(IpPrefix, ParsesNetworksAddressesAllAndUnix) {
  EXPECT_EQ(prefix("10.0.0.0/8").to_string(), "10.0.0.0/8");
  EXPECT_EQ(prefix("192.168.1.7").to_string(), "192.168.1.7/32");
  EXPECT_EQ(prefix("2001:db8::/32").to_string(), "2001:db8::/32");
  EXPECT_EQ(prefix("::1").to_string(), "::1/128");
  EXPECT_EQ(prefix("0.0.0.0/0").to_string(), "0.0.0.0/0");
  EXPECT_EQ(prefix("all").kind, IpPrefix::Kind::kAll);
  EXPECT_EQ(prefix("unix:").kind, IpPrefix::Kind::kUnix);
}

TEST(IpPrefix, RefusesBadTextAndHostBits) {
  IpPrefix parsed;
  std::string error;
  for (std::string_view bad : {"10.0.0.0/33", "10.0.0/8", "2001:db8::/129", "10.0.0.0/", "x",
                               "10.0.0.0/8x", "", "10.0.0.0/-1", "unix:/path"}) {
    EXPECT_FALSE(IpPrefix::parse(bad, parsed, error)) << bad;
  }
  EXPECT_FALSE(IpPrefix::parse("10.0.0.1/8", parsed, error));
  EXPECT_EQ(error, "low address bits of 10.0.0.1/8 are meaningless");
  EXPECT_FALSE(IpPrefix::parse("2001:db8::1/64", parsed, error));
}

TEST(IpPrefix, MatchesIpv4Networks) {
  EXPECT_TRUE(matches(prefix("10.0.0.0/8"), client("10.255.1.2:1")));
  EXPECT_FALSE(matches(prefix("10.0.0.0/8"), client("11.0.0.1:1")));
  EXPECT_TRUE(matches(prefix("192.168.1.128/25"), client("192.168.1.200:1")));
  EXPECT_FALSE(matches(prefix("192.168.1.128/25"), client("192.168.1.127:1")));
  EXPECT_TRUE(matches(prefix("127.0.0.1"), client("127.0.0.1:5")));
  EXPECT_FALSE(matches(prefix("127.0.0.1"), client("127.0.0.2:5")));
  EXPECT_TRUE(matches(prefix("0.0.0.0/0"), client("8.8.8.8:1")));
  EXPECT_FALSE(matches(prefix("0.0.0.0/0"), client("[::1]:1")));
}

TEST(IpPrefix, MatchesIpv6NetworksAcrossTheWordBoundary) {
  EXPECT_TRUE(matches(prefix("2001:db8::/32"), client("[2001:db8:1::5]:1")));
  EXPECT_FALSE(matches(prefix("2001:db8::/32"), client("[2001:db9::5]:1")));
  EXPECT_TRUE(matches(prefix("2001:db8:0:0:8000::/65"), client("[2001:db8::8000:0:0:1]:1")));
  EXPECT_FALSE(matches(prefix("2001:db8:0:0:8000::/65"), client("[2001:db8::7fff:0:0:1]:1")));
  EXPECT_TRUE(matches(prefix("::1"), client("[::1]:1")));
  EXPECT_FALSE(matches(prefix("::1"), client("127.0.0.1:1")));
  EXPECT_TRUE(matches(prefix("::/0"), client("[fe80::1]:1")));
}

TEST(IpPrefix, MapsIpv4MappedIpv6ToIpv4) {
  EXPECT_TRUE(matches(prefix("10.0.0.0/8"), client("[::ffff:10.1.2.3]:1")));
  EXPECT_FALSE(matches(prefix("::ffff:0:0/96"), client("[::ffff:10.1.2.3]:1")));
}

TEST(IpPrefix, AllMatchesEveryFamilyAndUnixOnlyUnix) {
  SocketAddress unix_peer;
  ASSERT_TRUE(SocketAddress::parse_numeric("unix:/tmp/x.sock", unix_peer));
  const ClientAddress local = ClientAddress::of(unix_peer.get());
  EXPECT_TRUE(matches(prefix("all"), local));
  EXPECT_TRUE(matches(prefix("unix:"), local));
  EXPECT_FALSE(matches(prefix("unix:"), client("127.0.0.1:1")));
  EXPECT_FALSE(matches(prefix("0.0.0.0/0"), local));
}

TEST(AccessList, FirstMatchWinsInOrder) {
  AccessList list({{prefix("192.168.1.1"), false},
                   {prefix("192.168.1.0/24"), true},
                   {prefix("2001:db8::/32"), true},
                   {prefix("all"), false}});
  using V = AccessList::Verdict;
  EXPECT_EQ(list.check(client("192.168.1.1:1")), V::kDeny);
  EXPECT_EQ(list.check(client("192.168.1.2:1")), V::kAllow);
  EXPECT_EQ(list.check(client("[2001:db8::2]:1")), V::kAllow);
  EXPECT_EQ(list.check(client("10.0.0.1:1")), V::kDeny);
  AccessList open({{prefix("10.0.0.0/8"), false}});
  EXPECT_EQ(open.check(client("11.0.0.1:1")), V::kNoMatch);
  EXPECT_TRUE(AccessList().empty());
}

}  // namespace
}  // namespace yoke::security
