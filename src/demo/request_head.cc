#include "demo/request_head.h"

#include <charconv>

namespace yoke::demo {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// True when the comma-separated list `value` contains `token` (case-insensitive).
bool list_contains(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (equals_ignore_case(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool parse_request_line(std::string_view line, RequestHead& out) {
  size_t first_space = line.find(' ');
  if (first_space == std::string_view::npos || first_space == 0) return false;
  size_t second_space = line.find(' ', first_space + 1);
  if (second_space == std::string_view::npos || second_space == first_space + 1) return false;
  out.method = line.substr(0, first_space);
  out.target = line.substr(first_space + 1, second_space - first_space - 1);
  std::string_view version = line.substr(second_space + 1);
  if (version == "HTTP/1.1") {
    out.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    out.minor_version = 0;
  } else {
    return false;
  }
  out.keep_alive = out.minor_version == 1;
  return true;
}

struct HeaderFacts {
  bool saw_length = false;
  bool saw_transfer_encoding = false;
  bool saw_host = false;
  bool connection_close = false;
  bool connection_keep_alive = false;
};

bool apply_header(std::string_view name, std::string_view value, RequestHead& out,
                  HeaderFacts& facts) {
  if (equals_ignore_case(name, "content-length")) {
    std::uint64_t length = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size()) return false;
    // Repeated Content-Length must agree (RFC 9112 §6.3 item 5).
    if (facts.saw_length && length != out.content_length) return false;
    facts.saw_length = true;
    out.content_length = length;
  } else if (equals_ignore_case(name, "transfer-encoding")) {
    if (facts.saw_transfer_encoding || !equals_ignore_case(value, "chunked")) return false;
    facts.saw_transfer_encoding = true;
  } else if (equals_ignore_case(name, "connection")) {
    facts.connection_close |= list_contains(value, "close");
    facts.connection_keep_alive |= list_contains(value, "keep-alive");
  } else if (equals_ignore_case(name, "expect")) {
    out.expect_continue = equals_ignore_case(value, "100-continue");
  } else if (equals_ignore_case(name, "host")) {
    facts.saw_host = true;
  }
  return true;
}

// One "name: value" line; obs-fold and whitespace before the colon are rejected
// (RFC 9112 §5.1, §5.2).
bool parse_header_line(std::string_view line, RequestHead& out, HeaderFacts& facts) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view name = line.substr(0, colon);
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\0') return false;
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  for (char c : value) {
    if (c == '\0' || c == '\r' || c == '\n') return false;
  }
  return apply_header(name, value, out, facts);
}

}  // namespace

bool parse_request_head(std::string_view head, RequestHead& out) {
  out = RequestHead{};
  size_t line_end = head.find("\r\n");
  if (line_end == std::string_view::npos || !parse_request_line(head.substr(0, line_end), out)) {
    return false;
  }
  HeaderFacts facts;
  size_t pos = line_end + 2;
  for (;;) {
    line_end = head.find("\r\n", pos);
    if (line_end == std::string_view::npos) return false;
    if (line_end == pos) break;  // the blank line that ends the head
    std::string_view line = head.substr(pos, line_end - pos);
    if (line.front() == ' ' || line.front() == '\t') return false;  // obs-fold
    if (!parse_header_line(line, out, facts)) return false;
    pos = line_end + 2;
  }
  if (facts.saw_length && facts.saw_transfer_encoding) return false;
  if (out.minor_version == 1 && !facts.saw_host) return false;  // RFC 9112 §3.2
  if (facts.saw_transfer_encoding) {
    out.framing = BodyFraming::kChunked;
  } else if (facts.saw_length && out.content_length > 0) {
    out.framing = BodyFraming::kLength;
  }
  if (facts.connection_close) out.keep_alive = false;
  if (out.minor_version == 0 && facts.connection_keep_alive) out.keep_alive = true;
  return true;
}

}  // namespace yoke::demo
