// Every message a user can cause names the file, line and column of the offending token.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

struct ErrorCase {
  const char* text;
  const char* message;
};

class ConfigErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrors, ExactMessage) {
  EXPECT_EQ(load_error(GetParam().text), GetParam().message) << GetParam().text;
}

#define SERVER_BODY(body) "http {\n  server {\n" body "\n  }\n}\n"

INSTANTIATE_TEST_SUITE_P(
    Messages, ConfigErrors,
    ::testing::Values(
        ErrorCase{"foo bar;", "t.conf:1:1: unknown directive \"foo\""},
        ErrorCase{"http {\n  server { }\n  tyeps { }\n}",
                  "t.conf:3:3: unknown directive \"tyeps\""},
        ErrorCase{"server { }", "t.conf:1:1: \"server\" directive is not allowed here"},
        ErrorCase{SERVER_BODY("    proxy_pass http://a;"),
                  "t.conf:3:5: \"proxy_pass\" directive is not allowed here"},
        ErrorCase{SERVER_BODY("    listen 80 81 82 83 84 85 86 87 88 89 90;"),
                  "t.conf:3:5: invalid number of arguments in \"listen\" directive"},
        ErrorCase{"http {\n  upstream u { server 10.0.0.1 weigth=3; }\n}",
                  "t.conf:2:32: invalid parameter \"weigth=3\""},
        ErrorCase{SERVER_BODY("    send_timeout 1s;\n    send_timeout 2s;"),
                  "t.conf:4:5: \"send_timeout\" directive is duplicate"},
        ErrorCase{"worker_processes 2",
                  "t.conf:1:19: found end of file, expected \";\" or \"{\" "
                  "after \"worker_processes\""},
        ErrorCase{"http {\n  server {\n",
                  "t.conf:3:1: found end of file, expected \"}\" to close "
                  "\"server\" opened at line 2"},
        ErrorCase{"pid x;\n}", "t.conf:2:1: found \"}\", expected a directive (no block is open)"},
        ErrorCase{"pid \"x;\n",
                  "t.conf:1:5: unterminated string: found end of file, expected "
                  "'\"'"},
        ErrorCase{SERVER_BODY("    location / { proxy_set_header X $bogus; return 200; }"),
                  "t.conf:3:37: unknown \"bogus\" variable"},
        ErrorCase{SERVER_BODY("    location / { proxy_pass https://10.0.0.1; }"),
                  "t.conf:3:29: https upstreams are not supported yet"},
        ErrorCase{SERVER_BODY("    location ~ /x { proxy_pass http://10.0.0.1/y; }"),
                  "t.conf:3:32: \"proxy_pass\" cannot have URI part in location given by regular "
                  "expression"},
        ErrorCase{SERVER_BODY("    location / {\n      location /x { return 200; }\n    }"),
                  "t.conf:4:7: nested location is not supported"},
        ErrorCase{"http {\n  upstream u { server 10.0.0.1; }\n  upstream u { server 10.0.0.2; }\n}",
                  "t.conf:3:12: duplicate upstream \"u\""},
        ErrorCase{"http {\n  upstream u {\n  }\n}",
                  "t.conf:2:3: no servers are inside upstream "
                  "\"u\""},
        ErrorCase{SERVER_BODY("    location ~ \"(\" { return 200; }"),
                  "t.conf:3:16: invalid regular expression \"(\": missing ): ("},
        ErrorCase{SERVER_BODY("    location / { proxy_read_timeout 1x; return 200; }"),
                  "t.conf:3:37: invalid value \"1x\" in \"proxy_read_timeout\" directive, "
                  "expected a time such as \"30s\", \"500ms\" or \"1m30s\""},
        ErrorCase{"error_log /x verbose;",
                  "t.conf:1:14: invalid log level \"verbose\", "
                  "expected one of: debug info notice warn error crit "
                  "alert emerg"},
        ErrorCase{SERVER_BODY("    listen 80 {\n    }"),
                  "t.conf:3:5: directive \"listen\" is not terminated by \";\""},
        ErrorCase{"events;", "t.conf:1:1: directive \"events\" has no opening \"{\""},
        ErrorCase{SERVER_BODY("    location / { return 200; }\n    location / { return 200; }"),
                  "t.conf:4:5: duplicate location \"/\""}));

#undef SERVER_BODY

}  // namespace
}  // namespace yoke::config
