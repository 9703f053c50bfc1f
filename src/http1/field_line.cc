// Single-pass field-line scanning (RFC 9112 §5, RFC 9110 §5.5).
#include "http1/field_line.h"

#include "http1/byte_scan.h"
#include "http1/field_syntax.h"

namespace yoke::http1 {
namespace {

FieldLineScan invalid(std::string_view why) { return {FieldLineStatus::kInvalid, 0, why}; }

// Why a character stopped a field name, in the words a log reader needs.
std::string_view name_error(char stop) {
  if (syntax::is_ows(stop)) return "whitespace between field name and colon";
  if (stop == '\r' || stop == '\n') return "field line without colon";
  if (stop == '\0') return "NUL in field name";
  return "invalid character in field name";
}

std::string_view value_error(char stop) {
  if (stop == '\r') return "bare CR in field value";
  if (stop == '\0') return "NUL in field value";
  return "invalid character in field value";
}

// The empty line (CRLF or LF) at pos, or a bare CR where it should be.
FieldLineScan scan_empty_line(std::string_view bytes, std::size_t pos) {
  if (bytes[pos] == '\n') return {FieldLineStatus::kEnd, pos + 1, {}};
  if (pos + 1 == bytes.size()) return {};
  if (bytes[pos + 1] == '\n') return {FieldLineStatus::kEnd, pos + 2, {}};
  return invalid("bare CR in field section");
}

// True when a scan that stopped at offset stop, short of the line's end, ran past the limit
// (kTooLong) or out of bytes (kIncomplete); result says which.
bool ran_out(std::string_view bytes, std::size_t pos, std::size_t stop, std::size_t max_line,
             FieldLineScan& result) {
  if (stop - pos > max_line) {
    result = {FieldLineStatus::kTooLong, 0, {}};
    return true;
  }
  if (stop == bytes.size()) {
    result = {};
    return true;
  }
  return false;
}

}  // namespace

FieldLineScan scan_field_line(std::string_view bytes, std::size_t pos, std::size_t max_line,
                              Header& out) {
  if (pos == bytes.size()) return {};
  const char first = bytes[pos];
  if (first == '\r' || first == '\n') return scan_empty_line(bytes, pos);
  // RFC 9112 §5.2: obs-fold is obsolete; unfolding it would change what the next hop sees.
  if (syntax::is_ows(first)) return invalid("obsolete line folding");

  // Scan no further than one byte past the limit: enough to know the line is too long.
  const std::size_t limit = bytes.size() - pos > max_line ? pos + max_line + 1 : bytes.size();
  const std::size_t name_end = scan::span_token(bytes, pos, limit);
  FieldLineScan result;
  if (ran_out(bytes, pos, name_end, max_line, result)) return result;
  if (bytes[name_end] != ':') return invalid(name_error(bytes[name_end]));
  if (name_end == pos) return invalid("empty field name");

  const std::size_t value_begin = name_end + 1;
  const std::size_t value_end = scan::span_field_value(bytes, value_begin, limit);
  if (ran_out(bytes, pos, value_end, max_line, result)) return result;
  std::size_t next = value_end + 1;
  if (bytes[value_end] == '\r') {
    if (next == bytes.size()) return {};
    if (bytes[next] != '\n') return invalid(value_error('\r'));
    ++next;
  } else if (bytes[value_end] != '\n') {
    return invalid(value_error(bytes[value_end]));
  }
  out.name = bytes.substr(pos, name_end - pos);
  out.value = syntax::trim_ows(bytes.substr(value_begin, value_end - value_begin));
  return {FieldLineStatus::kField, next, {}};
}

}  // namespace yoke::http1
