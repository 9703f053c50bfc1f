#pragma once
// Finding line ends in a head or a chunked body: memchr for the LF, then step back over a CR.
// RFC 9112 §2.2 lets a recipient accept a bare LF as a line terminator; a CR anywhere else is
// left inside the line's content, where the character checks reject it as a bare CR.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string_view>

namespace yoke::http1 {

enum class LineStatus : unsigned char {
  kFound,       // content_end and next are set
  kIncomplete,  // no LF yet, and the content so far is within the limit
  kTooLong,     // the content is (or will certainly be) longer than the limit
};

struct Line {
  LineStatus status = LineStatus::kIncomplete;
  std::size_t content_end = 0;  // offset of the CR LF / LF that ends the line
  std::size_t next = 0;         // offset of the first byte after the line ending
};

// Finds the line that starts at offset begin (<= bytes.size()) and whose content may be at most
// max_content bytes long. Searches no further than the limit allows, so a peer that never sends
// LF costs at most max_content + 2 bytes of scanning per call.
inline Line find_line(std::string_view bytes, std::size_t begin, std::size_t max_content) {
  const std::size_t available = bytes.size() - begin;
  const std::size_t max_with_ending =
      max_content > std::numeric_limits<std::size_t>::max() - 2 ? max_content : max_content + 2;
  const std::size_t window = std::min(available, max_with_ending);
  const char* start = bytes.data() + begin;
  const void* lf = window == 0 ? nullptr : std::memchr(start, '\n', window);
  if (lf == nullptr) {
    if (window < available) return {LineStatus::kTooLong};
    // A trailing CR may be the first half of the line ending: do not count it yet.
    const bool ends_in_cr = available > 0 && bytes.back() == '\r';
    const std::size_t content_so_far = available - (ends_in_cr ? 1 : 0);
    return {content_so_far > max_content ? LineStatus::kTooLong : LineStatus::kIncomplete};
  }
  const std::size_t lf_offset =
      begin + static_cast<std::size_t>(static_cast<const char*>(lf) - start);
  std::size_t content_end = lf_offset;
  if (content_end > begin && bytes[content_end - 1] == '\r') --content_end;
  if (content_end - begin > max_content) return {LineStatus::kTooLong};
  return {LineStatus::kFound, content_end, lf_offset + 1};
}

}  // namespace yoke::http1
