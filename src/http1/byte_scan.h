#pragma once
// Scanning runs of allowed characters, and the empty line that ends a head, many bytes at a time.
// Field values and request-targets are long and almost always clean, so a block of bytes is
// tested with a few vector or word operations, and the per-byte table of field_syntax.h is only
// consulted for a byte the block test flags (a tab, the CR ending the line, a bad byte).
//
// Three implementations of each scan, which must return the same offset for every input
// (byte_scan_test.cc compares them on the corpora and on seeded random bytes):
//   scalar:: one table load per byte; the definition the others are tested against;
//   swar::   eight bytes per 64-bit word (SIMD within a register), for targets without SSE2;
//   sse2::   sixteen bytes per step (byte_scan_sse2.h), on every x86-64 CPU.
// The unqualified functions at the end are what the parser calls: SSE2 where the compiler
// targets it, the word paths elsewhere.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http1/field_syntax.h"

#if defined(__SSE2__)
#include "http1/byte_scan_sse2.h"
#endif

namespace yoke::http1::scan {

namespace scalar {

// The first offset in [pos, end) of text whose byte is not in table, or end.
inline std::size_t span(const syntax::CharTable& table, std::string_view text, std::size_t pos,
                        std::size_t end) {
  while (pos < end && syntax::in_class(table, text[pos])) ++pos;
  return pos;
}

inline std::size_t span_field_value(std::string_view text, std::size_t pos, std::size_t end) {
  return span(syntax::kFieldValueChar, text, pos, end);
}

inline std::size_t span_target(std::string_view text, std::size_t pos, std::size_t end) {
  return span(syntax::kTargetChar, text, pos, end);
}

inline std::size_t span_token(std::string_view text, std::size_t pos, std::size_t end) {
  return span(syntax::kTokenChar, text, pos, end);
}

inline std::size_t span_host(std::string_view text, std::size_t pos, std::size_t end) {
  return span(syntax::kHostChar, text, pos, end);
}

// Offset just past the first empty line (LF LF or LF CR LF) whose first LF is at or after pos,
// or 0 when there is none.
inline std::size_t find_empty_line(std::string_view bytes, std::size_t pos) {
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

}  // namespace scalar

namespace swar {

// The word tests are from Sean Anderson's "Bit Twiddling Hacks" ("Determine if a word has a
// byte less than n", "... has a zero byte").
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

// scalar::span, eight bytes at a time. may_leave(word) must be non-zero whenever some byte of
// word is outside table (false alarms only cost speed).
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
  return scalar::span(table, text, pos, end);
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

// Tokens and hosts are short (methods, field names, Host values) and their classes have no
// cheap word test.
inline std::size_t span_token(std::string_view text, std::size_t pos, std::size_t end) {
  return scalar::span_token(text, pos, end);
}

inline std::size_t span_host(std::string_view text, std::size_t pos, std::size_t end) {
  return scalar::span_host(text, pos, end);
}

}  // namespace swar

// What the parser calls. Each returns the first offset in [pos, end) of text whose byte is not
// in the class, or end; end must be at most text.size().
#if defined(__SSE2__)

inline std::size_t span_field_value(std::string_view text, std::size_t pos, std::size_t end) {
  return sse2::span<true>(syntax::kFieldValueChar, text.data(), pos, end,
                          [](__m128i v) { return sse2::field_value_stops(v); });
}

inline std::size_t span_target(std::string_view text, std::size_t pos, std::size_t end) {
  return sse2::span<true>(syntax::kTargetChar, text.data(), pos, end,
                          [](__m128i v) { return sse2::target_stops(v); });
}

inline std::size_t span_token(std::string_view text, std::size_t pos, std::size_t end) {
  return sse2::span<false>(syntax::kTokenChar, text.data(), pos, end,
                           [](__m128i v) { return sse2::token_stops(v); });
}

inline std::size_t span_host(std::string_view text, std::size_t pos, std::size_t end) {
  return sse2::span<false>(syntax::kHostChar, text.data(), pos, end,
                           [](__m128i v) { return sse2::host_stops(v); });
}

// scalar::find_empty_line.
inline std::size_t find_empty_line(std::string_view bytes, std::size_t pos) {
  const std::size_t found = sse2::find_empty_line(bytes.data(), bytes.size(), pos);
  return found != 0 ? found : scalar::find_empty_line(bytes, pos);
}

#else

inline std::size_t span_field_value(std::string_view text, std::size_t pos, std::size_t end) {
  return swar::span_field_value(text, pos, end);
}

inline std::size_t span_target(std::string_view text, std::size_t pos, std::size_t end) {
  return swar::span_target(text, pos, end);
}

inline std::size_t span_token(std::string_view text, std::size_t pos, std::size_t end) {
  return swar::span_token(text, pos, end);
}

inline std::size_t span_host(std::string_view text, std::size_t pos, std::size_t end) {
  return swar::span_host(text, pos, end);
}

inline std::size_t find_empty_line(std::string_view bytes, std::size_t pos) {
  return scalar::find_empty_line(bytes, pos);
}

#endif

}  // namespace yoke::http1::scan
