// Table of request heads, valid and malformed: every rejection rule of parse_request_head at
// least once, with the status it must produce (RFC 9112 §2-§7, smuggling rules of §6.3, §11.2).
#include <gtest/gtest.h>

#include <string>

#include "yoke/http1/parser.h"

namespace yoke::http1 {
namespace {

using State = ParseState;

struct RequestCase {
  std::string_view name;
  std::string_view bytes;
  State state = State::kComplete;
  int status = 0;  // kError only
  // Checked on kComplete only.
  std::string_view method = "GET";
  std::string_view path = "/";
  std::string_view query = "";
  std::string_view host = "a";
  BodyKind body = BodyKind::kNone;
  std::uint64_t content_length = 0;
  bool keep_alive = true;
  int version_minor = 1;
  bool expect_continue = false;
  bool upgrade = false;
};

constexpr State kError = State::kError;
constexpr State kIncomplete = State::kIncomplete;

const RequestCase kCases[] = {
    // Valid requests.
    {.name = "simple_get_with_query",
     .bytes = "GET /search?q=x&n=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n",
     .path = "/search",
     .query = "q=x&n=1"},
    {.name = "http10_without_host_closes",
     .bytes = "GET /x HTTP/1.0\r\n\r\n",
     .path = "/x",
     .host = "",
     .keep_alive = false,
     .version_minor = 0},
    {.name = "http10_keep_alive",
     .bytes = "GET / HTTP/1.0\r\nHost: a\r\nConnection: Keep-Alive\r\n\r\n",
     .version_minor = 0},
    {.name = "http11_connection_close",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
     .keep_alive = false},
    {.name = "connection_list_close_wins",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive\r\nConnection: x, CLOSE\r\n\r\n",
     .keep_alive = false},
    {.name = "http11_keep_alive_token",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n"},
    {.name = "post_content_length",
     .bytes = "POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n",
     .method = "POST",
     .path = "/f",
     .body = BodyKind::kContentLength,
     .content_length = 5},
    {.name = "content_length_zero",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
     .method = "POST",
     .body = BodyKind::kContentLength},
    {.name = "content_length_leading_zeros",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n",
     .method = "POST",
     .body = BodyKind::kContentLength,
     .content_length = 7},
    {.name = "content_length_identical_list_accepted",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n",
     .method = "POST",
     .body = BodyKind::kContentLength,
     .content_length = 5},
    {.name = "content_length_identical_duplicate_accepted",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
     .method = "POST",
     .body = BodyKind::kContentLength,
     .content_length = 5},
    {.name = "content_length_int64_max",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775807\r\n\r\n",
     .method = "POST",
     .body = BodyKind::kContentLength,
     .content_length = 9223372036854775807ULL},
    {.name = "chunked",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
     .method = "POST",
     .body = BodyKind::kChunked},
    {.name = "chunked_mixed_case",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ChUnKeD\r\n\r\n",
     .method = "POST",
     .body = BodyKind::kChunked},
    {.name = "leading_crlf_skipped", .bytes = "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"},
    {.name = "leading_lf_skipped", .bytes = "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"},
    {.name = "bare_lf_line_endings", .bytes = "GET / HTTP/1.1\nHost: a\nX: y\n\n"},
    {.name = "absolute_form",
     .bytes = "GET http://example.com:8080/a/b?c=d HTTP/1.1\r\nHost: other\r\n\r\n",
     .path = "/a/b",
     .query = "c=d",
     .host = "example.com:8080"},
    {.name = "absolute_form_empty_path",
     .bytes = "GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n",
     .host = "example.com"},
    {.name = "absolute_form_query_without_path",
     .bytes = "GET https://example.com?x HTTP/1.1\r\nHost: example.com\r\n\r\n",
     .query = "x",
     .host = "example.com"},
    {.name = "absolute_form_scheme_case_insensitive",
     .bytes = "GET HTTPS://example.com/p HTTP/1.1\r\nHost: example.com\r\n\r\n",
     .path = "/p",
     .host = "example.com"},
    {.name = "options_asterisk",
     .bytes = "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
     .method = "OPTIONS",
     .path = "*"},
    {.name = "connect_authority_form",
     .bytes = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
     .method = "CONNECT",
     .path = "",
     .host = "example.com:443"},
    {.name = "expect_100_continue",
     .bytes = "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n",
     .method = "PUT",
     .body = BodyKind::kContentLength,
     .content_length = 3,
     .expect_continue = true},
    {.name = "expect_ignored_in_http10",
     .bytes = "PUT / HTTP/1.0\r\nHost: a\r\nExpect: 100-continue\r\n\r\n",
     .method = "PUT",
     .keep_alive = false,
     .version_minor = 0},
    {.name = "upgrade_websocket",
     .bytes = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\n"
              "Upgrade: websocket\r\n\r\n",
     .path = "/ws",
     .upgrade = true},
    {.name = "upgrade_field_without_connection_token",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n"},
    {.name = "obs_text_in_value",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xc3\xa9\r\n\r\n"},
    {.name = "ows_trimmed_and_empty_value",
     .bytes = "GET / HTTP/1.1\r\nHost: \t a \t\r\nX-Empty:\r\nX-Spaces:   \r\n\r\n"},
    {.name = "host_ipv6_literal",
     .bytes = "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
     .host = "[::1]:8080"},
    {.name = "extension_method",
     .bytes = "PURGE /cache HTTP/1.1\r\nHost: a\r\n\r\n",
     .method = "PURGE",
     .path = "/cache"},
    {.name = "raw_utf8_in_target",
     .bytes = "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n",
     .path = "/caf\xc3\xa9"},

    // Framing: Content-Length and Transfer-Encoding (RFC 9112 §6.3).
    {.name = "content_length_and_transfer_encoding",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
              "Transfer-Encoding: chunked\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "transfer_encoding_and_content_length",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
              "Content-Length: 5\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_differing_fields",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_differing_list",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_empty_list_element",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_non_digit",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_empty",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_negative",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_plus_sign",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_hex",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_overflow",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_uint64_overflow",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "chunked_not_final",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "transfer_encoding_without_chunked",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "chunked_twice_in_list",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "chunked_twice_in_fields",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
              "Transfer-Encoding: chunked\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "unknown_coding_before_chunked",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
     .state = kError,
     .status = 501},
    {.name = "unknown_coding_in_earlier_field",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x-custom\r\n"
              "Transfer-Encoding: chunked\r\n\r\n",
     .state = kError,
     .status = 501},
    {.name = "chunked_with_parameter",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;q=1\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "transfer_encoding_empty_element",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked,\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "transfer_encoding_empty",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "transfer_encoding_in_http10",
     .bytes = "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
     .state = kError,
     .status = 400},

    // Field-line syntax (RFC 9112 §5, RFC 9110 §5.5).
    {.name = "obs_fold",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "obs_fold_tab",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\tz\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "whitespace_before_first_field",
     .bytes = "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "space_before_colon",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nContent-Length : 5\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "tab_before_colon",
     .bytes = "GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "empty_field_name",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "field_without_colon",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "invalid_character_in_name",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nX(y): z\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "obs_text_in_name",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nX\xe9: z\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "control_in_value",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01z\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "del_in_value",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fz\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "nul_in_value",
     .bytes = std::string_view("GET / HTTP/1.1\r\nHost: a\r\nX: a\0z\r\n\r\n", 35),
     .state = kError,
     .status = 400},
    {.name = "nul_in_name",
     .bytes = std::string_view("GET / HTTP/1.1\r\nHost: a\r\nX\0: z\r\n\r\n", 34),
     .state = kError,
     .status = 400},
    {.name = "nul_in_request_line",
     .bytes = std::string_view("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n", 30),
     .state = kError,
     .status = 400},
    {.name = "bare_cr_in_value",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "bare_cr_ending_field_line",
     .bytes = "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "bare_cr_ending_request_line",
     .bytes = "GET / HTTP/1.1\rHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "bare_cr_as_empty_line",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\n\r\r\n",
     .state = kError,
     .status = 400},

    // Host (RFC 9112 §3.2).
    {.name = "missing_host_http11",
     .bytes = "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "missing_host_absolute_form",
     .bytes = "GET http://a/ HTTP/1.1\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "two_host_fields",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "two_host_fields_http10",
     .bytes = "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "empty_host",
     .bytes = "GET / HTTP/1.1\r\nHost:\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "host_with_slash",
     .bytes = "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "host_with_space",
     .bytes = "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "host_with_userinfo",
     .bytes = "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n",
     .state = kError,
     .status = 400},

    // Request line (RFC 9112 §3).
    {.name = "invalid_method_character",
     .bytes = "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "empty_method",
     .bytes = " / HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "double_space_after_method",
     .bytes = "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "space_in_target",
     .bytes = "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "tab_in_target",
     .bytes = "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "control_in_target",
     .bytes = "GET /a\x01 HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "del_in_target",
     .bytes = "GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "target_not_origin_form",
     .bytes = "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "asterisk_outside_options",
     .bytes = "GET * HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "authority_form_outside_connect",
     .bytes = "GET example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "connect_with_origin_form",
     .bytes = "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "connect_without_port",
     .bytes = "CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "absolute_form_userinfo",
     .bytes = "GET http://user:pw@example.com/ HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "absolute_form_empty_authority",
     .bytes = "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "absolute_form_other_scheme",
     .bytes = "GET ftp://example.com/ HTTP/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "http_2_0",
     .bytes = "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 505},
    {.name = "http_1_2",
     .bytes = "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 505},
    {.name = "http_0_9",
     .bytes = "GET / HTTP/0.9\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 505},
    {.name = "version_without_minor",
     .bytes = "GET / HTTP/1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "version_lowercase",
     .bytes = "GET / http/1.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "version_two_digit_major",
     .bytes = "GET / HTTP/10.1\r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "version_trailing_space",
     .bytes = "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "http09_simple_request", .bytes = "GET /\r\n\r\n", .state = kError, .status = 400},
    // CGI-style servers read "_" as "-": a look-alike of a framing field is refused.
    {.name = "transfer_encoding_with_underscore",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nTransfer_Encoding: chunked\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_with_underscore",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\ncontent_length: 5\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "content_length_with_underscore_beside_the_real_one",
     .bytes = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent_Length: 0\r\n\r\n",
     .state = kError,
     .status = 400},
    {.name = "tls_client_hello_rejected_early",
     .bytes = "\x16\x03\x01\x02\x00\x01\x00\x01",
     .state = kError,
     .status = 400},

    // Not yet complete.
    {.name = "empty_input", .bytes = "", .state = kIncomplete},
    {.name = "only_empty_lines", .bytes = "\r\n\r\n", .state = kIncomplete},
    {.name = "partial_request_line", .bytes = "GET /index.ht", .state = kIncomplete},
    {.name = "request_line_awaiting_lf", .bytes = "GET / HTTP/1.1\r", .state = kIncomplete},
    {.name = "head_without_empty_line",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\n",
     .state = kIncomplete},
    {.name = "head_awaiting_final_lf",
     .bytes = "GET / HTTP/1.1\r\nHost: a\r\n\r",
     .state = kIncomplete},
};

class RequestTable : public testing::TestWithParam<RequestCase> {};

TEST_P(RequestTable, ParsesAsExpected) {
  const RequestCase& c = GetParam();
  // Copy into an exact-size heap buffer, so ASan catches any read past the end.
  const std::string bytes(c.bytes);
  RequestHead head;
  const ParseResult result = parse_request_head(bytes, Limits{}, head);
  ASSERT_EQ(result.state, c.state) << result.reason;
  if (c.state == kError) {
    EXPECT_EQ(result.status, c.status) << result.reason;
    EXPECT_FALSE(result.reason.empty());
    return;
  }
  if (c.state != State::kComplete) return;
  EXPECT_EQ(head.head_size, bytes.size());
  EXPECT_EQ(head.method, c.method);
  EXPECT_EQ(head.path, c.path);
  EXPECT_EQ(head.query, c.query);
  EXPECT_EQ(head.host, c.host);
  EXPECT_EQ(head.body, c.body);
  EXPECT_EQ(head.content_length, c.content_length);
  EXPECT_EQ(head.keep_alive, c.keep_alive);
  EXPECT_EQ(head.version_minor, c.version_minor);
  EXPECT_EQ(head.expect_continue, c.expect_continue);
  EXPECT_EQ(head.upgrade, c.upgrade);
}

INSTANTIATE_TEST_SUITE_P(Http1, RequestTable, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<RequestCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(Http1Request, HeadersKeepOrderCaseAndTrimmedValues) {
  const std::string bytes = "GET / HTTP/1.1\r\nHost: a\r\nX-Two:  b c  \r\nx-three:\r\n\r\nBODY";
  RequestHead head;
  ASSERT_EQ(parse_request_head(bytes, Limits{}, head).state, ParseState::kComplete);
  ASSERT_EQ(head.header_count, 3u);
  EXPECT_EQ(head.headers[0].name, "Host");
  EXPECT_EQ(head.headers[1].name, "X-Two");
  EXPECT_EQ(head.headers[1].value, "b c");
  EXPECT_EQ(head.headers[2].name, "x-three");
  EXPECT_EQ(head.headers[2].value, "");
  EXPECT_EQ(head.target, "/");
  EXPECT_EQ(bytes.substr(head.head_size), "BODY");
}

TEST(Http1Request, PipelinedRequestsParseOneAtATime) {
  const std::string bytes = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n";
  RequestHead head;
  ASSERT_EQ(parse_request_head(bytes, Limits{}, head).state, ParseState::kComplete);
  EXPECT_EQ(head.path, "/1");
  const std::string_view rest = std::string_view(bytes).substr(head.head_size);
  ASSERT_EQ(parse_request_head(rest, Limits{}, head).state, ParseState::kComplete);
  EXPECT_EQ(head.path, "/2");
  EXPECT_EQ(head.host, "b");
  EXPECT_EQ(head.head_size, rest.size());
}

TEST(Http1Request, ReusedHeadIsReset) {
  RequestHead head;
  ASSERT_EQ(
      parse_request_head("POST / HTTP/1.0\r\nContent-Length: 4\r\n\r\n", Limits{}, head).state,
      ParseState::kComplete);
  ASSERT_EQ(parse_request_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n", Limits{}, head).state,
            ParseState::kComplete);
  EXPECT_EQ(head.body, BodyKind::kNone);
  EXPECT_EQ(head.content_length, 0u);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_EQ(head.version_minor, 1);
  EXPECT_EQ(head.header_count, 1u);
}

}  // namespace
}  // namespace yoke::http1
