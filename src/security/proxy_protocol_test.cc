#include "yoke/security/proxy_protocol.h"

#include <gtest/gtest.h>

#include <string>

namespace yoke::security {
namespace {

using Status = ProxyHeader::Status;

std::string v2(unsigned char command, unsigned char family, const std::string& addresses,
               std::size_t declared) {
  std::string bytes("\r\n\r\n\0\r\nQUIT\n", 12);
  bytes += static_cast<char>(0x20 | command);
  bytes += static_cast<char>(family);
  bytes += static_cast<char>(declared >> 8);
  bytes += static_cast<char>(declared & 0xff);
  return bytes + addresses;
}

std::string v2_inet_block() {
  // 192.0.2.1:56324 → 198.51.100.7:443
  return std::string("\xc0\x00\x02\x01\xc6\x33\x64\x07\xdc\x04\x01\xbb", 12);
}

TEST(ProxyProtocolV1, Tcp4WithTheRequestBehind) {
  const std::string bytes = "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\nGET / HTTP/1.1\r\n";
  ProxyHeader header = parse_proxy_header(bytes);
  ASSERT_EQ(header.status, Status::kComplete) << header.reason;
  EXPECT_EQ(header.size, bytes.find("GET"));
  EXPECT_TRUE(header.has_addresses);
  EXPECT_EQ(header.source.to_string(), "192.0.2.1:56324");
  EXPECT_EQ(header.destination.to_string(), "198.51.100.7:443");
}

TEST(ProxyProtocolV1, Tcp6AndUnknown) {
  ProxyHeader header = parse_proxy_header("PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n");
  ASSERT_EQ(header.status, Status::kComplete) << header.reason;
  EXPECT_EQ(header.source.to_string(), "[2001:db8::1]:1");
  header = parse_proxy_header("PROXY UNKNOWN\r\n");
  ASSERT_EQ(header.status, Status::kComplete);
  EXPECT_FALSE(header.has_addresses);
  EXPECT_EQ(header.size, 15U);
  header = parse_proxy_header("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n");
  EXPECT_EQ(header.status, Status::kComplete);
  EXPECT_FALSE(header.has_addresses);
}

TEST(ProxyProtocolV1, IncompleteUntilTheLineEnds) {
  const std::string line = "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\n";
  for (std::size_t n = 0; n < line.size(); ++n) {
    EXPECT_EQ(parse_proxy_header(line.substr(0, n)).status, Status::kIncomplete) << n;
  }
}

TEST(ProxyProtocolV1, RefusesMalformedLines) {
  for (const char* bad : {
           "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\n",      // LF without CR
           "PROXY TCP4  192.0.2.1 198.51.100.7 56324 443\r\n",   // two spaces
           "PROXY TCP4 192.0.2.1 198.51.100.7 56324\r\n",        // a field missing
           "PROXY TCP4 192.0.2.1 198.51.100.7 56324 443 9\r\n",  // a field too many
           "PROXY TCP4 192.0.2.1 198.51.100.7 056324 443\r\n",   // leading zero
           "PROXY TCP4 192.0.2.1 198.51.100.7 65536 443\r\n",    // port too big
           "PROXY TCP4 2001:db8::1 198.51.100.7 1 2\r\n",        // wrong family
           "PROXY TCP6 192.0.2.1 198.51.100.7 1 2\r\n",
           "PROXY TCP4 192.0.2.256 198.51.100.7 1 2\r\n",
           "PROXY UDP4 192.0.2.1 198.51.100.7 1 2\r\n",
           "PROXY \r\n",
           "GET / HTTP/1.1\r\n",  // no header at all
           "proxy TCP4 192.0.2.1 198.51.100.7 1 2\r\n",
       }) {
    EXPECT_EQ(parse_proxy_header(bad).status, Status::kInvalid) << bad;
  }
  // No line end within 107 bytes.
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN " + std::string(100, 'x')).status, Status::kInvalid);
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN " + std::string(91, 'x') + "\r\n").status,
            Status::kComplete);  // exactly 107
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN " + std::string(92, 'x') + "\r\n").status,
            Status::kInvalid);
}

