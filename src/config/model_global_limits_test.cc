// limit_req_zone … global=redis://HOST:PORT redis_fail=open|closed (docs/redis-limits.md):
// values, defaults and errors that name the place.
#include <gtest/gtest.h>

#include "config/build.h"
#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

std::string http_with(const std::string& zone) {
  return "http {\n" + zone +
         "\n  server {\n    location / {\n      limit_req zone=g;\n      return 200;\n    }\n  "
         "}\n}\n";
}

TEST(ConfigGlobalLimits, Values) {
  const Config config =
      load_config_text(http_with("limit_req_zone $server_name zone=g:1m rate=200r/s "
                                 "global=redis://127.0.0.1:6390 redis_fail=closed;"),
                       "t.conf");
  const RateLimitZone& zone = config.http.limit_req_zones[0];
  ASSERT_TRUE(zone.global.has_value());
  EXPECT_EQ(zone.global->host, "127.0.0.1");
  EXPECT_EQ(zone.global->port, 6390);
  EXPECT_FALSE(zone.global->fail_open);
  EXPECT_EQ(zone.rate_milli, 200000u);
}

TEST(ConfigGlobalLimits, DefaultsAndIpv6) {
  const Config config = load_config_text(
      http_with("limit_req_zone $uri zone=g:1m global=redis://[::1] rate=5r/s;"), "t.conf");
  const RateLimitZone& zone = config.http.limit_req_zones[0];
  ASSERT_TRUE(zone.global.has_value());
  EXPECT_EQ(zone.global->host, "::1");
  EXPECT_EQ(zone.global->port, 6379);
  EXPECT_TRUE(zone.global->fail_open);  // redis_fail=open unless told otherwise
  const Config local =
      load_config_text(http_with("limit_req_zone $uri zone=g:1m rate=5r/s;"), "t.conf");
  EXPECT_FALSE(local.http.limit_req_zones[0].global.has_value());
}

TEST(ConfigGlobalLimits, Errors) {
  EXPECT_EQ(load_error(http_with("limit_req_zone $uri zone=g:1m rate=1r/s global=http://x:1;")),
            "t.conf:2:41: invalid \"global=http://x:1\" in \"limit_req_zone\" directive: the "
            "address must start with redis://, expected \"global=redis://HOST[:PORT]\", e.g. "
            "\"global=redis://127.0.0.1:6379\"");
  EXPECT_EQ(load_error(http_with("limit_req_zone $uri zone=g:1m rate=1r/s global=redis://x:0;")),
            "t.conf:2:41: invalid \"global=redis://x:0\" in \"limit_req_zone\" directive: the "
            "port must be a number from 1 to 65535, expected \"global=redis://HOST[:PORT]\", "
            "e.g. \"global=redis://127.0.0.1:6379\"");
  EXPECT_EQ(
      load_error(http_with("limit_req_zone $uri zone=g:1m rate=1r/s global=redis://u:p@x;")),
      "t.conf:2:41: invalid \"global=redis://u:p@x\" in \"limit_req_zone\" directive: a user, "
      "password, path or database is not supported, expected \"global=redis://HOST[:PORT]\", "
      "e.g. \"global=redis://127.0.0.1:6379\"");
  EXPECT_EQ(load_error(http_with("limit_req_zone $uri zone=g:1m rate=1r/s redis_fail=open;")),
            "t.conf:2:41: \"redis_fail=open\" in \"limit_req_zone\" needs "
            "\"global=redis://HOST:PORT\" (it says what to do while Redis cannot be reached)");
  EXPECT_EQ(load_error(http_with("limit_req_zone $uri zone=g:1m rate=1r/s global=redis://x "
                                 "redis_fail=maybe;")),
            "t.conf:2:58: invalid \"redis_fail=maybe\" in \"limit_req_zone\" directive, expected "
            "\"redis_fail=open\" or \"redis_fail=closed\"");
  // limit_accept_zone has no global form: its two arguments are zone= and rate=.
  EXPECT_EQ(load_error("http {\nlimit_accept_zone zone=a:1m rate=1r/s global=redis://x;\n}\n"),
            "t.conf:2:1: invalid number of arguments in \"limit_accept_zone\" directive");
}

}  // namespace
}  // namespace yoke::config
