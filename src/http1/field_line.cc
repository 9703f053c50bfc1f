// The cold paths of field-line scanning (RFC 9112 §5, RFC 9110 §5.5); see field_line.h.
#include "http1/field_line.h"

namespace yoke::http1::field_line_detail {

FieldLineScan invalid(std::string_view why) { return {FieldLineStatus::kInvalid, 0, why}; }

// Why a character stopped a field name, in the words a log reader needs.
FieldLineScan invalid_name_end(char stop) {
  if (syntax::is_ows(stop)) return invalid("whitespace between field name and colon");
  if (stop == '\r' || stop == '\n') return invalid("field line without colon");
  if (stop == '\0') return invalid("NUL in field name");
  return invalid("invalid character in field name");
}

FieldLineScan invalid_value_end(char stop) {
  if (stop == '\r') return invalid("bare CR in field value");
  if (stop == '\0') return invalid("NUL in field value");
  return invalid("invalid character in field value");
}

namespace {

// The empty line (CRLF or LF) at pos, or a bare CR where it should be.
FieldLineScan scan_empty_line(std::string_view bytes, std::size_t pos) {
  if (bytes[pos] == '\n') return {FieldLineStatus::kEnd, pos + 1, {}};
  if (pos + 1 == bytes.size()) return {};
  if (bytes[pos + 1] == '\n') return {FieldLineStatus::kEnd, pos + 2, {}};
  return invalid("bare CR in field section");
}

}  // namespace

// The checks on a line's start, in their order: no byte yet, the empty line, obs-fold, then
// the name's end (past the limit or out of bytes, a character other than ':', an empty name).
FieldLineScan unusual_name(std::string_view bytes, std::size_t pos, std::size_t name_end,
                           std::size_t limit, std::size_t max_line) {
  if (pos == bytes.size()) return {};
  const char first = bytes[pos];
  if (first == '\r' || first == '\n') return scan_empty_line(bytes, pos);
  // RFC 9112 §5.2: obs-fold is obsolete; unfolding it would change what the next hop sees.
  if (syntax::is_ows(first)) return invalid("obsolete line folding");
  if (name_end == limit) return ran_out(pos, name_end, max_line);
  if (bytes[name_end] != ':') return invalid_name_end(bytes[name_end]);
  return invalid("empty field name");
}

}  // namespace yoke::http1::field_line_detail
