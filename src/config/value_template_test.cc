#include <gtest/gtest.h>

#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

Argument arg(const std::string& text) { return Argument{text, false, {"t.conf", 4, 7}}; }

std::string template_error(const std::string& text) {
  try {
    parse_value_template(arg(text));
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ConfigValueTemplate, SplitsTextAndVariables) {
  ValueTemplate value = parse_value_template(arg("a$host:${remote_addr}b$http_x_id"));
  EXPECT_EQ(value.source, "a$host:${remote_addr}b$http_x_id");
  ASSERT_EQ(value.parts.size(), 6u);
  EXPECT_FALSE(value.parts[0].is_variable);
  EXPECT_EQ(value.parts[0].text, "a");
  EXPECT_TRUE(value.parts[1].is_variable);
  EXPECT_EQ(value.parts[1].text, "host");
  EXPECT_EQ(value.parts[2].text, ":");
  EXPECT_EQ(value.parts[3].text, "remote_addr");
  EXPECT_EQ(value.parts[4].text, "b");
  EXPECT_EQ(value.parts[5].text, "http_x_id");
  EXPECT_TRUE(value.has_variables());
}

TEST(ConfigValueTemplate, PlainAndEmptyText) {
  ValueTemplate plain = parse_value_template(arg("close"));
  ASSERT_EQ(plain.parts.size(), 1u);
  EXPECT_EQ(plain.parts[0].text, "close");
  EXPECT_FALSE(plain.has_variables());
  EXPECT_TRUE(parse_value_template(arg("")).parts.empty());
}

TEST(ConfigValueTemplate, BracesLetTextFollowAName) {
  ValueTemplate value = parse_value_template(arg("${host}name"));
  ASSERT_EQ(value.parts.size(), 2u);
  EXPECT_EQ(value.parts[0].text, "host");
  EXPECT_EQ(value.parts[1].text, "name");
}

TEST(ConfigValueTemplate, KnownVariables) {
  for (const char* name : {"host",
                           "remote_addr",
                           "remote_port",
                           "proxy_add_x_forwarded_for",
                           "scheme",
                           "request_uri",
                           "uri",
                           "args",
                           "server_port",
                           "server_name",
                           "request_id",
                           "request_method",
                           "proxy_host",
                           "binary_remote_addr",
                           "http_user_agent",
                           "arg_page",
                           "cookie_session",
                           "upstream_addr",
                           "status",
                           "request_time",
                           "sent_http_content_type",
                           "trace_id",
                           "span_id"}) {
    EXPECT_TRUE(is_known_variable(name)) << name;
  }
  for (const char* name :
       {"hostname", "http_", "arg_", "cookie_", "sent_http_", "upstream_bytes_sent", "1"}) {
    EXPECT_FALSE(is_known_variable(name)) << name;
  }
}

TEST(ConfigValueTemplate, UnknownVariableUsesNginxWording) {
  EXPECT_EQ(template_error("x $nosuch y"), "t.conf:4:7: unknown \"nosuch\" variable");
}

TEST(ConfigValueTemplate, MalformedVariables) {
  EXPECT_EQ(template_error("a$"), "t.conf:4:7: invalid variable name in \"a$\"");
  EXPECT_EQ(template_error("$-x"), "t.conf:4:7: invalid variable name in \"$-x\"");
  EXPECT_EQ(template_error("${host"),
            "t.conf:4:7: the closing bracket in \"host\" variable is missing");
}

}  // namespace
}  // namespace yoke::config
