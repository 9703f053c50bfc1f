#include "yoke/observe/log_format.h"

#include <array>
#include <utility>

namespace yoke::observe {
namespace {

using router::VariableId;

bool is_captured(VariableId id) {
  return router::reads_request_head(id) || id == VariableId::kSentHttpField;
}

std::uint16_t capture_index(CompiledLogFormat& format, const router::CompiledPart& part) {
  for (std::size_t i = 0; i < format.captures.size(); ++i) {
    if (format.captures[i].id == part.id && format.captures[i].name == part.text) {
      return static_cast<std::uint16_t>(i);
    }
  }
  format.captures.push_back({part.id, part.text, part.id == VariableId::kSentHttpField});
  return static_cast<std::uint16_t>(format.captures.size() - 1);
}

std::string_view piece_value(const LogPiece& piece, const CapturedValues& captured,
                             const LogValues& values) {
  if (piece.capture == kNotCaptured) return values.log_value(piece.id, piece.text);
  const std::uint32_t* span = captured.spans + 2 * piece.capture;
  return captured.text.substr(span[0], span[1]);
}

constexpr char kHex[] = "0123456789ABCDEF";

// One table lookup per byte instead of four comparisons.
constexpr std::array<bool, 256> kNeedsDefaultEscape = [] {
  std::array<bool, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    table[byte] = byte < 0x20 || byte >= 0x7f || byte == '"' || byte == '\\';
  }
  return table;
}();

bool needs_default_escape(unsigned char byte) { return kNeedsDefaultEscape[byte]; }

// nginx's ngx_http_log_escape: '"', '\' and bytes outside printable ASCII become \xHH. Runs
// of bytes that need nothing are appended whole (most values are all such bytes).
void append_default_escaped(std::string& out, std::string_view value) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto byte = static_cast<unsigned char>(value[i]);
    if (!needs_default_escape(byte)) continue;
    out.append(value.data() + start, i - start);
    const char escaped[4] = {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
    out.append(escaped, 4);
    start = i + 1;
  }
  out.append(value.data() + start, value.size() - start);
}

// Length of the well-formed UTF-8 sequence at value[i] (RFC 3629 §4), or 0.
std::size_t utf8_sequence(std::string_view value, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(value[k]); };
  unsigned char lead = at(i);
  std::size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
  if (length == 0 || lead > 0xf4 || i + length > value.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((at(i + k) & 0xc0) != 0x80) return 0;
  }
  unsigned char second = at(i + 1);
  if ((lead == 0xe0 && second < 0xa0) || (lead == 0xed && second >= 0xa0) ||
      (lead == 0xf0 && second < 0x90) || (lead == 0xf4 && second >= 0x90)) {
    return 0;  // overlong, surrogate, or above U+10FFFF
  }
  return length;
}

void append_unicode_escape(std::string& out, unsigned char byte) {
  const char escaped[6] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xf]};
  out.append(escaped, 6);
}

// JSON string contents (RFC 8259 §7), as nginx's ngx_escape_json: '"' and '\' get a backslash,
// control characters their short form or \u00XX. Unlike nginx, which copies other bytes as
// they are, a byte that is not part of well-formed UTF-8 becomes \u00XX, so every line is
// valid JSON whatever a client sent.
void append_json_escaped(std::string& out, std::string_view value) {
  std::size_t plain = 0;  // a leading run that needs nothing is appended whole
  while (plain < value.size()) {
    auto byte = static_cast<unsigned char>(value[plain]);
    if (byte < 0x20 || byte >= 0x80 || byte == '"' || byte == '\\') break;
    ++plain;
  }
  out.append(value.data(), plain);
  for (std::size_t i = plain; i < value.size();) {
    auto byte = static_cast<unsigned char>(value[i]);
    if (byte >= 0x80) {
      std::size_t length = utf8_sequence(value, i);
      if (length == 0) {
        append_unicode_escape(out, byte);
        ++i;
      } else {
        out.append(value.substr(i, length));
        i += length;
      }
      continue;
    }
    ++i;
    switch (byte) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        if (byte < 0x20) {
          append_unicode_escape(out, byte);
        } else {
          out.push_back(static_cast<char>(byte));
        }
    }
  }
}

}  // namespace

CompiledLogFormat compile_log_format(const config::LogFormat& format) {
  CompiledLogFormat compiled;
  compiled.name = format.name;
  compiled.escape = format.escape;
  for (router::CompiledPart& part : router::compile_template(format.text).parts) {
    LogPiece piece;
    piece.id = part.id;
    if (part.id != VariableId::kLiteral && is_captured(part.id)) {
      piece.capture = capture_index(compiled, part);
    }
    piece.text = std::move(part.text);
    compiled.pieces.push_back(std::move(piece));
  }
  return compiled;
}

void append_log_value(std::string& out, std::string_view value, config::LogEscape escape) {
  switch (escape) {
    case config::LogEscape::kJson:
      return append_json_escaped(out, value);
    case config::LogEscape::kDefault:
      if (value.empty()) break;
      return append_default_escaped(out, value);
    case config::LogEscape::kNone:
      if (value.empty()) break;
      out.append(value);
      return;
  }
  out.push_back('-');
}

void format_log_line(const CompiledLogFormat& format, const CapturedValues& captured,
                     const LogValues& values, std::string& out) {
  for (const LogPiece& piece : format.pieces) {
    if (piece.id == VariableId::kLiteral) {
      out.append(piece.text);
    } else {
      append_log_value(out, piece_value(piece, captured, values), format.escape);
    }
  }
}

bool log_condition_holds(const CompiledLogFormat& condition, const CapturedValues& captured,
                         const LogValues& values) {
  std::size_t length = 0;
  char first = 0;
  for (const LogPiece& piece : condition.pieces) {
    std::string_view value = piece.id == VariableId::kLiteral
                                 ? std::string_view(piece.text)
                                 : piece_value(piece, captured, values);
    if (value.empty()) continue;
    if (length == 0) first = value[0];
    length += value.size();
    if (length > 1) return true;
  }
  return length == 1 ? first != '0' : false;
}

}  // namespace yoke::observe
