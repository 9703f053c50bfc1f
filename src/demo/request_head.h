#pragma once
// Minimal, strict parsing of an HTTP/1.1 request head for the demo backend. Only what the demo
// needs is extracted: the request line, how the body is framed, and connection persistence.
#include <cstdint>
#include <string_view>

namespace yoke::demo {

enum class BodyFraming { kNone, kLength, kChunked };

struct RequestHead {
  std::string_view method;
  std::string_view target;
  int minor_version = 1;  // HTTP/1.<minor>
  BodyFraming framing = BodyFraming::kNone;
  std::uint64_t content_length = 0;
  bool keep_alive = true;
  bool expect_continue = false;
};

// Parses `head`, which runs from the request line up to and including the blank line that ends
// the head. Views in `out` point into `head`. Returns false for a malformed head; the demo then
// answers 400 and closes, as RFC 9112 §11.2 advises when framing is ambiguous.
bool parse_request_head(std::string_view head, RequestHead& out);

}  // namespace yoke::demo
