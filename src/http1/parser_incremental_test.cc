// Heads that arrive a byte at a time: every proper prefix of a valid head is kIncomplete (never
// an error, never complete), and the whole head parses exactly as it does in one read.
#include <gtest/gtest.h>

#include <string>

#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

const char* const kRequests[] = {
    "GET /search?q=x HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\n"
    "Accept: */*\r\n\r\n",
    "\r\nPOST /upload HTTP/1.1\r\nHost: a:8080\r\nContent-Length: 1234\r\n"
    "Expect: 100-continue\r\nConnection: keep-alive\r\n\r\n",
    "PUT /x HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n",
    "GET http://example.com/p HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n",
    "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
    "X-Empty:\r\n\r\n",
};

const char* const kResponses[] = {
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n",
    "HTTP/1.1 204\r\nDate: x\r\n\r\n",
    "HTTP/1.0 302 Found\nLocation: /x\nConnection: keep-alive\nContent-Length: 0\n\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
};

void expect_same(const RequestHead& a, const RequestHead& b) {
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.path, b.path);
  EXPECT_EQ(a.query, b.query);
  EXPECT_EQ(a.host, b.host);
  EXPECT_EQ(a.version_minor, b.version_minor);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.content_length, b.content_length);
  EXPECT_EQ(a.keep_alive, b.keep_alive);
  EXPECT_EQ(a.expect_continue, b.expect_continue);
  EXPECT_EQ(a.upgrade, b.upgrade);
  EXPECT_EQ(a.head_size, b.head_size);
  ASSERT_EQ(a.header_count, b.header_count);
  for (std::size_t i = 0; i < a.header_count; ++i) {
    EXPECT_EQ(a.headers[i].name, b.headers[i].name);
    EXPECT_EQ(a.headers[i].value, b.headers[i].value);
  }
}

TEST(Http1Incremental, RequestByteAtATime) {
  for (const char* message : kRequests) {
    const std::string whole(message);
    SCOPED_TRACE(whole);
    RequestHead one_shot;
    ASSERT_EQ(parse_request_head(whole, Limits{}, one_shot).state, ParseState::kComplete);
    RequestHead head;
    for (std::size_t size = 0; size < whole.size(); ++size) {
      const std::string prefix = whole.substr(0, size);  // exact-size buffer for ASan
      const ParseResult result = parse_request_head(prefix, Limits{}, head);
      ASSERT_EQ(result.state, ParseState::kIncomplete)
          << "prefix " << size << ": " << result.reason;
    }
    ASSERT_EQ(parse_request_head(whole, Limits{}, head).state, ParseState::kComplete);
    expect_same(head, one_shot);
    EXPECT_EQ(head.head_size, whole.size());
  }
}

TEST(Http1Incremental, ResponseByteAtATime) {
  for (const char* message : kResponses) {
    const std::string whole(message);
    SCOPED_TRACE(whole);
    ResponseHead one_shot;
    ASSERT_EQ(parse_response_head(whole, Limits{}, false, one_shot).state, ParseState::kComplete);
    ResponseHead head;
    for (std::size_t size = 0; size < whole.size(); ++size) {
      const std::string prefix = whole.substr(0, size);
      const ParseResult result = parse_response_head(prefix, Limits{}, false, head);
      ASSERT_EQ(result.state, ParseState::kIncomplete)
          << "prefix " << size << ": " << result.reason;
    }
    ASSERT_EQ(parse_response_head(whole, Limits{}, false, head).state, ParseState::kComplete);
    EXPECT_EQ(head.status, one_shot.status);
    EXPECT_EQ(head.reason, one_shot.reason);
    EXPECT_EQ(head.body, one_shot.body);
    EXPECT_EQ(head.content_length, one_shot.content_length);
    EXPECT_EQ(head.keep_alive, one_shot.keep_alive);
    EXPECT_EQ(head.header_count, one_shot.header_count);
    EXPECT_EQ(head.head_size, whole.size());
  }
}

}  // namespace
}  // namespace yoke::http1
