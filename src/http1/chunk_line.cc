// Chunk-size lines (RFC 9112 §7.1, §7.1.1).
#include "http1/chunk_line.h"

#include <limits>

#include "http1/field_syntax.h"

namespace yoke::http1 {
namespace {

std::size_t skip_ows(std::string_view text, std::size_t pos) {
  while (pos < text.size() && syntax::is_ows(text[pos])) ++pos;
  return pos;
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4). pos is at the
// opening quote; returns the offset after the closing one, or 0 when the string is malformed.
std::size_t skip_quoted_string(std::string_view text, std::size_t pos) {
  for (++pos; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (c == '"') return pos + 1;
    if (c == '\\') {
      // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ): the field-value characters.
      if (++pos == text.size() || !syntax::in_class(syntax::kFieldValueChar, text[pos])) return 0;
    } else if (!syntax::in_class(syntax::kQuotedTextChar, c)) {
      return 0;
    }
  }
  return 0;
}

// One "=" BWS chunk-ext-val, pos at the '='. Returns the offset after the value, or 0.
std::size_t skip_extension_value(std::string_view text, std::size_t pos) {
  pos = skip_ows(text, pos + 1);
  if (pos < text.size() && text[pos] == '"') return skip_quoted_string(text, pos);
  const std::size_t end = syntax::span(syntax::kTokenChar, text, pos);
  return end == pos ? 0 : end;
}

// Validates everything after the hex digits. Returns true when it is a run of extensions.
bool valid_extensions(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    pos = skip_ows(text, pos);
    if (pos == text.size() || text[pos] != ';') return false;
    pos = skip_ows(text, pos + 1);
    const std::size_t name_end = syntax::span(syntax::kTokenChar, text, pos);
    if (name_end == pos) return false;
    pos = skip_ows(text, name_end);
    if (pos < text.size() && text[pos] == '=') {
      pos = skip_extension_value(text, pos);
      if (pos == 0) return false;
    }
  }
  return true;
}

std::string_view extension_error(std::string_view text) {
  if (text.find('\r') != std::string_view::npos) return "bare CR in chunk-size line";
  if (text.find('\0') != std::string_view::npos) return "NUL in chunk-size line";
  return "invalid chunk extension";
}

}  // namespace

std::string_view parse_chunk_size_line(std::string_view line, std::uint64_t& size) {
  constexpr std::uint64_t kLargestShiftable = std::numeric_limits<std::uint64_t>::max() >> 4;
  std::uint64_t value = 0;
  std::size_t pos = 0;
  for (; pos < line.size(); ++pos) {
    const std::uint8_t digit = syntax::kHexValue[static_cast<unsigned char>(line[pos])];
    if (digit == syntax::kNotHex) break;
    if (value > kLargestShiftable) return "chunk size overflows 64 bits";
    value = (value << 4) | digit;
  }
  if (pos == 0) return "invalid chunk size";
  const std::string_view extensions = line.substr(pos);
  if (!extensions.empty() && !valid_extensions(extensions)) return extension_error(extensions);
  size = value;
  return {};
}

}  // namespace yoke::http1
