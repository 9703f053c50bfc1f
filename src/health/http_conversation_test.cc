// HTTP health-check verdicts from response bytes, with and without match blocks.
#include "health/http_conversation.h"

#include <gtest/gtest.h>

#include "yoke/config/model.h"

namespace yoke::health {
namespace {

config::Match load_match(const std::string& tests) {
  const std::string text = "http {\nmatch m {" + tests +
                           "}\nupstream app { server 10.0.0.1; health_check match=m; }\n"
                           "server { listen 127.0.0.1:8080; location / { proxy_pass http://app; "
                           "} }\n}\n";
  return config::load_config_text(text, "t.conf").http.matches.at(0);
}

Verdict judge(const config::Match* match, const std::string& bytes, bool closed = false) {
  HttpConversation conversation("/health", "app", ResponseMatch(match));
  conversation.begin();
  return conversation.on_received(bytes, closed);
}

constexpr char kOk[] =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
    "{\"status\":\"ok\"}";

TEST(HttpConversation, SendsAGetWithHostAndConnectionClose) {
  HttpConversation conversation("/ready?x=1", "api.example.com:80", ResponseMatch(nullptr));
  EXPECT_EQ(conversation.request(),
            "GET /ready?x=1 HTTP/1.1\r\nHost: api.example.com:80\r\nUser-Agent: "
            "yoke-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n");
}

TEST(HttpConversation, DefaultPassesOn2xxAnd3xxOnly) {
  EXPECT_EQ(judge(nullptr, kOk), Verdict::kPass);
  EXPECT_EQ(judge(nullptr, "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n"), Verdict::kPass);
  EXPECT_EQ(judge(nullptr, "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n"), Verdict::kFail);
  EXPECT_EQ(judge(nullptr, "HTTP/1.1 404 No\r\nContent-Length: 0\r\n\r\n"), Verdict::kFail);
}

TEST(HttpConversation, IncompleteHeadsWaitUnlessThePeerClosed) {
  EXPECT_EQ(judge(nullptr, "HTTP/1.1 200 OK\r\nContent-"), Verdict::kMore);
  EXPECT_EQ(judge(nullptr, "HTTP/1.1 200 OK\r\nContent-", true), Verdict::kFail);
  EXPECT_EQ(judge(nullptr, "garbage\r\n\r\n"), Verdict::kFail);
}

TEST(HttpConversation, StatusListsRangesAndNegation) {
  const config::Match listed = load_match("status 200 204 300-303;");
  EXPECT_EQ(judge(&listed, "HTTP/1.1 204 No\r\n\r\n"), Verdict::kPass);
  EXPECT_EQ(judge(&listed, "HTTP/1.1 302 F\r\nContent-Length: 0\r\n\r\n"), Verdict::kPass);
  EXPECT_EQ(judge(&listed, "HTTP/1.1 201 C\r\nContent-Length: 0\r\n\r\n"), Verdict::kFail);
  const config::Match negated = load_match("status ! 500-599;");
  EXPECT_EQ(judge(&negated, "HTTP/1.1 404 N\r\nContent-Length: 0\r\n\r\n"), Verdict::kPass);
  EXPECT_EQ(judge(&negated, "HTTP/1.1 503 N\r\nContent-Length: 0\r\n\r\n"), Verdict::kFail);
}

TEST(HttpConversation, HeaderTests) {
  const config::Match match =
      load_match("header content-type ~ json; header ! X-Down; header Content-Length != 0;");
  EXPECT_EQ(judge(&match, kOk), Verdict::kPass);
  EXPECT_EQ(judge(&match,
                  "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1\r\n"
                  "\r\nx"),
            Verdict::kFail);
  EXPECT_EQ(judge(&match,
                  "HTTP/1.1 200 OK\r\nContent-Type: x/json\r\nX-Down: 1\r\n"
                  "Content-Length: 1\r\n\r\nx"),
            Verdict::kFail);
}

TEST(HttpConversation, BodyTestsWaitForTheWholeBody) {
  const config::Match match = load_match("status 200; body ~ \"\\\"status\\\":\\\"ok\\\"\";");
  EXPECT_EQ(judge(&match, kOk), Verdict::kPass);
  const std::string partial(kOk, std::string(kOk).size() - 3);
  EXPECT_EQ(judge(&match, partial), Verdict::kMore);
  EXPECT_EQ(judge(&match, partial, true), Verdict::kFail);
  EXPECT_EQ(judge(&match, "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"status\":\"down\"}"),
            Verdict::kFail);
  // Chunked, and a body that ends with the connection.
  EXPECT_EQ(judge(&match,
                  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5\r\n{\"sta\r\na\r\ntus\":\"ok\"}\r\n0\r\n\r\n"),
            Verdict::kPass);
  EXPECT_EQ(judge(&match, "HTTP/1.1 200 OK\r\n\r\n{\"status\":\"ok\"}"), Verdict::kMore);
  EXPECT_EQ(judge(&match, "HTTP/1.1 200 OK\r\n\r\n{\"status\":\"ok\"}", true), Verdict::kPass);
  const config::Match absent = load_match("body !~ error;");
  EXPECT_EQ(judge(&absent, "HTTP/1.1 500 E\r\nContent-Length: 2\r\n\r\nok"), Verdict::kPass);
}

}  // namespace
}  // namespace yoke::health
