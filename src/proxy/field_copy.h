#pragma once
// A forwarded field line copied as received, from its name to the end of its value
// ("Name:<the sender's optional whitespace>value"): one copy instead of four pieces. The
// parser's views point into the received head (src/http1/field_line.h), so the span is
// contiguous; anything between name and value passed the parser's field-line grammar (a colon
// and SP/HTAB, RFC 9112 §5.1), so forwarding it as is changes nothing a recipient may see.
#include <string_view>

#include "yoke/http1/message.h"

namespace yoke::proxy {

// The received "Name: value" bytes, or an empty view when the two views are not one line
// (then the caller rebuilds the line from name and value).
inline std::string_view received_field_line(const http1::Header& field) {
  const char* begin = field.name.data();
  const char* value = field.value.data();
  if (value < begin + field.name.size() + 1) return {};
  const char* end = value + field.value.size();
  return {begin, static_cast<std::size_t>(end - begin)};
}

// Writes one field line through write(std::string_view), CRLF included.
template <typename Write>
void forward_field(const http1::Header& field, Write&& write) {
  std::string_view line = received_field_line(field);
  if (line.empty()) {
    write(field.name);
    write(": ");
    write(field.value);
  } else {
    write(line);
  }
  write("\r\n");
}

}  // namespace yoke::proxy