TEST(ProxyProtocolV2, ProxyOverInetWithTlvs) {
  const std::string tlv("\x04\x00\x02hi", 5);  // a NOOP TLV, skipped
  const std::string bytes = v2(1, 0x11, v2_inet_block() + tlv, 17) + "GET";
  ProxyHeader header = parse_proxy_header(bytes);
  ASSERT_EQ(header.status, Status::kComplete) << header.reason;
  EXPECT_EQ(header.size, 16U + 17U);
  EXPECT_TRUE(header.has_addresses);
  EXPECT_EQ(header.source.to_string(), "192.0.2.1:56324");
  EXPECT_EQ(header.destination.to_string(), "198.51.100.7:443");
}

TEST(ProxyProtocolV2, ProxyOverInet6) {
  std::string block(36, '\0');
  block[0] = '\x20';
  block[1] = '\x01';
  block[15] = '\x01';  // 2001::1
  block[31] = '\x02';  // ::2
  block[32] = '\x00';
  block[33] = '\x50';  // port 80
  block[35] = '\x51';  // port 81
  ProxyHeader header = parse_proxy_header(v2(1, 0x21, block, 36));
  ASSERT_EQ(header.status, Status::kComplete) << header.reason;
  EXPECT_EQ(header.source.to_string(), "[2001::1]:80");
  EXPECT_EQ(header.destination.to_string(), "[::2]:81");
}

TEST(ProxyProtocolV2, LocalAndUnspecifiedKeepTheConnectionsAddresses) {
  ProxyHeader header = parse_proxy_header(v2(0, 0x00, "", 0));
  ASSERT_EQ(header.status, Status::kComplete);
  EXPECT_FALSE(header.has_addresses);
  EXPECT_EQ(header.size, 16U);
  header = parse_proxy_header(v2(0, 0x11, v2_inet_block(), 12));  // LOCAL with addresses
  ASSERT_EQ(header.status, Status::kComplete);
  EXPECT_FALSE(header.has_addresses);
  header = parse_proxy_header(v2(1, 0x31, std::string(216, '\0'), 216));  // unix
  ASSERT_EQ(header.status, Status::kComplete);
  EXPECT_FALSE(header.has_addresses);
}

TEST(ProxyProtocolV2, IncompleteUntilEveryDeclaredByte) {
  const std::string bytes = v2(1, 0x11, v2_inet_block(), 12);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_EQ(parse_proxy_header(bytes.substr(0, n)).status, Status::kIncomplete) << n;
  }
}

TEST(ProxyProtocolV2, RefusesWhatTheSpecificationDoesNotAllow) {
  std::string wrong_version = v2(1, 0x11, v2_inet_block(), 12);
  wrong_version[12] = '\x11';
  EXPECT_EQ(parse_proxy_header(wrong_version).status, Status::kInvalid);
  EXPECT_EQ(parse_proxy_header(v2(2, 0x11, v2_inet_block(), 12)).status, Status::kInvalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x12, v2_inet_block(), 12)).status, Status::kInvalid);  // UDP
  EXPECT_EQ(parse_proxy_header(v2(1, 0x41, v2_inet_block(), 12)).status, Status::kInvalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x13, v2_inet_block(), 12)).status, Status::kInvalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x11, "short", 5)).status, Status::kInvalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x21, v2_inet_block(), 12)).status, Status::kInvalid);
  EXPECT_EQ(parse_proxy_header(v2(1, 0x11, "", kMaxProxyHeader)).status, Status::kInvalid);
  std::string bad_signature = v2(1, 0x11, v2_inet_block(), 12);
  bad_signature[4] = 'x';
  EXPECT_EQ(parse_proxy_header(bad_signature).status, Status::kInvalid);
}

}  // namespace
}  // namespace yoke::security
