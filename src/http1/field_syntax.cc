// Field-line syntax (RFC 9112 §5, RFC 9110 §5.5), shared by heads and chunked trailers.
#include "http1/field_syntax.h"

namespace yoke::http1::syntax {

std::string_view trim_ows(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_ows(text[begin])) ++begin;
  while (end > begin && is_ows(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

namespace {

// Why a character stopped a field name, in the words a log reader needs.
std::string_view name_error(char stop) {
  if (is_ows(stop)) return "whitespace between field name and colon";
  if (stop == '\r') return "bare CR in field name";
  if (stop == '\0') return "NUL in field name";
  return "invalid character in field name";
}

std::string_view value_error(char stop) {
  if (stop == '\r') return "bare CR in field value";
  if (stop == '\0') return "NUL in field value";
  return "invalid character in field value";
}

}  // namespace

bool parse_field_line(std::string_view line, Header& out, std::string_view& error) {
  if (!line.empty() && is_ows(line[0])) {
    // RFC 9112 §5.2: obs-fold is obsolete; a server may reject it with 400, and a proxy that
    // unfolded it would change what the backend sees. Reject.
    error = "obsolete line folding";
    return false;
  }
  const std::size_t name_end = span(kTokenChar, line);
  if (name_end == line.size()) {
    error = name_end == 0 ? "empty field line" : "field line without colon";
    return false;
  }
  if (line[name_end] != ':') {
    error = name_error(line[name_end]);
    return false;
  }
  if (name_end == 0) {
    error = "empty field name";
    return false;
  }
  const std::string_view raw_value = line.substr(name_end + 1);
  const std::size_t value_end = span(kFieldValueChar, raw_value);
  if (value_end != raw_value.size()) {
    error = value_error(raw_value[value_end]);
    return false;
  }
  out.name = line.substr(0, name_end);
  out.value = trim_ows(raw_value);
  return true;
}

}  // namespace yoke::http1::syntax
