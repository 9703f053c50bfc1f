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

// "delay_ms=N&fail=0|1", either or both; anything else marks the request bad.
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
