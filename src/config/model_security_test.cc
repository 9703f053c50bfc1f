// allow / deny, limit_except, realip, client_min_rate, limit_accept, listen's security
// parameters and limit_req reroute= in the model: values, inheritance and errors.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

Config load(const std::string& text) { return load_config_text(text, "t.conf"); }

TEST(ConfigAccess, RulesInOrderAndInheritedAsAList) {
  const Config config = load(
      "http {\n"
      "  deny 192.168.1.1; allow 192.168.1.0/24; allow 2001:db8::/32; deny all;\n"
      "  server {\n"
      "    location / { return 200; }\n"
      "    location /open { allow all; return 200; }\n"
      "  }\n"
      "}\n");
  const Server& server = config.http.servers[0];
  ASSERT_EQ(server.locations[0].access.size(), 4u);
  EXPECT_FALSE(server.locations[0].access[0].allow);
  EXPECT_EQ(server.locations[0].access[1].prefix.to_string(), "192.168.1.0/24");
  EXPECT_EQ(server.locations[0].access[2].prefix.to_string(), "2001:db8::/32");
  EXPECT_EQ(server.locations[0].access[3].prefix.kind, security::IpPrefix::Kind::kAll);
  ASSERT_EQ(server.locations[1].access.size(), 1u);  // its own list replaces http's
  EXPECT_TRUE(server.locations[1].access[0].allow);
}

TEST(ConfigAccess, LimitExcept) {
  const Config config = load(testing::http_with_server(
      "location / { limit_except GET POST { allow 10.0.0.0/8; deny all; } return 200; }"));
  const Location& location = config.http.servers[0].locations[0];
  ASSERT_TRUE(location.limit_except.has_value());
  EXPECT_EQ(location.limit_except->methods,
            (std::vector<std::string>{"GET", "HEAD", "POST"}));  // GET implies HEAD
  ASSERT_EQ(location.limit_except->access.size(), 2u);
  EXPECT_TRUE(location.access.empty());
}

TEST(ConfigAccess, Errors) {
  EXPECT_EQ(load_error(testing::http_with_server("location / { allow 10.0.0.1/8; return 200; }")),
            "t.conf:3:20: invalid value \"10.0.0.1/8\" in \"allow\" directive (low address bits "
            "of 10.0.0.1/8 are meaningless), expected an address, a CIDR such as \"10.0.0.0/8\" "
            "or \"2001:db8::/32\", \"all\" or \"unix:\"");
  EXPECT_EQ(load_error(testing::http_with_server("location / { deny 300.1.1.1; return 200; }")),
            "t.conf:3:19: invalid value \"300.1.1.1\" in \"deny\" directive (invalid address), "
            "expected an address, a CIDR such as \"10.0.0.0/8\" or \"2001:db8::/32\", \"all\" or "
            "\"unix:\"");
  EXPECT_EQ(
      load_error(
          testing::http_with_server("location / { limit_except FETCH { deny all; } return 200; }")),
      "t.conf:3:27: invalid method \"FETCH\" in \"limit_except\", expected GET, HEAD, POST, PUT, "
      "DELETE, MKCOL, COPY, MOVE, OPTIONS, PROPFIND, PROPPATCH, LOCK, UNLOCK or PATCH");
  EXPECT_EQ(load_error(testing::http_with_server(
                "location / { limit_except GET { return 403; } return 200; }")),
            "t.conf:3:33: \"return\" directive is not allowed here");
  EXPECT_EQ(load_error(testing::http_with_server("limit_except GET { deny all; }")),
            "t.conf:3:1: \"limit_except\" directive is not allowed here");
}

TEST(ConfigRealIp, DirectivesInheritAndProxyProtocolIsASource) {
  const Config config = load(
      "http {\n"
      "  set_real_ip_from 10.0.0.0/8; set_real_ip_from ::1; real_ip_header X-Forwarded-For;\n"
      "  real_ip_recursive on;\n"
      "  server {\n"
      "    listen 8080 proxy_protocol;\n"
      "    real_ip_header proxy_protocol;\n"
      "    location / { return 200; }\n"
      "  }\n"
      "  server { listen 8081; location / { return 200; } }\n"
      "}\n");
  const RealIp& first = config.http.servers[0].locations[0].real_ip;
  ASSERT_EQ(first.trusted.size(), 2u);
  EXPECT_TRUE(first.proxy_protocol);
  EXPECT_TRUE(first.recursive);
  EXPECT_TRUE(config.http.servers[0].listens[0].proxy_protocol);
  const RealIp& second = config.http.servers[1].locations[0].real_ip;
  EXPECT_FALSE(second.proxy_protocol);
  EXPECT_EQ(second.header, "X-Forwarded-For");
  EXPECT_EQ(config.http.servers[1].real_ip.header, "X-Forwarded-For");
  EXPECT_EQ(load_error("http { real_ip_header \"X Y\"; server { location / { return 200; } } }"),
            "t.conf:1:23: invalid header name \"X Y\" in \"real_ip_header\" directive, expected "
            "a field name such as \"X-Forwarded-For\" or \"proxy_protocol\"");
  EXPECT_EQ(load_error("http { real_ip_recursive yes; server { location / { return 200; } } }"),
            "t.conf:1:26: invalid value \"yes\" in \"real_ip_recursive\" directive, it must be "
            "\"on\" or \"off\"");
}

