// Finding where a head may end, without parsing it (see yoke/http1/head_end.h).
#include "yoke/http1/head_end.h"

#include "http1/byte_scan.h"

namespace yoke::http1 {

std::size_t find_possible_head_end(std::string_view bytes, std::size_t searched_before) {
  // The longest terminator is LF CR LF: an end at or after searched_before starts at most two
  // bytes before it.
  return scan::find_empty_line(bytes, searched_before > 2 ? searched_before - 2 : 0);
}

}  // namespace yoke::http1
