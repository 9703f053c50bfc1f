#pragma once
// Scanning runs of allowed characters eight bytes at a time (SWAR: SIMD within a register).
// Field values and request-targets are long and almost always clean, so a whole 64-bit word is
// checked with a few integer operations and the per-byte table is consulted only for a word that
// may hold a character outside the class (a tab, the CR ending the line, a bad byte).
// The word tests are from Sean Anderson's "Bit Twiddling Hacks" ("Determine if a word has a
// byte less than n", "... has a zero byte").
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http1/field_syntax.h"

namespace yoke::http1::scan {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHighBits = kOnes * 0x80;

// Non-zero exactly when some byte of word is below n; n must be at most 0x80.
constexpr std::uint64_t bytes_below(std::uint64_t word, std::uint64_t n) {
  return (word - kOnes * n) & ~word & kHighBits;
}

// Non-zero exactly when some byte of word equals c.
constexpr std::uint64_t bytes_equal(std::uint64_t word, std::uint64_t c) {
  const std::uint64_t zero_where_equal = word ^ (kOnes * c);
  return (zero_where_equal - kOnes) & ~zero_where_equal & kHighBits;
}

inline std::uint64_t load_word(const char* bytes) {
  std::uint64_t word;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// The first offset in [pos, end) whose byte is not in table, or end. may_leave(word) must be
// non-zero whenever some byte of word is outside table (false alarms only cost speed).
template <typename MayLeave>
std::size_t span_words(const syntax::CharTable& table, std::string_view text, std::size_t pos,
                       std::size_t end, MayLeave may_leave) {
  while (pos + sizeof(std::uint64_t) <= end) {
    if (may_leave(load_word(text.data() + pos)) == 0) {
      pos += sizeof(std::uint64_t);
      continue;
    }
    for (const std::size_t word_end = pos + sizeof(std::uint64_t); pos < word_end; ++pos) {
      if (!syntax::in_class(table, text[pos])) return pos;
    }
  }
  while (pos < end && syntax::in_class(table, text[pos])) ++pos;
  return pos;
}

// Field-value characters: everything but controls below 0x20 (HTAB is re-checked) and DEL.
inline std::size_t span_field_value(std::string_view text, std::size_t pos, std::size_t end) {
  return span_words(syntax::kFieldValueChar, text, pos, end, [](std::uint64_t word) {
    return bytes_below(word, 0x20) | bytes_equal(word, 0x7F);
  });
}

// Request-target characters: everything but controls, SP and DEL.
inline std::size_t span_target(std::string_view text, std::size_t pos, std::size_t end) {
  return span_words(syntax::kTargetChar, text, pos, end, [](std::uint64_t word) {
    return bytes_below(word, 0x21) | bytes_equal(word, 0x7F);
  });
}

}  // namespace yoke::http1::scan
