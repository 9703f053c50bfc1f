// Table of response heads: status line, framing per RFC 9112 §6.3, keep-alive, and the 502s.
#include <gtest/gtest.h>

#include <string>

#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

using State = ParseState;
constexpr State kError = State::kError;
constexpr State kIncomplete = State::kIncomplete;

struct ResponseCase {
  std::string_view name;
  std::string_view bytes;
  bool request_was_head = false;
  State state = State::kComplete;
  int status_code = 200;  // on kComplete: the parsed status; on kError: the status to answer
  std::string_view reason = "OK";
  BodyKind body = BodyKind::kContentLength;
  std::uint64_t content_length = 0;
  bool keep_alive = true;
  int version_minor = 1;
};

const ResponseCase kCases[] = {
    {.name = "content_length",
     .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n",
     .content_length = 12},
    {.name = "content_length_zero", .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
    {.name = "chunked",
     .bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
     .body = BodyKind::kChunked},
    {.name = "no_framing_reads_until_close",
     .bytes = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n",
     .body = BodyKind::kUntilClose,
     .keep_alive = false},
    {.name = "http10_closes_by_default",
     .bytes = "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n",
     .content_length = 1,
     .keep_alive = false,
     .version_minor = 0},
    {.name = "http10_keep_alive",
     .bytes = "HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\n",
     .content_length = 1,
     .version_minor = 0},
    {.name = "connection_close",
     .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: Close\r\n\r\n",
     .content_length = 1,
     .keep_alive = false},
    {.name = "no_content_204",
     .bytes = "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
     .status_code = 204,
     .reason = "No Content",
     .body = BodyKind::kNone},
    {.name = "not_modified_304",
     .bytes = "HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n",
     .status_code = 304,
     .reason = "Not Modified",
     .body = BodyKind::kNone},
    {.name = "continue_100",
     .bytes = "HTTP/1.1 100 Continue\r\n\r\n",
     .status_code = 100,
     .reason = "Continue",
     .body = BodyKind::kNone},
    {.name = "switching_protocols_101",
     .bytes =
         "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
     .status_code = 101,
     .reason = "Switching Protocols",
     .body = BodyKind::kNone},
    {.name = "head_request_has_no_body",
     .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n",
     .request_was_head = true,
     .body = BodyKind::kNone},
    {.name = "head_request_without_length_keeps_alive",
     .bytes = "HTTP/1.1 200 OK\r\n\r\n",
     .request_was_head = true,
     .body = BodyKind::kNone},
    {.name = "transfer_encoding_wins_over_length",
     .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
     .body = BodyKind::kChunked,
     .keep_alive = false},
    {.name = "gzip_then_chunked",
     .bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
     .body = BodyKind::kChunked},
    {.name = "transfer_encoding_not_chunked_reads_until_close",
     .bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
     .body = BodyKind::kUntilClose,
     .keep_alive = false},
    {.name = "chunked_not_final_reads_until_close",
     .bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
     .body = BodyKind::kUntilClose,
     .keep_alive = false},
    {.name = "empty_reason_with_space",
     .bytes = "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n",
     .reason = ""},
    {.name = "empty_reason_without_space",
     .bytes = "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
     .reason = ""},
    {.name = "reason_with_obs_text_and_tab",
     .bytes = "HTTP/1.1 404 Nicht gefunden \xe2\x80\x94\tnope\r\nContent-Length: 0\r\n\r\n",
     .status_code = 404,
     .reason = "Nicht gefunden \xe2\x80\x94\tnope"},
    {.name = "status_above_599_accepted",
     .bytes = "HTTP/1.1 799 Custom\r\nContent-Length: 0\r\n\r\n",
     .status_code = 799,
     .reason = "Custom"},
    {.name = "bare_lf_line_endings",
     .bytes = "HTTP/1.1 200 OK\nContent-Length: 3\n\n",
     .content_length = 3},
    {.name = "identical_content_lengths",
     .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n",
     .content_length = 3},

    {.name = "invalid_content_length",
     .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "differing_content_lengths",
     .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "invalid_content_length_on_204",
     .bytes = "HTTP/1.1 204 No Content\r\nContent-Length: -1\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "chunked_twice",
     .bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "malformed_transfer_encoding",
     .bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: ,chunked\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "transfer_encoding_in_http10",
     .bytes = "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "http_2_0", .bytes = "HTTP/2.0 200 OK\r\n\r\n", .state = kError, .status_code = 502},
    {.name = "version_garbage",
     .bytes = "HTTP/1 200 OK\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "two_digit_status",
     .bytes = "HTTP/1.1 20 OK\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "status_below_100",
     .bytes = "HTTP/1.1 099 Odd\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "four_digit_status",
     .bytes = "HTTP/1.1 2000 OK\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "letters_in_status",
     .bytes = "HTTP/1.1 2x0 OK\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "control_in_reason",
     .bytes = "HTTP/1.1 200 O\x01K\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "bare_cr_in_reason",
     .bytes = "HTTP/1.1 200 O\rK\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "obs_fold",
     .bytes = "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "space_before_colon",
     .bytes = "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "leading_empty_line",
     .bytes = "\r\nHTTP/1.1 200 OK\r\n\r\n",
     .state = kError,
     .status_code = 502},
    {.name = "not_http_rejected_early", .bytes = "SSH-2.0", .state = kError, .status_code = 502},

    {.name = "partial_status_line", .bytes = "HTTP/1.1 20", .state = kIncomplete},
    {.name = "partial_version", .bytes = "HTT", .state = kIncomplete},
    {.name = "head_without_empty_line",
     .bytes = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n",
     .state = kIncomplete},
};

class ResponseTable : public testing::TestWithParam<ResponseCase> {};

TEST_P(ResponseTable, ParsesAsExpected) {
  const ResponseCase& c = GetParam();
  const std::string bytes(c.bytes);
  ResponseHead head;
  const ParseResult result = parse_response_head(bytes, Limits{}, c.request_was_head, head);
  ASSERT_EQ(result.state, c.state) << result.reason;
  if (c.state == kError) {
    EXPECT_EQ(result.status, c.status_code) << result.reason;
    EXPECT_FALSE(result.reason.empty());
    return;
  }
  if (c.state != State::kComplete) return;
  EXPECT_EQ(head.head_size, bytes.size());
  EXPECT_EQ(head.status, c.status_code);
  EXPECT_EQ(head.reason, c.reason);
  EXPECT_EQ(head.body, c.body);
  EXPECT_EQ(head.content_length, c.content_length);
  EXPECT_EQ(head.keep_alive, c.keep_alive);
  EXPECT_EQ(head.version_minor, c.version_minor);
}

INSTANTIATE_TEST_SUITE_P(Http1, ResponseTable, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<ResponseCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(Http1Response, HeadersAndBodyOffset) {
  const std::string bytes =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
  ResponseHead head;
  ASSERT_EQ(parse_response_head(bytes, Limits{}, false, head).state, ParseState::kComplete);
  ASSERT_EQ(head.header_count, 2u);
  EXPECT_EQ(head.headers[0].name, "Content-Type");
  EXPECT_EQ(head.headers[0].value, "text/plain");
  EXPECT_EQ(bytes.substr(head.head_size), "hello");
}

}  // namespace
}  // namespace yoke::http1
