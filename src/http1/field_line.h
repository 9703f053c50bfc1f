#pragma once
// One field line of a head or a trailer section (RFC 9112 §5, §7.1.2), found and validated in a
// single pass: the scan of the value stops at the first control character, which is the CR or
// LF ending the line when the line is well-formed, so no separate search for the LF is needed.
#include <cstddef>
#include <string_view>

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

// Scans the line that starts at offset pos of bytes; its content (without the line ending) may
// be at most max_line bytes. Rejects obs-fold (a leading SP / HTAB, RFC 9112 §5.2), whitespace
// before the colon (§5.1), an empty or non-token name, a line without a colon, and values with
// NUL, bare CR, other controls or DEL (RFC 9110 §5.5). Bad bytes are reported as soon as they
// are seen, even before the line is complete. out.value is trimmed of OWS.
FieldLineScan scan_field_line(std::string_view bytes, std::size_t pos, std::size_t max_line,
                              Header& out);

}  // namespace yoke::http1
