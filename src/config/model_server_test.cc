#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::http_with_server;
using testing::load_error;

Server load_server(const std::string& body) {
  Config config = load_config_text(http_with_server(body), "t.conf");
  EXPECT_EQ(config.http.servers.size(), 1u);
  return config.http.servers.at(0);
}

TEST(ConfigModelServer, DefaultListenIsPort80) {
  Server server = load_server("location / { return 200; }");
  ASSERT_EQ(server.listens.size(), 1u);
  EXPECT_EQ(server.listens[0].address.to_string(), "0.0.0.0:80");
  EXPECT_FALSE(server.listens[0].reuseport);
  EXPECT_FALSE(server.listens[0].default_server);
  EXPECT_EQ(server.listens[0].backlog, 511);
  EXPECT_TRUE(server.server_names.empty());
  EXPECT_EQ(server.client_header_timeout, Duration(60000));
  EXPECT_EQ(server.large_header_buffers, 4);
  EXPECT_EQ(server.large_header_buffer_size, 8192u);
  EXPECT_EQ(server.where.line, 2);
}

TEST(ConfigModelServer, ListenForms) {
  Server server = load_server(
      "listen 8080;\nlisten *:8081;\nlisten 127.0.0.1:8082 default_server reuseport "
      "backlog=128;\nlisten 127.0.0.2;\nlisten [::1]:8083;\nlisten [::];\nlisten 0;\n"
      "location / { return 200; }");
  ASSERT_EQ(server.listens.size(), 7u);
  EXPECT_EQ(server.listens[0].address.to_string(), "0.0.0.0:8080");
  EXPECT_EQ(server.listens[1].address.to_string(), "0.0.0.0:8081");
  EXPECT_EQ(server.listens[2].address.to_string(), "127.0.0.1:8082");
  EXPECT_TRUE(server.listens[2].default_server);
  EXPECT_TRUE(server.listens[2].reuseport);
  EXPECT_EQ(server.listens[2].backlog, 128);
  EXPECT_EQ(server.listens[3].address.to_string(), "127.0.0.2:80");
  EXPECT_EQ(server.listens[4].address.to_string(), "[::1]:8083");
  EXPECT_EQ(server.listens[5].address.to_string(), "[::]:80");
  EXPECT_EQ(server.listens[6].address.to_string(), "0.0.0.0:0");
  EXPECT_EQ(server.listens[6].where.line, 9);
}

// freebind (IP_FREEBIND): any server's listen on an address sets it for the address's socket.
TEST(ConfigModelServer, ListenFreebind) {
  Server server =
      load_server("listen 192.0.2.10:8080 freebind;\nlisten 8081;\nlocation / { return 200; }");
  ASSERT_EQ(server.listens.size(), 2u);
  EXPECT_TRUE(server.listens[0].freebind);
  EXPECT_FALSE(server.listens[1].freebind);
  EXPECT_EQ(load_error(http_with_server("listen 80 freebind freebind;")),
            "t.conf:3:20: duplicate parameter \"freebind\"");
  EXPECT_EQ(load_error(http_with_server("listen 80 freebind=1;")),
            "t.conf:3:11: invalid parameter \"freebind=1\"");
}

TEST(ConfigModelServer, BadListens) {
  EXPECT_EQ(load_error(http_with_server("listen localhost:80;")),
            "t.conf:3:8: host not found in \"localhost:80\" of the \"listen\" directive, expected "
            "\"*\", an IPv4 address or a bracketed IPv6 address");
  EXPECT_EQ(load_error(http_with_server("listen 80 tls;")),
            "t.conf:3:11: invalid parameter \"tls\"");
  EXPECT_EQ(load_error(http_with_server("listen 70000;")),
            "t.conf:3:8: invalid port in \"70000\" of the \"listen\" directive");
  EXPECT_EQ(load_error(http_with_server("listen 127.0.0.1:x;")),
            "t.conf:3:8: invalid address or port in \"127.0.0.1:x\" of the \"listen\" directive");
  EXPECT_EQ(load_error(http_with_server("listen 80;\nlisten *:80;")),
            "t.conf:4:1: a duplicate listen 0.0.0.0:80");
  EXPECT_EQ(load_error(http_with_server("listen;")),
            "t.conf:3:1: invalid number of arguments in \"listen\" directive");
}

TEST(ConfigModelServer, ServerNames) {
  Server server = load_server(
      "server_name Example.COM *.example.com www.example.* .example.org \"\";\n"
      "server_name ~^api\\d+\\.example\\.com$;\nlocation / { return 200; }");
  EXPECT_EQ(server.server_names,
            (std::vector<std::string>{"example.com", "*.example.com", "www.example.*",
                                      ".example.org", "", "~^api\\d+\\.example\\.com$"}));
}

TEST(ConfigModelServer, BadServerNames) {
  EXPECT_EQ(load_error(http_with_server("server_name a*b.com;")),
            "t.conf:3:13: invalid server name or wildcard \"a*b.com\"");
  EXPECT_EQ(load_error(http_with_server("server_name \"~(unclosed\";")),
            "t.conf:3:13: invalid regular expression \"(unclosed\": missing ): (unclosed");
}

