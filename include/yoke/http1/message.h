#pragma once
// HTTP/1.1 message heads as parsed by yoke::http1 (RFC 9112). Every string_view points into the
// caller's receive buffer: the parser never copies and never allocates. A head stays valid only
// while those bytes stay where they are.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace yoke::http1 {

inline constexpr std::size_t kMaxHeaders = 100;

struct Header {
  std::string_view name;   // as received (case preserved); compare case-insensitively
  std::string_view value;  // leading and trailing whitespace (SP / HTAB) removed
};

// How the body that follows a head is delimited (RFC 9112 §6.3).
enum class BodyKind : std::uint8_t {
  kNone,           // no body
  kContentLength,  // exactly content_length bytes
  kChunked,        // chunked transfer coding; decode with ChunkedDecoder
  kUntilClose,     // responses only: body ends when the server closes
};

// Limits; exceeding them is an error with the status given in brackets.
struct Limits {
  std::size_t max_request_line = 8192;    // request line longer than this [414]
  std::size_t max_field_line = 8192;      // one header line longer than this [431]
  std::size_t max_head = 32768;           // whole head longer than this [431]
  std::size_t max_headers = kMaxHeaders;  // more header fields than this [431]
};

enum class ParseState : std::uint8_t { kIncomplete, kComplete, kError };

struct ParseResult {
  ParseState state = ParseState::kIncomplete;
  int status = 0;           // on kError: the status to answer with (400, 414, 431, 501, 505)
  std::string_view reason;  // on kError: a static, human-readable reason for logs
};

struct RequestHead {
  std::string_view method;
  std::string_view target;  // request-target as received (origin-form, or absolute-form)
  // origin-form path: target up to '?'. Absolute-form: its path part, or a static "/" when
  // the target has none (RFC 9112 §3.2.1; the one view that may not point into the buffer).
  std::string_view path;
  std::string_view query;  // after '?', without it; empty when there is none
  int version_minor = 1;   // 0 for HTTP/1.0, 1 for HTTP/1.1
  Header headers[kMaxHeaders];
  std::size_t header_count = 0;
  std::string_view host;            // Host field value, or the authority of an absolute-form target
  BodyKind body = BodyKind::kNone;  // kNone, kContentLength or kChunked
  std::uint64_t content_length = 0;
  bool keep_alive = true;        // from version and Connection: close / keep-alive
  bool expect_continue = false;  // Expect: 100-continue
  bool upgrade = false;          // Connection contains "upgrade" and an Upgrade field is present
  std::size_t head_size = 0;     // bytes of the head, including the empty line that ends it
};

struct ResponseHead {
  int status = 0;
  std::string_view reason;
  int version_minor = 1;
  Header headers[kMaxHeaders];
  std::size_t header_count = 0;
  BodyKind body = BodyKind::kNone;
  std::uint64_t content_length = 0;
  bool keep_alive = true;  // the server will keep the connection open after this response
  std::size_t head_size = 0;
};

// True for the hop-by-hop fields a proxy must not forward (RFC 9110 §7.6.1): Connection,
// Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade. Fields named in a
// Connection header are hop-by-hop too; see named_in_connection().
bool is_hop_by_hop(std::string_view field_name);

// True when field_name is listed in any Connection header of the head.
bool named_in_connection(const Header* headers, std::size_t count, std::string_view field_name);

// ASCII case-insensitive comparison of field names and tokens.
bool iequals(std::string_view a, std::string_view b);

}  // namespace yoke::http1
