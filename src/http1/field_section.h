#pragma once
// The field section of a head (RFC 9112 §5): field lines up to the empty line, parsed in one
// pass into the caller's Header array, with the framing fields noted on the way.
#include <cstddef>
#include <string_view>

#include "http1/framing.h"
#include "yoke/http1/message.h"

namespace yoke::http1 {

struct FieldSection {
  Header* headers = nullptr;   // room for at least min(limits.max_headers, kMaxHeaders)
  std::size_t count = 0;       // fields stored so far
  framing::KnownFields known;  // framing fields seen so far
  std::size_t end = 0;         // on kComplete: offset just after the empty line
};

// Parses field lines starting at offset begin of bytes (the start line already consumed).
// Returns kIncomplete until the empty line has arrived; errors carry request statuses (400 for
// syntax, 431 for limits) and the response parser maps them to 502. Limits are checked before
// waiting for more bytes, so an over-long field line or head is rejected as soon as it is seen.
ParseResult parse_field_section(std::string_view bytes, std::size_t begin, const Limits& limits,
                                FieldSection& section);

}  // namespace yoke::http1