TEST(ConfigModelServer, LocationModifiers) {
  Server server = load_server(
      "location / { return 200; }\nlocation = /status { return 204; }\n"
      "location ^~ /static/ { return 200; }\nlocation ~ \\.php$ { return 403; }\n"
      "location ~* \\.JPG$ { return 404; }\nlocation =/exact { return 200; }\n"
      "location ~*\\.png$ { return 200; }");
  ASSERT_EQ(server.locations.size(), 7u);
  EXPECT_EQ(server.locations[0].match, LocationMatch::kPrefix);
  EXPECT_EQ(server.locations[0].pattern, "/");
  EXPECT_EQ(server.locations[1].match, LocationMatch::kExact);
  EXPECT_EQ(server.locations[1].pattern, "/status");
  EXPECT_EQ(server.locations[2].match, LocationMatch::kPreferPrefix);
  EXPECT_EQ(server.locations[2].pattern, "/static/");
  EXPECT_EQ(server.locations[3].match, LocationMatch::kRegex);
  EXPECT_EQ(server.locations[3].pattern, "\\.php$");
  EXPECT_EQ(server.locations[4].match, LocationMatch::kRegexCaseless);
  EXPECT_EQ(server.locations[4].pattern, "\\.JPG$");
  EXPECT_EQ(server.locations[5].match, LocationMatch::kExact);
  EXPECT_EQ(server.locations[5].pattern, "/exact");
  EXPECT_EQ(server.locations[6].match, LocationMatch::kRegexCaseless);
  EXPECT_EQ(server.locations[6].pattern, "\\.png$");
  EXPECT_EQ(server.locations[1].where.line, 4);
}

TEST(ConfigModelServer, ReturnForms) {
  Server server = load_server(
      "location /a { return 204; }\nlocation /b { return 200 \"ok $host\\n\"; }\n"
      "location /c { return 301 https://example.com$request_uri; }\n"
      "location /d { return http://example.com/; }\n");
  ASSERT_EQ(server.locations.size(), 4u);
  EXPECT_EQ(server.locations[0].return_action->status, 204);
  EXPECT_EQ(server.locations[0].return_action->text, "");
  EXPECT_EQ(server.locations[1].return_action->text, "ok $host\n");
  EXPECT_EQ(server.locations[2].return_action->status, 301);
  EXPECT_EQ(server.locations[2].return_action->text, "https://example.com$request_uri");
  EXPECT_EQ(server.locations[3].return_action->status, 302);
  EXPECT_EQ(server.locations[3].return_action->text, "http://example.com/");
  EXPECT_FALSE(server.locations[0].proxy_pass.has_value());
}

TEST(ConfigModelServer, BadLocations) {
  EXPECT_EQ(load_error(http_with_server("location / { location /a { return 200; } }")),
            "t.conf:3:14: nested location is not supported");
  EXPECT_EQ(load_error(http_with_server("location / { }")),
            "t.conf:3:1: location \"/\" needs \"proxy_pass\" or \"return\"");
  EXPECT_EQ(load_error(http_with_server("location ~ \"a(\" { return 200; }")),
            "t.conf:3:12: invalid regular expression \"a(\": missing ): a(");
  EXPECT_EQ(load_error(http_with_server("location !! /a { return 200; }")),
            "t.conf:3:10: invalid location modifier \"!!\"");
  EXPECT_EQ(load_error(http_with_server("location @named { return 200; }")),
            "t.conf:3:10: named locations are not supported");
  EXPECT_EQ(load_error(http_with_server("location /a { return 200; }\nlocation ^~ /a { return "
                                        "200; }")),
            "t.conf:4:1: duplicate location \"/a\"");
  EXPECT_EQ(load_error(http_with_server("location /a { return 700x; }")),
            "t.conf:3:22: invalid return code \"700x\"");
  EXPECT_EQ(load_error(http_with_server("location /a { return 200; return 204; }")),
            "t.conf:3:27: \"return\" directive is duplicate");
  EXPECT_EQ(load_error(http_with_server("location /a { return 302; }")),
            "t.conf:3:15: return 302 needs a URL");
}

TEST(ConfigModelServer, SameLocationWithDifferentMatchIsFine) {
  Server server = load_server("location /a { return 200; }\nlocation = /a { return 204; }");
  EXPECT_EQ(server.locations.size(), 2u);
}

TEST(ConfigModelServer, ConflictingServerNames) {
  EXPECT_EQ(load_error("http {\n  server { listen 8080; server_name a.com; location / { return "
                       "200; } }\n  server { listen 8080; server_name A.com; location / { return "
                       "200; } }\n}"),
            "t.conf:3:3: conflicting server name \"a.com\" on 0.0.0.0:8080, already used by the "
            "server at t.conf:2:3");
  EXPECT_EQ(load_error("http {\n  server { location / { return 200; } }\n"
                       "  server { location / { return 200; } }\n}"),
            "t.conf:3:3: conflicting server name \"\" on 0.0.0.0:80, already used by the server "
            "at t.conf:2:3");
}

TEST(ConfigModelServer, SharedPortsWithDifferentNamesOrOptionsAreFine) {
  Config config = load_config_text(
      "http {\n  server { listen 8080 reuseport; server_name a.com; location / { return 200; } }\n"
      "  server { listen 8080; server_name b.com; location / { return 200; } }\n"
      "  server { listen 127.0.0.1:8080; server_name a.com; location / { return 200; } }\n}",
      "t.conf");
  EXPECT_EQ(config.http.servers.size(), 3u);
}

TEST(ConfigModelServer, OneDefaultServerPerAddress) {
  EXPECT_EQ(load_error("http {\n  server { listen 80 default_server; server_name a; location / "
                       "{ return 200; } }\n  server { listen 80 default_server; server_name b; "
                       "location / { return 200; } }\n}"),
            "t.conf:3:12: a duplicate default server for 0.0.0.0:80");
}

}  // namespace
}  // namespace yoke::config
