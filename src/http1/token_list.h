#pragma once
// Walking a comma-separated list field value (RFC 9110 §5.6.1): Connection, Transfer-Encoding,
// and Content-Length when a sender repeated its value as a list.
#include <string_view>

#include "http1/field_syntax.h"

namespace yoke::http1 {

// Yields each element trimmed of OWS, including empty ones ("a,,b" yields "a", "", "b"): the
// caller decides whether an empty element is harmless (Connection) or an error (framing).
// Quoted-strings are not special-cased: none of the fields read this way may contain commas
// inside quotes that matter for framing, and a split there only makes parsing stricter.
class ListElements {
 public:
  explicit ListElements(std::string_view value) : rest_(value) {}

  bool next(std::string_view& element) {
    if (finished_) return false;
    const std::size_t comma = rest_.find(',');
    if (comma == std::string_view::npos) {
      element = syntax::trim_ows(rest_);
      finished_ = true;
      return true;
    }
    element = syntax::trim_ows(rest_.substr(0, comma));
    rest_.remove_prefix(comma + 1);
    return true;
  }

 private:
  std::string_view rest_;
  bool finished_ = false;
};

}  // namespace yoke::http1
