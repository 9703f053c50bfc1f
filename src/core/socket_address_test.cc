#include "yoke/core/socket_address.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/un.h>

namespace yoke {
namespace {

TEST(SocketAddress, ParsesIpv4WithPort) {
  SocketAddress address;
  ASSERT_TRUE(SocketAddress::parse_numeric("10.0.0.1:8080", address));
  EXPECT_EQ(address.family(), AF_INET);
  EXPECT_EQ(address.port(), 8080);
  EXPECT_EQ(address.host_text(), "10.0.0.1");
  EXPECT_EQ(address.to_string(), "10.0.0.1:8080");
  EXPECT_EQ(address.length(), sizeof(sockaddr_in));
}

TEST(SocketAddress, ParsesIpv6WithPort) {
  SocketAddress address;
  ASSERT_TRUE(SocketAddress::parse_numeric("[::1]:443", address));
  EXPECT_EQ(address.family(), AF_INET6);
  EXPECT_EQ(address.port(), 443);
  EXPECT_EQ(address.host_text(), "::1");
  EXPECT_EQ(address.to_string(), "[::1]:443");
}

TEST(SocketAddress, ParsesUnixPath) {
  SocketAddress address;
  ASSERT_TRUE(SocketAddress::parse_numeric("unix:/run/app.sock", address));
  EXPECT_EQ(address.family(), AF_UNIX);
  EXPECT_EQ(address.port(), 0);
  EXPECT_EQ(address.host_text(), "/run/app.sock");
  EXPECT_EQ(address.to_string(), "unix:/run/app.sock");
}

TEST(SocketAddress, RejectsWhatIsNotANumericAddress) {
  SocketAddress address;
  for (const char* text :
       {"", "10.0.0.1", "10.0.0.1:", "10.0.0.1:70000", "10.0.0.1:8x", "localhost:80", "::1:80",
        "[::1]", "[::1]80", "[nope]:80", "unix:", "1.2.3:80"}) {
    EXPECT_FALSE(SocketAddress::parse_numeric(text, address)) << text;
  }
  std::string long_path = "unix:/" + std::string(sizeof(sockaddr_un::sun_path), 'a');
  EXPECT_FALSE(SocketAddress::parse_numeric(long_path, address));
}

TEST(SocketAddress, SetPortAndEquality) {
  SocketAddress a;
  SocketAddress b;
  ASSERT_TRUE(SocketAddress::parse_numeric("127.0.0.1:80", a));
  ASSERT_TRUE(SocketAddress::parse_numeric("127.0.0.1:81", b));
  EXPECT_FALSE(a == b);
  b.set_port(80);
  EXPECT_TRUE(a == b);
  SocketAddress c;
  ASSERT_TRUE(SocketAddress::parse_numeric("[::1]:80", c));
  EXPECT_FALSE(a == c);
  EXPECT_TRUE(SocketAddress() == SocketAddress());
  EXPECT_TRUE(SocketAddress().empty());
}

TEST(SocketAddress, CopiesFromSockaddr) {
  sockaddr_in raw{};
  raw.sin_family = AF_INET;
  raw.sin_port = htons(9000);
  raw.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SocketAddress address(reinterpret_cast<const sockaddr*>(&raw), sizeof(raw));
  EXPECT_EQ(address.to_string(), "127.0.0.1:9000");
}

TEST(SocketAddress, ResolvesNumericAndLocalhost) {
  std::string error;
  auto numeric = SocketAddress::resolve("192.0.2.7", 8080, error);
  ASSERT_EQ(numeric.size(), 1u);
  EXPECT_EQ(numeric[0].to_string(), "192.0.2.7:8080");
  auto bracketed = SocketAddress::resolve("[::1]", 80, error);
  ASSERT_EQ(bracketed.size(), 1u);
  EXPECT_EQ(bracketed[0].to_string(), "[::1]:80");
  // localhost comes from /etc/hosts: no network involved.
  auto local = SocketAddress::resolve("localhost", 9000, error);
  ASSERT_FALSE(local.empty()) << error;
  for (const auto& address : local) EXPECT_EQ(address.port(), 9000);
}

}  // namespace
}  // namespace yoke
