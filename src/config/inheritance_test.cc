#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::http_with_server;
using testing::load_error;

Location only_location(const std::string& text) {
  Config config = load_config_text(text, "t.conf");
  return config.http.servers.at(0).locations.at(0);
}

std::vector<std::string> header_names(const Location& location) {
  std::vector<std::string> names;
  for (const auto& header : location.proxy_set_headers) names.push_back(header.name);
  return names;
}

TEST(ConfigInheritance, Defaults) {
  Location location = only_location(http_with_server("location / { return 200; }"));
  EXPECT_TRUE(location.proxy_set_headers.empty());
  EXPECT_EQ(location.proxy_http_version_minor, 1);  // Yoke: 1.1, nginx: 1.0
  EXPECT_EQ(location.proxy_connect_timeout, Duration(60000));
  EXPECT_EQ(location.proxy_read_timeout, Duration(60000));
  EXPECT_EQ(location.proxy_send_timeout, Duration(60000));
  EXPECT_TRUE(location.next_upstream.error);
  EXPECT_TRUE(location.next_upstream.timeout);
  EXPECT_FALSE(location.next_upstream.http_502);
  EXPECT_EQ(location.next_upstream_tries, 0);
  EXPECT_EQ(location.next_upstream_timeout, Duration(0));
  EXPECT_EQ(location.client_max_body_size, 1024u * 1024u);
  EXPECT_EQ(location.client_body_timeout, Duration(60000));
  EXPECT_EQ(location.send_timeout, Duration(60000));
  EXPECT_EQ(location.keepalive_timeout, Duration(75000));
  EXPECT_EQ(location.keepalive_requests, 1000);
  EXPECT_TRUE(location.access_logs.empty());
  EXPECT_EQ(location.trace_context, TraceContext::kPass);  // as nginx: headers pass untouched
}

TEST(ConfigInheritance, EveryDirectiveInheritsFromHttp) {
  Location location = only_location(
      "http {\n"
      "  proxy_set_header X-Id $request_id;\n"
      "  proxy_http_version 1.0;\n"
      "  proxy_connect_timeout 2s;\n"
      "  proxy_read_timeout 3s;\n"
      "  proxy_send_timeout 4s;\n"
      "  proxy_next_upstream error http_502 http_503 non_idempotent;\n"
      "  proxy_next_upstream_tries 3;\n"
      "  proxy_next_upstream_timeout 10s;\n"
      "  client_max_body_size 8m;\n"
      "  client_body_timeout 5s;\n"
      "  send_timeout 6s;\n"
      "  keepalive_timeout 7s;\n"
      "  keepalive_requests 50;\n"
      "  access_log /var/log/yoke/access.log combined;\n"
      "  server { location / { return 200; } }\n"
      "}\n");
  EXPECT_EQ(header_names(location), (std::vector<std::string>{"X-Id"}));
  EXPECT_EQ(location.proxy_http_version_minor, 0);
  EXPECT_EQ(location.proxy_connect_timeout, Duration(2000));
  EXPECT_EQ(location.proxy_read_timeout, Duration(3000));
  EXPECT_EQ(location.proxy_send_timeout, Duration(4000));
  EXPECT_TRUE(location.next_upstream.error);
  EXPECT_FALSE(location.next_upstream.timeout);  // the list replaces the default
  EXPECT_TRUE(location.next_upstream.http_502);
  EXPECT_TRUE(location.next_upstream.http_503);
  EXPECT_TRUE(location.next_upstream.non_idempotent);
  EXPECT_EQ(location.next_upstream_tries, 3);
  EXPECT_EQ(location.next_upstream_timeout, Duration(10000));
  EXPECT_EQ(location.client_max_body_size, 8u * 1024 * 1024);
  EXPECT_EQ(location.client_body_timeout, Duration(5000));
  EXPECT_EQ(location.send_timeout, Duration(6000));
  EXPECT_EQ(location.keepalive_timeout, Duration(7000));
  EXPECT_EQ(location.keepalive_requests, 50);
  ASSERT_EQ(location.access_logs.size(), 1u);
  EXPECT_EQ(location.access_logs[0].path, "/var/log/yoke/access.log");
  EXPECT_EQ(location.access_logs[0].format, "combined");
}

TEST(ConfigInheritance, LowerLevelsOverride) {
  Config config = load_config_text(
      "http {\n  proxy_read_timeout 10s;\n  client_max_body_size 1k;\n"
      "  server {\n    proxy_read_timeout 20s;\n"
      "    location /a { proxy_read_timeout 30s; return 200; }\n"
      "    location /b { client_max_body_size 0; return 200; }\n"
      "    location /c { access_log off; return 200; }\n  }\n}\n",
      "t.conf");
  const auto& locations = config.http.servers[0].locations;
  EXPECT_EQ(locations[0].proxy_read_timeout, Duration(30000));
  EXPECT_EQ(locations[0].client_max_body_size, 1024u);
  EXPECT_EQ(locations[1].proxy_read_timeout, Duration(20000));
  EXPECT_EQ(locations[1].client_max_body_size, 0u);
  EXPECT_TRUE(locations[2].access_logs.empty());
}

TEST(ConfigInheritance, SettingsWrittenAfterTheBlockStillApply) {
  Location location = only_location(
      "http {\n  server {\n    location / { return 200; }\n    send_timeout 9s;\n  }\n"
      "  proxy_connect_timeout 1s;\n}\n");
  EXPECT_EQ(location.send_timeout, Duration(9000));
  EXPECT_EQ(location.proxy_connect_timeout, Duration(1000));
}

