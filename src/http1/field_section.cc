// Field-section parsing shared by requests and responses (RFC 9112 §5).
#include "http1/field_section.h"

#include <algorithm>

#include "http1/field_syntax.h"
#include "http1/line_finder.h"
#include "http1/parse_results.h"

namespace yoke::http1 {

ParseResult parse_field_section(std::string_view bytes, std::size_t begin, const Limits& limits,
                                FieldSection& section) {
  const std::size_t max_headers = std::min(limits.max_headers, kMaxHeaders);
  std::size_t pos = begin;
  for (;;) {
    const Line line = find_line(bytes, pos, limits.max_field_line);
    if (line.status == LineStatus::kTooLong) return error(431, "header field line too long");
    if (line.status == LineStatus::kIncomplete) {
      if (bytes.size() > limits.max_head) return error(431, "head too large");
      return incomplete();
    }
    if (line.next > limits.max_head) return error(431, "head too large");
    if (line.content_end == pos) {
      section.end = line.next;
      return complete();
    }
    if (section.count == max_headers) return error(431, "too many header fields");
    Header& field = section.headers[section.count];
    std::string_view problem;
    if (!syntax::parse_field_line(bytes.substr(pos, line.content_end - pos), field, problem)) {
      return error(400, problem);
    }
    framing::note_field(field, section.known);
    ++section.count;
    pos = line.next;
  }
}

}  // namespace yoke::http1
