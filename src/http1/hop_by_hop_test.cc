// Hop-by-hop fields (RFC 9110 §7.6.1) and case-insensitive comparison.
#include <gtest/gtest.h>

#include "yoke/http1/message.h"

namespace yoke::http1 {
namespace {

TEST(Http1HopByHop, FixedSetIsCaseInsensitive) {
  for (const char* name : {"Connection", "keep-alive", "PROXY-CONNECTION", "TE", "Trailer",
                           "transfer-encoding", "Upgrade"}) {
    EXPECT_TRUE(is_hop_by_hop(name)) << name;
  }
  for (const char* name :
       {"Content-Length", "Host", "Trailers", "Upgrade-Insecure-Requests", "X-Connection", ""}) {
    EXPECT_FALSE(is_hop_by_hop(name)) << name;
  }
}

TEST(Http1HopByHop, NamedInConnectionAcrossAllConnectionFields) {
  const Header headers[] = {
      {"Host", "a"},
      {"Connection", "keep-alive, X-Private"},
      {"X-Private", "secret"},
      {"connection", " ,X-Other ,"},
  };
  EXPECT_TRUE(named_in_connection(headers, 4, "x-private"));
  EXPECT_TRUE(named_in_connection(headers, 4, "X-OTHER"));
  EXPECT_TRUE(named_in_connection(headers, 4, "Keep-Alive"));
  EXPECT_FALSE(named_in_connection(headers, 4, "Host"));
  EXPECT_FALSE(named_in_connection(headers, 4, "X-Priv"));
  EXPECT_FALSE(named_in_connection(headers, 2, "X-Other"));
  EXPECT_FALSE(named_in_connection(headers, 0, "X-Private"));
}

TEST(Http1HopByHop, Iequals) {
  EXPECT_TRUE(iequals("Content-Length", "content-LENGTH"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("abc", "abd"));
  EXPECT_FALSE(iequals("abc", "ab"));
  // Only ASCII letters fold: '@' (0x40) and '`' (0x60) differ, as do obs-text bytes.
  EXPECT_FALSE(iequals("@", "`"));
  EXPECT_FALSE(iequals("\xc9", "\xe9"));
}

}  // namespace
}  // namespace yoke::http1