TEST(ConfigInheritance, ProxySetHeaderListIsInheritedOnlyWhenTheLevelHasNone) {
  Config config = load_config_text(
      "http {\n  proxy_set_header A 1;\n  proxy_set_header B 2;\n"
      "  server {\n"
      "    location /none { return 200; }\n"
      "    location /own { proxy_set_header C 3; return 200; }\n"
      "  }\n"
      "  server {\n    listen 81;\n    proxy_set_header D $host;\n"
      "    location /server { return 200; }\n"
      "    location /clear { proxy_set_header Accept-Encoding \"\"; return 200; }\n"
      "  }\n}\n",
      "t.conf");
  const auto& first = config.http.servers[0].locations;
  EXPECT_EQ(header_names(first[0]), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(header_names(first[1]), (std::vector<std::string>{"C"}));
  const auto& second = config.http.servers[1].locations;
  EXPECT_EQ(header_names(second[0]), (std::vector<std::string>{"D"}));
  EXPECT_EQ(second[0].proxy_set_headers[0].value.source, "$host");
  EXPECT_TRUE(second[0].proxy_set_headers[0].value.has_variables());
  EXPECT_EQ(header_names(second[1]), (std::vector<std::string>{"Accept-Encoding"}));
  EXPECT_TRUE(second[1].proxy_set_headers[0].value.source.empty());
}

TEST(ConfigInheritance, ServerLevelOnlyDirectives) {
  Config config = load_config_text(
      "http {\n  client_header_timeout 5s;\n  large_client_header_buffers 8 16k;\n"
      "  server { location / { return 200; } }\n"
      "  server { listen 81; client_header_timeout 7s; large_client_header_buffers 2 1k;\n"
      "           location / { return 200; } }\n}\n",
      "t.conf");
  EXPECT_EQ(config.http.servers[0].client_header_timeout, Duration(5000));
  EXPECT_EQ(config.http.servers[0].large_header_buffers, 8);
  EXPECT_EQ(config.http.servers[0].large_header_buffer_size, 16384u);
  EXPECT_EQ(config.http.servers[1].client_header_timeout, Duration(7000));
  EXPECT_EQ(config.http.servers[1].large_header_buffers, 2);
  EXPECT_EQ(config.http.servers[1].large_header_buffer_size, 1024u);
  EXPECT_EQ(load_error(http_with_server("location / { client_header_timeout 1s; return 200; }")),
            "t.conf:3:14: \"client_header_timeout\" directive is not allowed here");
}

TEST(ConfigInheritance, AccessLogMainIsAnAliasOfCombined) {
  Location location =
      only_location(http_with_server("access_log /dev/stdout main;\nlocation / { return 200; }"));
  ASSERT_EQ(location.access_logs.size(), 1u);
  EXPECT_EQ(location.access_logs[0].path, "/dev/stdout");
  EXPECT_EQ(location.access_logs[0].format, "combined");
}

TEST(ConfigInheritance, BadValues) {
  EXPECT_EQ(load_error(http_with_server("proxy_http_version 2.0;")),
            "t.conf:3:20: invalid value \"2.0\" in \"proxy_http_version\" directive, it must be "
            "\"1.0\" or \"1.1\"");
  EXPECT_EQ(load_error(http_with_server("proxy_next_upstream http_418;")),
            "t.conf:3:21: invalid value \"http_418\" in \"proxy_next_upstream\" directive");
  EXPECT_EQ(load_error(http_with_server("proxy_next_upstream off error;")),
            "t.conf:3:21: \"off\" cannot be combined with other values in "
            "\"proxy_next_upstream\" directive");
  EXPECT_EQ(load_error(http_with_server("client_max_body_size 10x;")),
            "t.conf:3:22: invalid value \"10x\" in \"client_max_body_size\" directive, expected "
            "a size such as \"1024\", \"8k\" or \"1m\"");
  EXPECT_EQ(load_error(http_with_server("proxy_read_timeout 400d;")),
            "t.conf:3:20: invalid value \"400d\" in \"proxy_read_timeout\" directive, expected at "
            "most 365 days");
  EXPECT_EQ(load_error(http_with_server("access_log /x fancy;")),
            "t.conf:3:15: unknown log format \"fancy\"");
  EXPECT_EQ(load_error(http_with_server("access_log off combined;")),
            "t.conf:3:16: invalid parameter \"combined\"");
  EXPECT_EQ(load_error(http_with_server("large_client_header_buffers 4 2m;")),
            "t.conf:3:31: invalid value \"2m\" in \"large_client_header_buffers\" directive, "
            "expected a size from 1 to 1m");
}

TEST(ConfigInheritance, ProxySetHeaderChecks) {
  EXPECT_EQ(load_error(http_with_server("proxy_set_header X-A a b;")),
            "t.conf:3:1: invalid number of arguments in \"proxy_set_header\" directive");
  EXPECT_EQ(load_error(http_with_server("proxy_set_header \"X A\" a;")),
            "t.conf:3:18: invalid header name \"X A\"");
  EXPECT_EQ(load_error(http_with_server("proxy_set_header X-A $nope;")),
            "t.conf:3:22: unknown \"nope\" variable");
  EXPECT_EQ(load_error(http_with_server("proxy_set_header Host a;\nproxy_set_header host b;")),
            "t.conf:4:18: header \"host\" is already set by \"proxy_set_header\"");
}

}  // namespace
}  // namespace yoke::config
