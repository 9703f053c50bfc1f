#pragma once
// The SSE2 paths of byte_scan.h: sixteen bytes per step. SSE2 is part of x86-64 itself, so these
// need no runtime dispatch and run on every x86-64 CPU; wider instruction sets (SSE4.2, AVX2)
// would need a dispatch and gain little on heads whose lines are 20-100 bytes long.
// This is the only file with intrinsics; byte_scan.h includes it only where __SSE2__ is defined.
//
// Every load reads 16 bytes that lie inside the caller's text: a span that has fewer than 16
// bytes left loads the 16 bytes that end where the span ends and ignores the ones before its
// start (an overlapping tail), so no byte past the text is ever touched (ASan-clean, no UB).
#include <emmintrin.h>

#include <bit>
#include <cstddef>
#include <cstring>

#include "http1/field_syntax.h"

namespace yoke::http1::scan::sse2 {

inline constexpr std::size_t kWidth = 16;

inline __m128i load(const char* bytes) {
  __m128i vector;
  std::memcpy(&vector, bytes, sizeof vector);  // movdqu: no alignment needed
  return vector;
}

inline __m128i splat(char c) { return _mm_set1_epi8(c); }

// 0xFF in every byte of v that is at most limit (unsigned), else 0. SSE2 has only signed byte
// compares; min_epu8(v, limit) == v is the unsigned "v <= limit".
inline __m128i at_most(__m128i v, char limit) {
  return _mm_cmpeq_epi8(_mm_min_epu8(v, splat(limit)), v);
}

// 0xFF in every byte of v within [low, low + count - 1] (unsigned, no wrap-around).
inline __m128i in_range(__m128i v, char low, char count_minus_one) {
  return at_most(_mm_sub_epi8(v, splat(low)), count_minus_one);
}

inline unsigned mask_of(__m128i v) { return static_cast<unsigned>(_mm_movemask_epi8(v)); }

// Bytes that end a field value: controls other than HTAB, and DEL (exact: every line has
// one such byte, its CR, and an exact test spares the table look-up for it).
inline unsigned field_value_stops(__m128i v) {
  const __m128i control = _mm_andnot_si128(_mm_cmpeq_epi8(v, splat('\t')), at_most(v, 0x1F));
  return mask_of(_mm_or_si128(control, _mm_cmpeq_epi8(v, splat(0x7F))));
}

// Bytes that end a request-target: controls, SP and DEL (exact, no table check needed).
inline unsigned target_stops(__m128i v) {
  return mask_of(_mm_or_si128(at_most(v, 0x20), _mm_cmpeq_epi8(v, splat(0x7F))));
}

// Bytes that may end a token: anything but ALPHA, DIGIT and '-', which is nearly every byte of
// a field name or method. The other tchars ("!#$%&'*+.^_`|~") are rare there and confirmed by
// the table. OR-ing 0x20 folds 'A'-'Z' onto 'a'-'z' and no other byte into that range.
inline unsigned token_stops(__m128i v) {
  const __m128i letter = in_range(_mm_or_si128(v, splat(0x20)), 'a', 25);
  const __m128i digit = in_range(v, '0', 9);
  const __m128i dash = _mm_cmpeq_epi8(v, splat('-'));
  return ~mask_of(_mm_or_si128(_mm_or_si128(letter, digit), dash)) & 0xFFFFU;
}

// Bytes that may end a host (RFC 3986 §3.2.2): anything but ALPHA, DIGIT, '-', '.' and ':',
// which make up nearly every Host value; the rest of the class is confirmed by the table.
inline unsigned host_stops(__m128i v) {
  const __m128i letter = in_range(_mm_or_si128(v, splat(0x20)), 'a', 25);
  const __m128i digit_or_colon = in_range(v, '0', 10);  // '0'-'9' and ':' (0x3A)
  const __m128i dash_or_dot = in_range(v, '-', 1);      // '-' (0x2D) and '.' (0x2E)
  return ~mask_of(_mm_or_si128(_mm_or_si128(letter, digit_or_colon), dash_or_dot)) & 0xFFFFU;
}

inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// The first of the candidate bytes (bit i = bytes[base + i], at least one set) that is not in
// table, or kNone. With kExact every candidate is outside the class: the first one is the
// answer, without a table look-up.
template <bool kExact>
std::size_t first_outside(const syntax::CharTable& table, const char* bytes, std::size_t base,
                          unsigned candidates) {
  if constexpr (kExact) {
    return base + static_cast<std::size_t>(std::countr_zero(candidates));
  }
  for (; candidates != 0; candidates &= candidates - 1) {
    const std::size_t at = base + static_cast<std::size_t>(std::countr_zero(candidates));
    if (!syntax::in_class(table, bytes[at])) return at;
  }
  return kNone;
}

// The first offset in [pos, end) of bytes whose byte is not in table, or end. stops(v) must flag
// every byte of v outside table; false alarms only cost a table look-up, and kExact says there
// are none.
template <bool kExact, typename Stops>
[[gnu::always_inline]] inline std::size_t span(const syntax::CharTable& table, const char* bytes,
                                               std::size_t pos, std::size_t end, Stops stops) {
  for (; pos + kWidth <= end; pos += kWidth) {
    const unsigned candidates = stops(load(bytes + pos));
    if (candidates == 0) continue;
    const std::size_t at = first_outside<kExact>(table, bytes, pos, candidates);
    if (kExact || at != kNone) return at;
  }
  if (pos == end) return end;
  if (end >= kWidth) {
    const std::size_t base = end - kWidth;
    const unsigned candidates = stops(load(bytes + base)) >> (pos - base);
    if (candidates == 0) return end;
    const std::size_t at = first_outside<kExact>(table, bytes, pos, candidates);
    return kExact || at != kNone ? at : end;
  }
  while (pos < end && syntax::in_class(table, bytes[pos])) ++pos;  // text under 16 bytes
  return pos;
}

// Offset just past the first LF LF or LF CR LF whose first LF is at or after pos, or 0. Three
// overlapping loads test every LF of a block together with the one or two bytes after it.
inline std::size_t find_empty_line(const char* bytes, std::size_t size, std::size_t& pos) {
  const __m128i lf = splat('\n');
  const __m128i cr = splat('\r');
  for (; pos + kWidth + 2 <= size; pos += kWidth) {
    const __m128i next = load(bytes + pos + 1);
    const __m128i ends = _mm_or_si128(
        _mm_cmpeq_epi8(next, lf),
        _mm_and_si128(_mm_cmpeq_epi8(next, cr), _mm_cmpeq_epi8(load(bytes + pos + 2), lf)));
    const unsigned hits = mask_of(_mm_and_si128(_mm_cmpeq_epi8(load(bytes + pos), lf), ends));
    if (hits != 0) {
      const std::size_t at = pos + static_cast<std::size_t>(std::countr_zero(hits));
      return bytes[at + 1] == '\n' ? at + 2 : at + 3;
    }
  }
  return 0;  // pos is where the caller's scalar search continues
}

}  // namespace yoke::http1::scan::sse2
