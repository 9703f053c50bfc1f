#pragma once
// Character classes and field-line syntax of HTTP/1.1 (RFC 9110 §5.1, §5.5, §5.6.2, RFC 3986
// §3.2.2). Every class is a 256-entry table built at compile time, so the hot loops do one load
// per byte and no branches on ranges.
#include <array>
#include <cstdint>
#include <string_view>

namespace yoke::http1::syntax {

using CharTable = std::array<bool, 256>;

namespace detail {

constexpr bool is_alpha(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(unsigned c) { return c >= '0' && c <= '9'; }

constexpr bool in(std::string_view set, unsigned c) {
  for (char member : set) {
    if (static_cast<unsigned char>(member) == c) return true;
  }
  return false;
}

template <typename Predicate>
constexpr CharTable make_table(Predicate predicate) {
  CharTable table{};
  for (unsigned c = 0; c < 256; ++c) table[c] = predicate(c);
  return table;
}

}  // namespace detail

// tchar (RFC 9110 §5.6.2): the characters of field names, methods and tokens.
inline constexpr CharTable kTokenChar = detail::make_table([](unsigned c) {
  return detail::is_alpha(c) || detail::is_digit(c) || detail::in("!#$%&'*+-.^_`|~", c);
});

// field-vchar / SP / HTAB (RFC 9110 §5.5): visible ASCII and obs-text 0x80-0xFF. Everything else
// (NUL, CR, LF and the other controls, DEL) is rejected, against smuggling and header injection.
inline constexpr CharTable kFieldValueChar = detail::make_table(
    [](unsigned c) { return c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7F); });

// Characters of a request-target (RFC 9112 §3.2): visible ASCII. Like nginx, bytes 0x80-0xFF
// (raw UTF-8 sent by sloppy clients) are let through; spaces and controls never are.
inline constexpr CharTable kTargetChar =
    detail::make_table([](unsigned c) { return c >= 0x21 && c != 0x7F; });

// Characters of a Host value or an authority (RFC 3986 §3.2.2 reg-name and IP-literal, plus ':'
// for the port): unreserved, pct-encoded, sub-delims, ':', '[' and ']'. No '@' (userinfo is an
// error, RFC 9110 §4.2.4), no '/', no spaces.
inline constexpr CharTable kHostChar = detail::make_table([](unsigned c) {
  return detail::is_alpha(c) || detail::is_digit(c) || detail::in("-._~%!$&'()*+,;=:[]", c);
});

// qdtext (RFC 9110 §5.6.4): what may stand unescaped inside a quoted-string.
inline constexpr CharTable kQuotedTextChar = detail::make_table([](unsigned c) {
  return c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c != 0x7F);
});

// Lower-case mapping for ASCII case-insensitive comparison; other bytes map to themselves.
inline constexpr std::array<unsigned char, 256> kLower = [] {
  std::array<unsigned char, 256> table{};
  for (unsigned c = 0; c < 256; ++c) {
    table[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  }
  return table;
}();

// Hexadecimal digit values; kNotHex for every other byte.
inline constexpr std::uint8_t kNotHex = 0xFF;
inline constexpr std::array<std::uint8_t, 256> kHexValue = [] {
  std::array<std::uint8_t, 256> table{};
  for (unsigned c = 0; c < 256; ++c) {
    if (detail::is_digit(c)) {
      table[c] = static_cast<std::uint8_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      table[c] = static_cast<std::uint8_t>(c - 'A' + 10);
    } else {
      table[c] = kNotHex;
    }
  }
  return table;
}();

inline bool in_class(const CharTable& table, char c) {
  return table[static_cast<unsigned char>(c)];
}

inline bool is_ows(char c) { return c == ' ' || c == '\t'; }

// The first position in text at or after pos whose character is not in table, or text.size().
inline std::size_t span(const CharTable& table, std::string_view text, std::size_t pos = 0) {
  while (pos < text.size() && in_class(table, text[pos])) ++pos;
  return pos;
}

// True when text is non-empty and every character is in table.
inline bool all_of(const CharTable& table, std::string_view text) {
  return !text.empty() && span(table, text) == text.size();
}

inline bool is_token(std::string_view text) { return all_of(kTokenChar, text); }

// text without leading and trailing OWS (SP / HTAB, RFC 9110 §5.6.3).
inline std::string_view trim_ows(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_ows(text[begin])) ++begin;
  while (end > begin && is_ows(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

}  // namespace yoke::http1::syntax
