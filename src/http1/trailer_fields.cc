// Walking a validated trailer section (RFC 9112 §7.1.2); see TrailerFields in parser.h.
#include "http1/field_line.h"
#include "yoke/http1/parser.h"

namespace yoke::http1 {

bool TrailerFields::next(Header& field) {
  // No line limit: the decoder already bounded the whole section.
  const FieldLineScan line = scan_field_line(trailers_, pos_, trailers_.size(), field);
  if (line.status != FieldLineStatus::kField) return false;
  pos_ = line.next;
  return true;
}

}  // namespace yoke::http1