TEST(ConfigMinRate, HeadsAtServerLevelBodiesAtLocationLevel) {
  const Config config = load(
      "http {\n"
      "  client_min_rate 1k after=2s;\n"
      "  server { location / { client_min_rate 100; return 200; } location /b { return 200; } }\n"
      "}\n");
  const Server& server = config.http.servers[0];
  EXPECT_EQ(server.client_min_rate.bytes_per_second, 1024u);
  EXPECT_EQ(server.client_min_rate.after.count(), 2000);
  EXPECT_EQ(server.locations[0].client_min_rate.bytes_per_second, 100u);
  EXPECT_EQ(server.locations[0].client_min_rate.after.count(), 5000);  // the default
  EXPECT_EQ(server.locations[1].client_min_rate.bytes_per_second, 1024u);
  EXPECT_EQ(
      load_error("http { client_min_rate 1k later=2s; server { location / { return 200; } } }"),
      "t.conf:1:27: invalid parameter \"later=2s\" in \"client_min_rate\" directive, "
      "expected \"after=TIME\"");
}

TEST(ConfigAcceptLimits, ZoneRuleAndListenParameters) {
  const Config config = load(
      "http {\n"
      "  limit_accept_zone zone=conn:1m rate=20r/s;\n"
      "  limit_accept zone=conn burst=5;\n"
      "  server {\n"
      "    listen 8080 deferred fastopen=256 max_conns=1000 backlog=4096;\n"
      "    location / { return 200; }\n"
      "  }\n"
      "}\n");
  ASSERT_EQ(config.http.limit_accept_zones.size(), 1u);
  EXPECT_EQ(config.http.limit_accept_zones[0].rate_milli, 20000u);
  const Server& server = config.http.servers[0];
  ASSERT_TRUE(server.limit_accept.has_value());
  EXPECT_EQ(server.limit_accept->burst, 5u);
  const Listen& listen = server.listens[0];
  EXPECT_TRUE(listen.deferred);
  EXPECT_EQ(listen.fastopen, 256);
  EXPECT_EQ(listen.max_conns, 1000);
  EXPECT_EQ(listen.backlog, 4096);
  EXPECT_EQ(load_error("http { limit_accept zone=x; server { location / { return 200; } } }"),
            "t.conf:1:8: unknown limit_accept_zone \"x\" (define it in http with "
            "\"limit_accept_zone zone=x:SIZE rate=RATE;\")");
  EXPECT_EQ(
      load_error(testing::http_with_server("location / { limit_accept zone=x; return 200; }")),
      "t.conf:3:14: \"limit_accept\" directive is not allowed here");
  EXPECT_EQ(load_error(testing::http_with_server("listen 80 max_conns=0;")),
            "t.conf:3:11: invalid value \"0\" in \"listen\" directive, expected a number from 1 "
            "to 10000000");
}

TEST(ConfigReroute, NamesAnUpstream) {
  const Config config = load(
      "http {\n"
      "  limit_req_zone $binary_remote_addr zone=z:1m rate=10r/s;\n"
      "  upstream main { server 127.0.0.1:9001; }\n"
      "  upstream overflow { server 127.0.0.1:9002; }\n"
      "  server { location / { limit_req zone=z burst=5 reroute=overflow; proxy_pass "
      "http://main; } }\n"
      "}\n");
  EXPECT_EQ(config.http.servers[0].locations[0].limit_req[0].reroute, "overflow");
  EXPECT_EQ(load_error("http {\n  limit_req_zone $uri zone=z:1m rate=1r/s;\n"
                       "  server { location / { limit_req zone=z reroute=nope; return 200; } }\n}"),
            "t.conf:3:42: unknown upstream \"nope\" in \"reroute=\" of \"limit_req\" (define it "
            "with \"upstream nope { … }\")");
}

}  // namespace
}  // namespace yoke::config
