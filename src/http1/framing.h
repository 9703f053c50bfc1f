#pragma once
// Interpretation of the fields that decide message framing and connection reuse — Host,
// Content-Length, Transfer-Encoding, Connection, Expect, Upgrade — shared by the request and
// response parsers. Fields are noted one at a time while the head is parsed (a single pass);
// the verdict is taken once the head is complete, because it depends on all of them together.
#include <array>
#include <cstdint>
#include <string_view>

#include "yoke/http1/message.h"

namespace yoke::http1::framing {

// The Transfer-Encoding codings of a head, across all its Transfer-Encoding fields in order.
struct TransferCodings {
  bool seen = false;
  bool malformed = false;           // an empty element, a non-token, parameters on chunked
  std::uint32_t chunked_count = 0;  // RFC 9112 §6.1: chunked must be applied exactly once
  bool chunked_last = false;        // the final coding seen so far is chunked
  bool other_coding = false;        // a coding other than chunked (gzip, deflate, unknown)
};

struct KnownFields {
  std::string_view host;  // value of the last Host field
  std::uint32_t host_count = 0;
  bool content_length_seen = false;
  std::uint64_t content_length = 0;
  std::string_view content_length_error;  // first Content-Length problem; empty when none
  TransferCodings transfer_encoding;
  bool connection_close = false;
  bool connection_keep_alive = false;
  bool connection_upgrade = false;
  bool upgrade_field = false;
  bool expect_continue = false;
  // A name that is Content-Length or Transfer-Encoding with "_" for "-": CGI-style servers
  // (and frameworks that read headers through CGI variable names) map both to one name, so the
  // next hop may take as framing what Yoke reads as an unknown field.
  bool framing_lookalike = false;
};

// Records what field means for framing, if anything. Never fails: problems are remembered in
// known and reported by the verdicts below, which know the message type and status to use.
// field.name must be a token (a scanned field name is).
void note_field(const Header& field, KnownFields& known);

namespace detail {

// Bit (c & 31) of entry n is set when a field name note_field cares about has n characters and
// starts with letter c, in either case ('H' & 31 == 'h' & 31).
inline constexpr std::array<std::uint32_t, 32> kKnownNameStarts = [] {
  std::array<std::uint32_t, 32> starts{};
  for (std::string_view name :
       {"host", "expect", "upgrade", "connection", "content-length", "transfer-encoding"}) {
    starts[name.size()] |= 1U << (name[0] & 31);
  }
  return starts;
}();

}  // namespace detail

// False for a field note_field would ignore, told from its length and first letter only: most
// fields of a head (Accept, Cookie, User-Agent, ...) are ruled out without a call. True says
// "maybe"; note_field decides.
inline bool may_note(std::string_view name) {
  return name.size() < detail::kKnownNameStarts.size() &&
         ((detail::kKnownNameStarts[name.size()] >> (name[0] & 31)) & 1U) != 0;
}

// Content-Length (RFC 9110 §8.6): 1*DIGIT, at most INT64_MAX so it fits in off_t. A list or
// repeated field whose values are all identical ("5, 5") is accepted as RFC 9110 §8.6 allows
// (nginx rejects it); differing values, empty elements and non-digits are errors. Returns an
// empty string on success, else a static reason.
std::string_view parse_content_length(std::string_view value, bool& seen, std::uint64_t& length);

// Sets out.body, content_length, keep_alive, expect_continue and upgrade from the request's
// fields (RFC 9112 §6.1, §6.3, §9.3; RFC 9110 §7.8, §10.1.1). Errors: 400 for ambiguous
// framing (including a look-alike of a framing field name), 501 for a transfer coding other
// than chunked.
ParseResult apply_request_framing(const KnownFields& known, RequestHead& out);

// Sets out.body, content_length and keep_alive for a response (RFC 9112 §6.3). Errors use 502.
ParseResult apply_response_framing(const KnownFields& known, bool request_was_head,
                                   ResponseHead& out);

}  // namespace yoke::http1::framing
