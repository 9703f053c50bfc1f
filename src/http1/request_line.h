#pragma once
// The request line (RFC 9112 §3): a one-pass fast path for the well-formed, complete lines that
// nearly every request has, and the general path that finds the line first and tells every
// error apart. The parser tries the first, then the second; request_line_test.cc checks that
// they agree wherever the fast path answers.
#include <cstddef>
#include <string_view>

#include "yoke/http1/message.h"

namespace yoke::http1 {

// The fast path for the request line at line_begin of bytes: when it is complete and
// well-formed — method SP request-target SP HTTP/1.0 or HTTP/1.1, then CRLF or LF, content at
// most max_line bytes — sets out.method, out.target and out.version_minor and returns the
// offset after the line ending. Anything else returns 0 and leaves out alone.
std::size_t scan_clean_request_line(std::string_view bytes, std::size_t line_begin,
                                    std::size_t max_line, RequestHead& out);

// The general path for the request line at line_begin: kIncomplete while it has not arrived
// (rejecting early what is already wrong or too long), errors 400 / 414 / 431 / 505, or
// kComplete with method, target and version set and next the offset after the line.
ParseResult parse_request_line_general(std::string_view bytes, std::size_t line_begin,
                                       const Limits& limits, RequestHead& out, std::size_t& next);

// The fast path, else the general one; the same results as the general path alone.
ParseResult parse_request_line(std::string_view bytes, std::size_t line_begin, const Limits& limits,
                               RequestHead& out, std::size_t& next);

}  // namespace yoke::http1
