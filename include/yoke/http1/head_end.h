#pragma once
// A cheap pre-check for readers of heads. parse_request_head / parse_response_head are stateless
// and parse from the first byte on every call, so a head that trickles in a byte per read
// (slowloris) would cost O(n^2) if parsed after every read. Searching only the newly arrived
// bytes for the empty line that can end a head keeps the total O(n): parse once this finds one,
// or when the buffered bytes exceed a limit (to answer 414 / 431), or on the first read (to
// reject garbage early).
#include <cstddef>
#include <string_view>

namespace yoke::http1 {

// Returns the offset just past the first empty line (LF LF or LF CR LF) that ends at or after
// searched_before, or 0 when there is none. searched_before is bytes.size() at the previous call
// on the same buffer (0 at first); the few bytes before it are searched again, so a line end
// split across reads is found. A hit is a hint, not a verdict: leading empty lines before a
// request line also match, and the parser decides.
std::size_t find_possible_head_end(std::string_view bytes, std::size_t searched_before);

}  // namespace yoke::http1
