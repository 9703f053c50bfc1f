#pragma once
// One field line of a head or a trailer section (RFC 9112 §5, §7.1.2), found and validated in a
// single pass: the scan of the value stops at the first control character, which is the CR or
// LF ending the line when the line is well-formed, so no separate search for the LF is needed.
// Defined here, inline, because it runs for every field line of every head; the error paths
// stay out of line in field_line.cc.
#include <cstddef>
#include <string_view>

#include "http1/byte_scan.h"
#include "http1/field_syntax.h"
#include "yoke/http1/message.h"

namespace yoke::http1 {

enum class FieldLineStatus : unsigned char {
  kField,       // a field line; out is filled, next is set
  kEnd,         // the empty line that ends the section; next is set
  kIncomplete,  // the line has not fully arrived, and what has is valid so far
  kTooLong,     // the line's content is longer than the limit
  kInvalid,     // malformed; error says why
};

struct FieldLineScan {
  FieldLineStatus status = FieldLineStatus::kIncomplete;
  std::size_t next = 0;    // offset just after the line ending (CRLF or bare LF, RFC 9112 §2.2)
  std::string_view error;  // kInvalid only: a static description
};

namespace field_line_detail {

// Out of line: a line whose name is empty or runs out (the empty line that ends a section
// among them), and every malformed line.
FieldLineScan unusual_name(std::string_view bytes, std::size_t pos, std::size_t name_end,
                           std::size_t limit, std::size_t max_line);
FieldLineScan invalid_name_end(char stop);
FieldLineScan invalid_value_end(char stop);
FieldLineScan invalid(std::string_view why);

// A scan of the line at pos that stopped at the scan limit ran past the line limit (kTooLong)
// or out of bytes (kIncomplete).
inline FieldLineScan ran_out(std::size_t pos, std::size_t stop, std::size_t max_line) {
  if (stop - pos > max_line) return {FieldLineStatus::kTooLong, 0, {}};
  return {};
}

}  // namespace field_line_detail

// Scans the line that starts at offset pos of bytes; its content (without the line ending) may
// be at most max_line bytes. Rejects obs-fold (a leading SP / HTAB, RFC 9112 §5.2), whitespace
// before the colon (§5.1), an empty or non-token name, a line without a colon, and values with
// NUL, bare CR, other controls or DEL (RFC 9110 §5.5). Bad bytes are reported as soon as they
// are seen, even before the line is complete. out.value is trimmed of OWS.
[[gnu::always_inline]] inline FieldLineScan scan_field_line(std::string_view bytes, std::size_t pos,
                                                            std::size_t max_line, Header& out) {
  namespace detail = field_line_detail;
  // Scan no further than one byte past the limit: enough to know the line is too long. A scan
  // that reaches `limit` therefore either passed the limit or ran out of bytes.
  const std::size_t limit = bytes.size() - pos > max_line ? pos + max_line + 1 : bytes.size();
  const std::size_t name_end = scan::span_token(bytes, pos, limit);
  // A line that does not start with a tchar (the empty line ending the section, obs-fold, a bad
  // byte, no byte yet) or whose name runs out is sorted out of line, in the order of checks
  // spelled out there. Neither CR, LF, SP nor HTAB is a tchar, so a name that starts at all
  // needs no look at its first byte.
  if (name_end == pos || name_end == limit) {
    return detail::unusual_name(bytes, pos, name_end, limit, max_line);
  }
  if (bytes[name_end] != ':') return detail::invalid_name_end(bytes[name_end]);

  // Leading OWS is skipped before the value scan (it is not part of the value, RFC 9112 §5),
  // so the value is trimmed without a second look at its first bytes.
  std::size_t value_begin = name_end + 1;
  while (value_begin < limit && syntax::is_ows(bytes[value_begin])) ++value_begin;
  const std::size_t value_end = scan::span_field_value(bytes, value_begin, limit);
  if (value_end == limit) return detail::ran_out(pos, value_end, max_line);
  std::size_t next = value_end + 1;
  if (bytes[value_end] == '\r') {
    if (next == bytes.size()) return {};
    if (bytes[next] != '\n') return detail::invalid_value_end('\r');
    ++next;
  } else if (bytes[value_end] != '\n') {
    return detail::invalid_value_end(bytes[value_end]);
  }
  // Offsets are within bytes by construction: views without substr's range checks.
  out.name = std::string_view(bytes.data() + pos, name_end - pos);
  std::size_t trimmed_end = value_end;
  while (trimmed_end > value_begin && syntax::is_ows(bytes[trimmed_end - 1])) --trimmed_end;
  out.value = std::string_view(bytes.data() + value_begin, trimmed_end - value_begin);
  return {FieldLineStatus::kField, next, {}};
}

}  // namespace yoke::http1
