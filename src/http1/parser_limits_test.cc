// Limits on request line, field lines, head size and field count — including the early
// rejection of a line or head that has not finished arriving but is already too long.
#include <gtest/gtest.h>

#include <string>

#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

ParseResult parse(const std::string& bytes, const Limits& limits) {
  RequestHead head;
  return parse_request_head(bytes, limits, head);
}

// A request line of exactly `length` bytes, without its CRLF.
std::string request_line(std::size_t length) {
  const std::string fixed = "GET / HTTP/1.1";
  return "GET /" + std::string(length - fixed.size(), 'a') + " HTTP/1.1";
}

TEST(Http1Limits, RequestLineAtTheLimitIsAccepted) {
  Limits limits;
  limits.max_request_line = 100;
  const ParseResult result = parse(request_line(100) + "\r\nHost: a\r\n\r\n", limits);
  EXPECT_EQ(result.state, ParseState::kComplete) << result.reason;
}

TEST(Http1Limits, RequestLineOverTheLimitIs414) {
  Limits limits;
  limits.max_request_line = 100;
  const ParseResult result = parse(request_line(101) + "\r\nHost: a\r\n\r\n", limits);
  EXPECT_EQ(result.state, ParseState::kError);
  EXPECT_EQ(result.status, 414);
}

TEST(Http1Limits, IncompleteRequestLineOverTheLimitIs414Early) {
  Limits limits;
  limits.max_request_line = 100;
  EXPECT_EQ(parse(request_line(100), limits).state, ParseState::kIncomplete);
  EXPECT_EQ(parse(request_line(100) + "\r", limits).state, ParseState::kIncomplete);
  const ParseResult result = parse(request_line(101), limits);
  EXPECT_EQ(result.state, ParseState::kError);
  EXPECT_EQ(result.status, 414);
}

TEST(Http1Limits, FieldLineLimit) {
  Limits limits;
  limits.max_field_line = 50;
  const std::string at_limit = "X: " + std::string(47, 'v');
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\n" + at_limit + "\r\n\r\n", limits).state,
            ParseState::kComplete);
  const ParseResult over = parse("GET / HTTP/1.1\r\nHost: a\r\n" + at_limit + "v\r\n\r\n", limits);
  EXPECT_EQ(over.state, ParseState::kError);
  EXPECT_EQ(over.status, 431);
  const ParseResult early = parse("GET / HTTP/1.1\r\nHost: a\r\n" + at_limit + "v", limits);
  EXPECT_EQ(early.state, ParseState::kError);
  EXPECT_EQ(early.status, 431);
}

TEST(Http1Limits, HeadSizeLimit) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\nX: 0123456789\r\n\r\n";
  Limits limits;
  limits.max_head = head.size();
  EXPECT_EQ(parse(head, limits).state, ParseState::kComplete);
  // Body bytes after a complete head do not count.
  EXPECT_EQ(parse(head + std::string(100, 'b'), limits).state, ParseState::kComplete);
  limits.max_head = head.size() - 1;
  const ParseResult over = parse(head, limits);
  EXPECT_EQ(over.state, ParseState::kError);
  EXPECT_EQ(over.status, 431);
}

TEST(Http1Limits, IncompleteHeadOverTheLimitIs431Early) {
  Limits limits;
  limits.max_head = 64;
  std::string bytes = "GET / HTTP/1.1\r\nHost: a\r\n";
  while (bytes.size() <= limits.max_head) bytes += "X: y\r\n";
  const ParseResult result = parse(bytes, limits);
  EXPECT_EQ(result.state, ParseState::kError);
  EXPECT_EQ(result.status, 431);
}

TEST(Http1Limits, LeadingEmptyLinesCountTowardsTheHead) {
  Limits limits;
  limits.max_head = 40;
  const ParseResult result = parse(std::string(50, '\n'), limits);
  EXPECT_EQ(result.state, ParseState::kError);
  EXPECT_EQ(result.status, 431);
  RequestHead head;
  ASSERT_EQ(parse_request_head("\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", Limits{}, head).state,
            ParseState::kComplete);
  EXPECT_EQ(head.head_size, 30u);
}

std::string request_with_fields(std::size_t count) {
  std::string bytes = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (std::size_t i = 1; i < count; ++i) bytes += "X-" + std::to_string(i) + ": v\r\n";
  return bytes + "\r\n";
}

TEST(Http1Limits, FieldCountLimit) {
  Limits limits;
  limits.max_headers = 10;
  EXPECT_EQ(parse(request_with_fields(10), limits).state, ParseState::kComplete);
  const ParseResult over = parse(request_with_fields(11), limits);
  EXPECT_EQ(over.state, ParseState::kError);
  EXPECT_EQ(over.status, 431);
}

TEST(Http1Limits, FieldCountNeverExceedsTheHeaderArray) {
  Limits limits;
  limits.max_headers = kMaxHeaders * 2;
  EXPECT_EQ(parse(request_with_fields(kMaxHeaders), limits).state, ParseState::kComplete);
  const ParseResult over = parse(request_with_fields(kMaxHeaders + 1), limits);
  EXPECT_EQ(over.state, ParseState::kError);
  EXPECT_EQ(over.status, 431);
}

TEST(Http1Limits, ResponseLimitsAre502) {
  Limits limits;
  limits.max_headers = 1;
  limits.max_request_line = 30;
  ResponseHead head;
  ParseResult result =
      parse_response_head("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n", limits, false, head);
  EXPECT_EQ(result.state, ParseState::kError);
  EXPECT_EQ(result.status, 502);
  result = parse_response_head("HTTP/1.1 200 " + std::string(40, 'x'), limits, false, head);
  EXPECT_EQ(result.state, ParseState::kError);
  EXPECT_EQ(result.status, 502);
  limits = Limits{};
  limits.max_head = 20;
  result = parse_response_head("HTTP/1.1 200 OK\r\nA: 0123456789", limits, false, head);
  EXPECT_EQ(result.state, ParseState::kError);
  EXPECT_EQ(result.status, 502);
}

}  // namespace
}  // namespace yoke::http1
