// Field-section parsing shared by requests and responses (RFC 9112 §5).
#include "http1/field_section.h"

#include <algorithm>

#include "http1/field_line.h"
#include "http1/parse_results.h"

namespace yoke::http1 {

ParseResult parse_field_section(std::string_view bytes, std::size_t begin, const Limits& limits,
                                FieldSection& section) {
  const std::size_t max_headers = std::min(limits.max_headers, kMaxHeaders);
  Header spare;  // receives a field beyond max_headers, to tell "too many" from "malformed"
  std::size_t pos = begin;
  for (;;) {
    Header& field = section.count < max_headers ? section.headers[section.count] : spare;
    const FieldLineScan line = scan_field_line(bytes, pos, limits.max_field_line, field);
    switch (line.status) {
      case FieldLineStatus::kTooLong:
        return error(431, "header field line too long");
      case FieldLineStatus::kInvalid:
        return error(400, line.error);
      case FieldLineStatus::kIncomplete:
        if (bytes.size() > limits.max_head) return error(431, "head too large");
        return incomplete();
      case FieldLineStatus::kEnd:
      case FieldLineStatus::kField:
        break;
    }
    if (line.next > limits.max_head) return error(431, "head too large");
    if (line.status == FieldLineStatus::kEnd) {
      section.end = line.next;
      return complete();
    }
    if (section.count == max_headers) return error(431, "too many header fields");
    if (framing::may_note(field.name)) framing::note_field(field, section.known);
    ++section.count;
    pos = line.next;
  }
}

}  // namespace yoke::http1
