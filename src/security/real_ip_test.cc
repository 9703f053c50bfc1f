#include "yoke/security/real_ip.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace yoke::security {
namespace {

std::vector<IpPrefix> trusted(std::initializer_list<std::string_view> texts) {
  std::vector<IpPrefix> list;
  for (std::string_view text : texts) {
    IpPrefix prefix;
    std::string error;
    EXPECT_TRUE(IpPrefix::parse(text, prefix, error)) << text;
    list.push_back(prefix);
  }
  return list;
}

SocketAddress peer(std::string_view text) {
  SocketAddress address;
  EXPECT_TRUE(SocketAddress::parse_numeric(text, address));
  return address;
}

// The address realip leaves, as host text, for the given fields.
std::string walk(std::string_view from, std::vector<std::string_view> fields,
                 const std::vector<IpPrefix>& proxies, bool recursive) {
  SocketAddress out;
  if (!forwarded_address(peer(from), fields, proxies, recursive, out)) return "unchanged";
  return out.to_string();
}

TEST(RealIp, UntrustedPeerKeepsItsAddress) {
  EXPECT_EQ(walk("203.0.113.9:1", {"198.51.100.1"}, trusted({"10.0.0.0/8"}), false), "unchanged");
}

TEST(RealIp, NonRecursiveTakesTheRightmostElement) {
  const auto proxies = trusted({"10.0.0.0/8"});
  EXPECT_EQ(walk("10.0.0.1:1", {"198.51.100.1, 10.0.0.2"}, proxies, false), "10.0.0.2:0");
  EXPECT_EQ(walk("10.0.0.1:1", {"198.51.100.1"}, proxies, false), "198.51.100.1:0");
}

TEST(RealIp, RecursiveWalksLeftWhileTrusted) {
  const auto proxies = trusted({"10.0.0.0/8", "2001:db8::/32"});
  EXPECT_EQ(walk("10.0.0.1:1", {"1.1.1.1, 198.51.100.1, 2001:db8::5, 10.0.0.2"}, proxies, true),
            "198.51.100.1:0");
  // Every element trusted: the leftmost is the client.
  EXPECT_EQ(walk("10.0.0.1:1", {"10.9.9.9, 10.0.0.2"}, proxies, true), "10.9.9.9:0");
}

TEST(RealIp, SeveralFieldsReadAsOneListRightmostFieldFirst) {
  const auto proxies = trusted({"10.0.0.0/8"});
  EXPECT_EQ(walk("10.0.0.1:1", {"198.51.100.1", "10.0.0.3"}, proxies, true), "198.51.100.1:0");
  EXPECT_EQ(walk("10.0.0.1:1", {"198.51.100.1", "10.0.0.3"}, proxies, false), "10.0.0.3:0");
}

TEST(RealIp, SkipsEmptyElementsAndStopsAtGarbage) {
  const auto proxies = trusted({"10.0.0.0/8"});
  EXPECT_EQ(walk("10.0.0.1:1", {"198.51.100.1 , ,10.0.0.2,  "}, proxies, true), "198.51.100.1:0");
  // "unknown" is not an address: keep the last one found (nginx returns NGX_DONE there).
  EXPECT_EQ(walk("10.0.0.1:1", {"unknown, 10.0.0.2"}, proxies, true), "10.0.0.2:0");
  EXPECT_EQ(walk("10.0.0.1:1", {"unknown"}, proxies, true), "unchanged");
  EXPECT_EQ(walk("10.0.0.1:1", {""}, proxies, true), "unchanged");
  EXPECT_EQ(walk("10.0.0.1:1", {}, proxies, true), "unchanged");
}

TEST(RealIp, ElementsMayCarryPorts) {
  SocketAddress out;
  ASSERT_TRUE(parse_forwarded_element("192.0.2.1:8080", out));
  EXPECT_EQ(out.to_string(), "192.0.2.1:8080");
  ASSERT_TRUE(parse_forwarded_element("[2001:db8::1]:443", out));
  EXPECT_EQ(out.to_string(), "[2001:db8::1]:443");
  ASSERT_TRUE(parse_forwarded_element("2001:db8::1", out));
  EXPECT_EQ(out.to_string(), "[2001:db8::1]:0");
  for (std::string_view bad :
       {"192.0.2.1:", "192.0.2.1:99999", "[2001:db8::1", "[::1]x", "a:b", "example.com", "1.2.3"}) {
    EXPECT_FALSE(parse_forwarded_element(bad, out)) << bad;
  }
}

}  // namespace
}  // namespace yoke::security
