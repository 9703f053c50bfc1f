#include "demo/demo_routes.h"

#include <algorithm>
#include <charconv>

namespace yoke::demo {
namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

void append_number(std::uint64_t value, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, static_cast<size_t>(end - digits));
}

bool parse_number(std::string_view text, int max, int& out) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > max) {
    return false;
  }
  out = value;
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a query value ("50%25" is "50%"; a '%' not followed by two hex digits, as in
// a bare "50%", stays as written; '+' is a space). False for control bytes or over 200 bytes.
bool parse_agent_words(std::string_view value, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '+') c = ' ';
    if (c == '%' && i + 2 < value.size() && hex_digit(value[i + 1]) >= 0 &&
        hex_digit(value[i + 2]) >= 0) {
      c = static_cast<char>(hex_digit(value[i + 1]) * 16 + hex_digit(value[i + 2]));
      i += 2;
    }
    // Controls, and what would break the JSON answer of /__control.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '"' || c == '\\') return false;
    out.push_back(c);
  }
  return !out.empty() && out.size() <= 200;
}

bool parse_health_mode(std::string_view value, int& out) {
  if (value == "ok") out = static_cast<int>(HealthMode::kOk);
  if (value == "fail") out = static_cast<int>(HealthMode::kFail);
  if (value == "hang") out = static_cast<int>(HealthMode::kHang);
  return value == "ok" || value == "fail" || value == "hang";
}

// "delay_ms=N&fail=0|1&hang=0|1&health=ok|fail|hang&agent=WORDS", any of them; anything else
// marks the request bad.
void parse_control(std::string_view query, RouteMatch& match) {
  while (!query.empty()) {
    const std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    const std::size_t equals = pair.find('=');
    const std::string_view key = pair.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    bool ok = false;
    if (key == "delay_ms") ok = parse_number(value, 3600 * 1000, match.delay_ms);
    if (key == "fail") ok = parse_number(value, 1, match.fail);
    if (key == "hang") ok = parse_number(value, 1, match.hang);
    if (key == "health") ok = parse_health_mode(value, match.health);
    if (key == "agent") ok = match.set_agent = parse_agent_words(value, match.agent);
    if (!ok) match.bad_control = true;
  }
}

}  // namespace

RouteMatch match_route(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  RouteMatch match;
  constexpr std::string_view kBytesPrefix = "/bytes/";
  if (path == "/echo") {
    match.route = Route::kEcho;
  } else if (path == "/health") {
    match.route = Route::kHealth;
  } else if (path == "/__stats") {
    match.route = Route::kStats;
  } else if (path == "/__control") {
    match.route = Route::kControl;
    const std::size_t question = target.find('?');
    if (question != std::string_view::npos) parse_control(target.substr(question + 1), match);
  } else if (path.starts_with(kBytesPrefix)) {
    std::string_view number = path.substr(kBytesPrefix.size());
    std::uint64_t count = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
    if (!number.empty() && ec == std::errc() && end == number.data() + number.size()) {
      match.route = Route::kBytes;
      match.byte_count = count;
    }
  }
  return match;
}

void append_response_head(const ResponseHead& head, std::string& out) {
  out.append("HTTP/1.1 ");
  append_number(static_cast<std::uint64_t>(head.status), out);
  out.push_back(' ');
  out.append(reason_phrase(head.status));
  out.append("\r\nX-Backend: ");
  out.append(head.backend_name);
  out.append("\r\nContent-Type: ");
  out.append(head.content_type);
  out.append("\r\nContent-Length: ");
  append_number(head.content_length, out);
  if (!head.keep_alive) {
    out.append("\r\nConnection: close");
  } else if (head.minor_version == 0) {
    out.append("\r\nConnection: keep-alive");
  }
  out.append("\r\n\r\n");
}

}  // namespace yoke::demo
