#include "admin/admin_response.h"

#include <ctime>
#include <string_view>

namespace yoke::admin {
namespace {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 201:
      return "Created";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 415:
      return "Unsupported Media Type";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return status < 500 ? "Client Error" : "Server Error";
  }
}

// RFC 9110 §6.6.1: an origin server with a clock sends Date (IMF-fixdate).
std::string http_date() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[40];
  std::size_t length = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return std::string(text, length);
}

}  // namespace

void append_response(std::string& out, const AdminResponse& response, bool head_only, bool close) {
  out += "HTTP/1.1 " + std::to_string(response.status) + " ";
  out += reason_phrase(response.status);
  out += "\r\nServer: yoke\r\nDate: " + http_date();
  out += "\r\nContent-Type: " + response.content_type;
  out += "\r\nContent-Length: " + std::to_string(response.body.size());
  // Metrics and health are live values: no cache may answer for Yoke.
  out += "\r\nCache-Control: no-store\r\n";
  for (const auto& [name, value] : response.headers)
    out.append(name).append(": ").append(value).append("\r\n");
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head_only) out += response.body;
}

}  // namespace yoke::admin
