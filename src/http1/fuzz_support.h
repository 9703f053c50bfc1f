#pragma once
// Checks shared by the HTTP/1 fuzz targets (*_fuzz.cc): a failed check aborts, which libFuzzer
// reports as a crash with the input that caused it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "yoke/http1/message.h"

namespace yoke::http1::fuzz {

inline void check(bool condition) {
  if (!condition) std::abort();
}

// True when part lies within whole (an empty part anywhere counts).
inline bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  const auto begin = reinterpret_cast<std::uintptr_t>(whole.data());      // NOLINT
  const auto part_begin = reinterpret_cast<std::uintptr_t>(part.data());  // NOLINT
  return part_begin >= begin && part_begin + part.size() <= begin + whole.size();
}

inline void check_headers(const Header* headers, std::size_t count, std::string_view input) {
  check(count <= kMaxHeaders);
  for (std::size_t i = 0; i < count; ++i) {
    check(!headers[i].name.empty());
    check(inside(headers[i].name, input) && inside(headers[i].value, input));
  }
}

}  // namespace yoke::http1::fuzz
