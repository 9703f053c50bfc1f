// limit_req_zone and limit_req in the model: values, inheritance as a list, and errors that
// name the place.
#include <gtest/gtest.h>

#include "config/build.h"
#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

std::string http_with(const std::string& http_extra, const std::string& server_extra,
                      const std::string& location_extra) {
  return "http {\n" + http_extra + "\n  server {\n" + server_extra + "\n    location / {\n" +
         location_extra + "\n      return 200;\n    }\n    location /b { return 200; }\n  }\n}\n";
}

TEST(ConfigLimits, ZoneAndRuleValues) {
  const Config config = load_config_text(
      http_with("limit_req_zone $binary_remote_addr zone=ip:10m rate=100r/s;\n"
                "limit_req_zone $http_x_key zone=key:64k rate=30r/m;",
                "", "limit_req zone=ip burst=20 nodelay; limit_req zone=key delay=3 burst=9;"),
      "t.conf");
  ASSERT_EQ(config.http.limit_req_zones.size(), 2u);
  EXPECT_EQ(config.http.limit_req_zones[0].name, "ip");
  EXPECT_EQ(config.http.limit_req_zones[0].size, 10u * 1024 * 1024);
  EXPECT_EQ(config.http.limit_req_zones[0].rate_milli, 100000u);
  EXPECT_EQ(config.http.limit_req_zones[1].rate_milli, 500u);  // 30r/m = 0.5 r/s
  const Location& location = config.http.servers[0].locations[0];
  ASSERT_EQ(location.limit_req.size(), 2u);
  EXPECT_EQ(location.limit_req[0].burst, 20u);
  EXPECT_EQ(location.limit_req[0].no_delay, 20u);
  EXPECT_EQ(location.limit_req[1].burst, 9u);
  EXPECT_EQ(location.limit_req[1].no_delay, 3u);
  EXPECT_EQ(location.limit_req_status, 429);
}

TEST(ConfigLimits, RulesInheritAsAListOnlyWhereALevelHasNone) {
  const Config config = load_config_text(
      http_with("limit_req_zone $uri zone=a:1m rate=1r/s; limit_req_zone $uri zone=b:1m "
                "rate=1r/s; limit_req zone=a; limit_req_status 503;",
                "", "limit_req zone=b;"),
      "t.conf");
  const Server& server = config.http.servers[0];
  ASSERT_EQ(server.locations[0].limit_req.size(), 1u);  // its own list replaces http's
  EXPECT_EQ(server.locations[0].limit_req[0].zone, "b");
  ASSERT_EQ(server.locations[1].limit_req.size(), 1u);  // none of its own: http's
  EXPECT_EQ(server.locations[1].limit_req[0].zone, "a");
  EXPECT_EQ(server.locations[1].limit_req_status, 503);
}

TEST(ConfigLimits, Errors) {
  const std::string zone = "limit_req_zone $uri zone=z:1m rate=1r/s;";
  EXPECT_EQ(load_error(http_with(zone, "", "limit_req zone=y;")),
            "t.conf:6:1: unknown limit_req_zone \"y\" (define it in http with \"limit_req_zone "
            "KEY zone=y:SIZE rate=RATE;\")");
  EXPECT_EQ(load_error(http_with(zone, "", "limit_req zone=z; limit_req zone=z;")),
            "t.conf:6:19: zone \"z\" in \"limit_req\" is duplicate");
  EXPECT_EQ(load_error(http_with(zone, "", "limit_req zone=z nodelay delay=2;")),
            "t.conf:6:26: invalid parameter \"delay=2\" in \"limit_req\" directive, expected "
            "\"zone=NAME\", \"burst=N\", \"nodelay\" or \"delay=N\", and \"reroute=UPSTREAM\"");
  EXPECT_EQ(load_error(http_with(zone, "", "limit_req zone=z burst=70000;")),
            "t.conf:6:18: invalid burst value \"burst=70000\" in \"limit_req\" directive, "
            "expected a number from 0 to 60000");
  EXPECT_EQ(load_error(http_with(zone + zone, "", "")),
            "t.conf:2:41: duplicate zone \"z\", first defined at t.conf:2:1");
  EXPECT_EQ(load_error(http_with("limit_req_zone $uri zone=z:1m rate=0r/s;", "", "")),
            "t.conf:2:31: invalid rate \"rate=0r/s\" in \"limit_req_zone\" directive, expected "
            "\"rate=Nr/s\" or \"rate=Nr/m\" with N from 1 to 1000000");
  EXPECT_EQ(load_error(http_with("", "limit_req_zone $uri zone=z:1m rate=1r/s;", "")),
            "t.conf:4:1: \"limit_req_zone\" directive is not allowed here");
  EXPECT_EQ(load_error(http_with(zone, "", "limit_req_dry_run maybe;")),
            "t.conf:6:19: invalid value \"maybe\" in \"limit_req_dry_run\" directive, it must be "
            "\"on\" or \"off\"");
}

TEST(ConfigLimits, ConnZonesAndRules) {
  const Config config =
      load_config_text(http_with("limit_conn_zone $binary_remote_addr zone=ip:1m;",
                                 "limit_conn ip 10;", "limit_conn ip 2; limit_conn_status 503;"),
                       "t.conf");
  ASSERT_EQ(config.http.limit_conn_zones.size(), 1u);
  EXPECT_EQ(config.http.limit_conn_zones[0].size, 1024u * 1024);
  const Server& server = config.http.servers[0];
  ASSERT_EQ(server.locations[0].limit_conn.size(), 1u);
  EXPECT_EQ(server.locations[0].limit_conn[0].limit, 2u);
  EXPECT_EQ(server.locations[0].limit_conn_status, 503);
  ASSERT_EQ(server.locations[1].limit_conn.size(), 1u);  // the server's
  EXPECT_EQ(server.locations[1].limit_conn[0].limit, 10u);
  EXPECT_EQ(load_error(http_with("", "", "limit_conn ip 2;")),
            "t.conf:6:1: unknown limit_conn_zone \"ip\" (define it in http with "
            "\"limit_conn_zone KEY zone=ip:SIZE;\")");
  EXPECT_EQ(load_error(http_with("limit_conn_zone $uri zone=ip:1m;", "", "limit_conn ip 0;")),
            "t.conf:6:15: invalid value \"0\" in \"limit_conn\" directive, expected a number "
            "from 1 to 1000000");
  EXPECT_EQ(load_error(http_with("limit_conn_zone $uri ip:1m;", "", "")),
            "t.conf:2:22: invalid parameter \"ip:1m\" in \"limit_conn_zone\" directive, "
            "expected \"zone=NAME:SIZE\"");
}

}  // namespace
}  // namespace yoke::config
