#include "demo/demo_routes.h"

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
    default:
      return "Unknown";
  }
}

void append_number(std::uint64_t value, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, static_cast<size_t>(end - digits));
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
