// Finding where a head may end, without parsing it (see yoke/http1/head_end.h).
#include "yoke/http1/head_end.h"

#include <cstring>

namespace yoke::http1 {

std::size_t find_possible_head_end(std::string_view bytes, std::size_t searched_before) {
  // The longest terminator is LF CR LF: an end at or after searched_before starts at most two
  // bytes before it.
  std::size_t pos = searched_before > 2 ? searched_before - 2 : 0;
  while (pos < bytes.size()) {
    const void* lf = std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
    if (lf == nullptr) return 0;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(lf) - bytes.data());
    if (at + 1 < bytes.size() && bytes[at + 1] == '\n') return at + 2;
    if (at + 2 < bytes.size() && bytes[at + 1] == '\r' && bytes[at + 2] == '\n') return at + 3;
    pos = at + 1;
  }
  return 0;
}

}  // namespace yoke::http1
