// log_format, access_log and trace_context as the loader reads them.
#include <gtest/gtest.h>

#include "config/config_test_util.h"
#include "yoke/config/model.h"

namespace yoke::config {
namespace {

using testing::http_with_server;
using testing::load_error;

const LogFormat* find_format(const Config& config, std::string_view name) {
  for (const LogFormat& format : config.http.log_formats) {
    if (format.name == name) return &format;
  }
  return nullptr;
}

TEST(ConfigLogs, LogFormatJoinsItsStringsAndReadsEscape) {
  Config config = load_config_text(
      "http {\n  log_format upstream escape=json '$remote_addr '\n"
      "      '\"$upstream_addr\" $upstream_status';\n"
      "  server { location / { access_log /tmp/a.log upstream buffer=8k flush=2s; return 200; }"
      " }\n}\n",
      "t.conf");
  const LogFormat* format = find_format(config, "upstream");
  ASSERT_NE(format, nullptr);
  EXPECT_EQ(format->escape, LogEscape::kJson);
  EXPECT_EQ(format->text.source, "$remote_addr \"$upstream_addr\" $upstream_status");
  ASSERT_EQ(format->text.parts.size(), 5u);
  EXPECT_EQ(format->text.parts[2].text, "upstream_addr");
  EXPECT_NE(find_format(config, "combined"), nullptr);
  EXPECT_NE(find_format(config, "json"), nullptr);
  const AccessLog& log = config.http.servers[0].locations[0].access_logs.at(0);
  EXPECT_EQ(log.format, "upstream");
  EXPECT_EQ(log.buffer, 8192u);
  EXPECT_EQ(log.flush, Duration(2000));
  EXPECT_FALSE(log.condition.has_value());
}

TEST(ConfigLogs, SeveralAccessLogsOnALevelAllApplyAndALowerLevelReplacesThem) {
  Config config = load_config_text(
      "http {\n  access_log /tmp/a.log;\n  access_log /tmp/b.log json if=$arg_log;\n"
      "  server {\n    location /x { return 200; }\n"
      "    location /y { access_log /tmp/c.log; return 200; }\n"
      "    location /z { access_log off; return 200; }\n  }\n}\n",
      "t.conf");
  const Server& server = config.http.servers[0];
  ASSERT_EQ(server.access_logs.size(), 2u);
  const auto& inherited = server.locations[0].access_logs;
  ASSERT_EQ(inherited.size(), 2u);
  EXPECT_EQ(inherited[0].path, "/tmp/a.log");
  EXPECT_EQ(inherited[0].format, "combined");
  EXPECT_EQ(inherited[1].format, "json");
  ASSERT_TRUE(inherited[1].condition.has_value());
  EXPECT_EQ(inherited[1].condition->source, "$arg_log");
  ASSERT_EQ(server.locations[1].access_logs.size(), 1u);
  EXPECT_EQ(server.locations[1].access_logs[0].path, "/tmp/c.log");
  EXPECT_TRUE(server.locations[2].access_logs.empty());
}

TEST(ConfigLogs, FormatsMayBeDefinedAfterUse) {
  Config config = load_config_text(
      "http {\n  server { access_log /tmp/a.log late; location / { return 200; } }\n"
      "  log_format late '$status';\n}\n",
      "t.conf");
  EXPECT_EQ(config.http.servers[0].locations[0].access_logs.at(0).format, "late");
}

TEST(ConfigLogs, TraceContextModes) {
  Config config = load_config_text(
      "http {\n  trace_context pass;\n  server {\n    location /a { return 200; }\n"
      "    location /b { trace_context off; return 200; }\n  }\n}\n",
      "t.conf");
  EXPECT_EQ(config.http.servers[0].locations[0].trace_context, TraceContext::kPass);
  EXPECT_EQ(config.http.servers[0].locations[1].trace_context, TraceContext::kOff);
}

TEST(ConfigLogs, Errors) {
  EXPECT_EQ(load_error("http {\n  log_format combined '$status';\n}\n"),
            "t.conf:2:14: duplicate \"log_format\" name \"combined\"");
  EXPECT_EQ(load_error("http {\n  log_format x escape=xml '$status';\n}\n"),
            "t.conf:2:16: unknown log format escaping \"xml\", expected \"default\", \"json\" "
            "or \"none\"");
  EXPECT_EQ(load_error("http {\n  log_format x '$nosuch';\n}\n"),
            "t.conf:2:16: unknown \"nosuch\" variable");
  EXPECT_EQ(load_error("http {\n  log_format x;\n}\n"),
            "t.conf:2:3: invalid number of arguments in \"log_format\" directive");
  EXPECT_EQ(load_error(http_with_server("access_log /x combined buffer=0;")),
            "t.conf:3:24: invalid buffer size \"buffer=0\" in \"access_log\" directive, expected "
            "1 to 16m");
  EXPECT_EQ(load_error(http_with_server("access_log /x combined colour=red;")),
            "t.conf:3:24: invalid parameter \"colour=red\"");
  EXPECT_EQ(load_error(http_with_server("access_log /x;\naccess_log off;")),
            "t.conf:4:12: \"access_log off\" cannot be combined with other access_log");
  EXPECT_EQ(load_error(http_with_server("access_log /x if=$nosuch;")),
            "t.conf:3:18: unknown \"nosuch\" variable");
  EXPECT_EQ(load_error(http_with_server("trace_context maybe;")),
            "t.conf:3:15: invalid value \"maybe\" in \"trace_context\" directive, it must be "
            "\"on\", \"off\" or \"pass\"");
  EXPECT_EQ(load_error("http {\n  server { location / { log_format x '$status'; } }\n}\n"),
            "t.conf:2:25: \"log_format\" directive is not allowed here");
}

}  // namespace
}  // namespace yoke::config
