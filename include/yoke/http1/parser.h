#pragma once
// Pure HTTP/1.1 parsing (RFC 9112): bytes in, heads and body events out, no I/O, no allocation.
//
// Strict on purpose, against request smuggling (RFC 9112 §6.3, §11.2): a request is rejected
// with 400 for Content-Length together with Transfer-Encoding, differing or malformed
// Content-Length, a Transfer-Encoding other than a single final "chunked", obs-fold, whitespace
// between a field name and its colon, invalid characters in names or values, NUL or a bare CR,
// and a missing Host on HTTP/1.1; 414 for an over-long request line; 431 for over-long fields
// or heads; 505 for versions other than 1.0 / 1.1; 501 for an unknown transfer coding.
// Lines may end in CRLF or a bare LF (RFC 9112 §2.2 lets recipients accept LF).
#include <cstdint>
#include <string_view>

#include "yoke/http1/message.h"

namespace yoke::http1 {

// Parses a request head from the start of bytes. Returns kIncomplete when the head has not fully
// arrived yet (the caller reads more and calls again with all bytes from the start), kComplete
// with out filled and out.head_size set, or kError. Leading empty lines before the request line
// are skipped (RFC 9112 §2.2) and counted in head_size.
ParseResult parse_request_head(std::string_view bytes, const Limits& limits, RequestHead& out);

// Parses a response head. request_was_head: the request was HEAD, so there is no body.
// 1xx, 204 and 304 responses have no body (RFC 9112 §6.3). Content-Length and
// Transfer-Encoding together: Transfer-Encoding wins and keep_alive becomes false. A response
// with neither has BodyKind::kUntilClose and keep_alive false.
ParseResult parse_response_head(std::string_view bytes, const Limits& limits, bool request_was_head,
                                ResponseHead& out);

// Incremental decoder of the chunked transfer coding (RFC 9112 §7.1), including chunk
// extensions (validated, then ignored) and the trailer section. A trailer field that must not
// be one (RFC 9110 §6.5.1: framing — Content-Length and the hop-by-hop fields, Transfer-Encoding
// among them — and routing, Host) is an error: a next hop that merges trailers into the header
// section would otherwise get a second framing or a second Host.
class ChunkedDecoder {
 public:
  enum class Event : std::uint8_t {
    kNeedMore,  // the input holds no complete next element; call again with more bytes
    kData,      // data is a piece of chunk payload (a view into the input)
    kDone,      // last chunk and trailer section consumed; trailers holds the trailer field
                // lines as received (each ending in CRLF/LF, without the final empty line):
                // walk them with TrailerFields to forward them with CRLF line ends
    kError,     // malformed; reason says why. The message must be rejected (400 / 502).
  };
  struct Step {
    Event event = Event::kNeedMore;
    // Bytes of the input used by this step, on every event (kNeedMore too: a size line or a
    // chunk's CRLF may have been used); drop them. Includes framing before kData's data.
    std::size_t consumed = 0;
    std::string_view data;      // kData only
    std::string_view trailers;  // kDone only
    std::string_view reason;    // kError only (static string)
  };

  // Decodes the next element from input (the bytes not yet consumed). Call repeatedly, dropping
  // `consumed` bytes each time, until kNeedMore (read more) or kDone. A chunk-size line or the
  // trailer section is only consumed once complete; a chunk-size line longer than 4 KiB, a
  // size that overflows 64 bits, or a trailer section over 8 KiB is an error.
  Step next(std::string_view input);

  // True once kDone was returned.
  bool done() const { return state_ == State::kDone; }
  void reset() { *this = ChunkedDecoder(); }

 private:
  enum class State : std::uint8_t { kSize, kData, kDataEnd, kTrailers, kDone, kError };

  // One element each; the bool ones return true when the next element may follow in input.
  bool consume_size_line(std::string_view input, Step& step);
  bool consume_data_end(std::string_view input, Step& step);
  void take_data(std::string_view input, Step& step);
  void consume_trailers(std::string_view input, Step& step);
  void fail(Step& step, std::string_view reason);

  State state_ = State::kSize;
  std::uint64_t remaining_ = 0;  // payload bytes left in the current chunk
  std::string_view error_;       // static reason, repeated by calls after kError
};

// The fields of a trailer section ChunkedDecoder returned with kDone, one at a time. The
// section was validated by the decoder, so every line is a well-formed field line; the views
// point into it. Forwarding name and value with a CRLF Yoke writes itself keeps a bare LF the
// decoder accepted (RFC 9112 §2.2) from reaching a next hop that reads only CRLF — which would
// take the rest of the connection for trailer lines.
class TrailerFields {
 public:
  explicit TrailerFields(std::string_view trailers) : trailers_(trailers) {}
  // Sets field to the next trailer field and returns true, or returns false at the end.
  bool next(Header& field);

 private:
  std::string_view trailers_;
  std::size_t pos_ = 0;
};

}  // namespace yoke::http1
