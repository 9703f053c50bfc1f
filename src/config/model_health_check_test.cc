// health_check in upstream, match blocks in http, and the agent parameters of `server`.
#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

std::string with_upstream(const std::string& upstream_body, const std::string& http_extra = "") {
  return "http {\n" + http_extra + "upstream app {\n" + upstream_body +
         "\n}\nserver { listen 127.0.0.1:8080; location / { proxy_pass http://app; } }\n}\n";
}

const Upstream& app(const Config& config) { return config.http.upstreams.at(0); }

TEST(ConfigHealthCheck, DefaultsWhenWrittenBare) {
  Config config = load_config_text(with_upstream("server 10.0.0.1;\nhealth_check;"), "t.conf");
  ASSERT_TRUE(app(config).health_check.has_value());
  const HealthCheck& check = *app(config).health_check;
  EXPECT_EQ(check.interval, Duration(2000));
  EXPECT_EQ(check.jitter, Duration(0));
  EXPECT_EQ(check.fails, 3);
  EXPECT_EQ(check.passes, 2);
  EXPECT_EQ(check.uri, "/health");
  EXPECT_EQ(check.port, 0);
  EXPECT_EQ(check.timeout, Duration(1000));
  EXPECT_EQ(check.type, HealthCheck::Type::kHttp);
  EXPECT_FALSE(check.mandatory);
}

TEST(ConfigHealthCheck, EveryParameter) {
  Config config = load_config_text(
      with_upstream("server 10.0.0.1;\nhealth_check interval=500ms jitter=100ms fails=2 passes=4 "
                    "uri=/ready port=9000 match=ok timeout=300ms mandatory;",
                    "match ok { status 200-299 304; header Content-Type ~ json; body !~ down; }\n"),
      "t.conf");
  const HealthCheck& check = *app(config).health_check;
  EXPECT_EQ(check.interval, Duration(500));
  EXPECT_EQ(check.jitter, Duration(100));
  EXPECT_EQ(check.fails, 2);
  EXPECT_EQ(check.passes, 4);
  EXPECT_EQ(check.uri, "/ready");
  EXPECT_EQ(check.port, 9000);
  EXPECT_EQ(check.match, "ok");
  EXPECT_EQ(check.timeout, Duration(300));
  EXPECT_TRUE(check.mandatory);
  ASSERT_EQ(config.http.matches.size(), 1u);
  const Match& match = config.http.matches[0];
  ASSERT_EQ(match.tests.size(), 3u);
  EXPECT_EQ(match.tests[0].ranges.size(), 2u);
  EXPECT_EQ(match.tests[0].ranges[1].low, 304);
  EXPECT_EQ(match.tests[1].op, MatchTest::Operator::kMatches);
  EXPECT_EQ(match.tests[2].op, MatchTest::Operator::kNotMatches);
}

TEST(ConfigHealthCheck, BadValuesNameFileLineAndColumn) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhealth_check interval=abc;")),
            "t.conf:4:23: invalid value \"abc\" in \"health_check\" directive, expected a time "
            "such as \"30s\", \"500ms\" or \"1m30s\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhealth_check port=70000;")),
            "t.conf:4:19: invalid value \"70000\" in \"health_check\" directive, expected a "
            "number from 1 to 65535");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhealth_check match=nope;")),
            "t.conf:4:20: unknown match \"nope\" in \"health_check\" of upstream \"app\": no "
            "\"match nope { }\" block in http");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhealth_check type=udp;")),
            "t.conf:4:19: invalid value \"udp\" in \"health_check\" directive, expected \"http\" "
            "or \"tcp\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhealth_check fast;")),
            "t.conf:4:14: invalid parameter \"fast\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhealth_check;\nhealth_check;")),
            "t.conf:5:1: \"health_check\" directive is duplicate");
}

TEST(ConfigHealthCheck, MatchMayComeAfterTheUpstream) {
  const std::string text =
      "http {\nupstream app { server 10.0.0.1; health_check match=ok; }\n"
      "server { listen 127.0.0.1:8080; location / { proxy_pass http://app; } }\n"
      "match ok { status ! 500-599; header ! X-Down; header X-Up; header Server != bad; }\n}\n";
  Config config = load_config_text(text, "t.conf");
  EXPECT_TRUE(config.http.matches.at(0).tests.at(0).negated);
}

TEST(ConfigMatch, BadTestsAreReportedWhereTheyAre) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;", "match m { status 200-99; }\n")),
            "t.conf:2:18: invalid status \"200-99\" in \"status\" test, expected a code from 100 "
            "to 599 or a range such as \"200-399\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;", "match m { body ~ \"(\"; }\n")),
            "t.conf:2:18: invalid regex \"(\": missing ): (");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;", "match m { sound 1; }\n")),
            "t.conf:2:11: unknown test \"sound\" in \"match\" block, expected \"status\", "
            "\"header\" or \"body\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;", "match m { }\nmatch m { }\n")),
            "t.conf:3:7: duplicate match \"m\", first defined at t.conf:2:1");
}

TEST(ConfigAgent, ServerParameters) {
  Config config = load_config_text(
      with_upstream("server 10.0.0.1 agent_port=9999 agent_interval=500ms agent_send=ping\\n;"),
      "t.conf");
  const UpstreamServer& server = app(config).servers.at(0);
  EXPECT_EQ(server.agent_port, 9999);
  EXPECT_EQ(server.agent_interval, Duration(500));
  EXPECT_EQ(server.agent_send, "ping\n");
  config = load_config_text(with_upstream("server 10.0.0.1 agent_port=1 agent_send=\"hi\\n\";"),
                            "t.conf");
  EXPECT_EQ(app(config).servers.at(0).agent_send, "hi\n");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1 agent_port=0;")),
            "t.conf:3:17: invalid value \"0\" in \"server\" directive, expected a number from 1 "
            "to 65535");
}

}  // namespace
}  // namespace yoke::config
