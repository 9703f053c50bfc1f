// Phase "log": one line per request in nginx's "combined" format
//   $remote_addr - - [$time_local] "$request" $status $body_bytes_sent "$http_referer"
//   "$http_user_agent"
// appended to the worker's buffered writer. The fields that live in the request head are
// copied when the head is parsed, into strings whose capacity is reused across requests.
#include <ctime>

#include "client_session.h"
#include "worker.h"
#include "yoke/http1/message.h"

namespace yoke::proxy {
namespace {

std::string_view find_field(const http1::RequestHead& head, std::string_view name) {
  for (std::size_t i = 0; i < head.header_count; ++i) {
    if (http1::iequals(head.headers[i].name, name)) return head.headers[i].value;
  }
  return {};
}

// nginx escapes '"', '\' and bytes outside printable ASCII in log values as \xHH.
void append_escaped(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
      out.append("\\x");
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    } else {
      out.push_back(c);
    }
  }
}

// "[29/Nov/2026:09:00:00 +0000]", formatted at most once a second per thread.
std::string_view time_local() {
  thread_local std::time_t cached_second = 0;
  thread_local char cached[40];
  thread_local std::size_t cached_length = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm local{};
    localtime_r(&now, &local);
    cached_length = std::strftime(cached, sizeof cached, "[%d/%b/%Y:%H:%M:%S %z]", &local);
    cached_second = now;
  }
  return {cached, cached_length};
}

}  // namespace

void ClientSession::capture_log_fields(const http1::RequestHead& head) {
  if (!worker_.logs_access()) return;
  log_prefix_.clear();
  append_escaped(log_prefix_, head.method);
  log_prefix_.push_back(' ');
  append_escaped(log_prefix_, head.target);
  log_prefix_.append(head.version_minor == 1 ? " HTTP/1.1" : " HTTP/1.0");
  log_suffix_.assign(" \"");
  std::string_view referer = find_field(head, "referer");
  append_escaped(log_suffix_, referer.empty() ? "-" : referer);
  log_suffix_.append("\" \"");
  std::string_view agent = find_field(head, "user-agent");
  append_escaped(log_suffix_, agent.empty() ? "-" : agent);
  log_suffix_.append("\"\n");
}

void ClientSession::write_access_log() {
  if (route_ == nullptr || !route_->config->access_log.enabled) return;
  AccessLogWriter* writer = worker_.access_log(route_->config->access_log.path);
  if (writer == nullptr) return;
  std::string& line = writer->line_buffer();
  line.append(remote_addr()).append(" - - ").append(time_local()).append(" \"");
  line.append(log_prefix_).append("\" ").append(std::to_string(response_status_));
  line.push_back(' ');
  line.append(std::to_string(to_client_.body_bytes)).append(log_suffix_);
  writer->line_done();
}

}  // namespace yoke::proxy
