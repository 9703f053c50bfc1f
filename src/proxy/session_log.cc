// Phase "log": one line per request and access_log, in the log's format (docs/logging.md).
// Variables of the request head are copied when the request is routed (the worker reuses the
// parsed head), those of the response head when it is written; everything else is read when
// the line is written, straight into the log file's buffer.
#include <charconv>
#include <chrono>
#include <ctime>

#include "client_session.h"
#include "worker.h"
#include "yoke/http1/message.h"

namespace yoke::proxy {
namespace {

using router::VariableId;

// RFC 4648 §4 base64 of credentials; appends the decoded user (up to ':') of
// "Authorization: Basic …" (RFC 7617 §2), as nginx's $remote_user.
void append_basic_user(std::string& out, std::string_view authorization) {
  if (authorization.size() < 6 || !http1::iequals(authorization.substr(0, 6), "basic ")) return;
  std::string_view encoded = authorization.substr(6);
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : encoded) {
    int value = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+'             ? 62
                : c == '/'             ? 63
                                       : -1;
    if (value < 0) return;  // '=' padding or garbage ends the user
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      char byte = static_cast<char>((bits >> count) & 0xff);
      if (byte == ':') return;
      out.push_back(byte);
    }
  }
}

// "29/Nov/2026:09:00:00 +0000" ($time_local) or "2026-11-29T09:00:00+00:00" ($time_iso8601),
// formatted at most once a second per thread.
std::string_view cached_time(bool iso) {
  struct Cache {
    std::time_t second = 0;
    char text[40] = {};
    std::size_t length = 0;
  };
  thread_local Cache caches[2];
  Cache& cache = caches[iso ? 1 : 0];
  std::time_t now = std::time(nullptr);
  if (now != cache.second) {
    std::tm local{};
    localtime_r(&now, &local);
    cache.length = std::strftime(cache.text, sizeof cache.text,
                                 iso ? "%Y-%m-%dT%H:%M:%S%z" : "%d/%b/%Y:%H:%M:%S %z", &local);
    if (iso && cache.length >= 5) {  // %z gives +0000; ISO 8601 wants +00:00
      char* zone = cache.text + cache.length - 2;
      zone[2] = zone[1];
      zone[1] = zone[0];
      zone[0] = ':';
      cache.length += 1;
    }
    cache.second = now;
  }
  return {cache.text, cache.length};
}

// Digits in a per-thread buffer: a line appends each value before asking for the next.
std::string_view number(std::uint64_t value) {
  thread_local char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  return {digits, static_cast<std::size_t>(end - digits)};
}

}  // namespace

// A request that reaches no location logs to its server's logs; one rejected before its
// server was known (a malformed head) to the listener's default server's.
const router::AccessLogs& ClientSession::request_logs() const {
  if (route_ != nullptr) return route_->access_logs;
  if (server_ != nullptr) return server_->access_logs;
  return gen().routes().listeners()[listener_].default_server->access_logs;
}

void ClientSession::capture_log_fields(const http1::RequestHead& head) {
  const router::AccessLogs& logs = request_logs();
  if (logs.empty()) return;
  logs_ = &logs;
  log_text_.clear();
  log_spans_.assign(std::size_t{logs.capture_count} * 2, 0);
  for (const router::RouteAccessLog& log : logs.logs) {
    capture_format(*log.format, log.capture_base, head);
    if (log.condition != nullptr) {
      auto base = log.capture_base + static_cast<std::uint32_t>(log.format->captures.size());
      capture_format(*log.condition, base, head);
    }
  }
}

void ClientSession::capture_format(const observe::CompiledLogFormat& format, std::uint32_t base,
                                   const http1::RequestHead& head) {
  for (std::size_t i = 0; i < format.captures.size(); ++i) {
    const observe::LogCapture& capture = format.captures[i];
    if (capture.response) continue;
    auto start = static_cast<std::uint32_t>(log_text_.size());
    append_head_value(capture, head);
    log_spans_[(base + i) * 2] = start;
    log_spans_[(base + i) * 2 + 1] = static_cast<std::uint32_t>(log_text_.size()) - start;
  }
}

void ClientSession::append_head_value(const observe::LogCapture& capture,
                                      const http1::RequestHead& head) {
  switch (capture.id) {
    case VariableId::kRequest:
      log_text_.append(head.method).append(" ").append(head.target);
      log_text_.append(head.version_minor == 1 ? " HTTP/1.1" : " HTTP/1.0");
      return;
    case VariableId::kRemoteUser:
      for (std::size_t i = 0; i < head.header_count; ++i) {
        if (http1::iequals(head.headers[i].name, "authorization")) {
          return append_basic_user(log_text_, head.headers[i].value);
        }
      }
      return;
    case VariableId::kProxyAddXForwardedFor:
      for (std::size_t i = 0; i < head.header_count; ++i) {
        if (http1::iequals(head.headers[i].name, "x-forwarded-for")) {
          log_text_.append(head.headers[i].value).append(", ");
          break;
        }
      }
      log_text_.append(remote_addr());
      return;
    default: {
      const http1::RequestHead* saved = current_head_;
      current_head_ = &head;
      log_text_.append(value(capture.id, capture.name));
      current_head_ = saved;
    }
  }
}

// write_response_head: $sent_http_NAME from the head passed on to the client.
void ClientSession::capture_response_fields(const http1::ResponseHead& head) {
  if (logs_ == nullptr) return;
  for (const router::RouteAccessLog& log : logs_->logs) {
    const observe::CompiledLogFormat* formats[2] = {log.format, log.condition};
    std::uint32_t base = log.capture_base;
    for (const observe::CompiledLogFormat* format : formats) {
      if (format == nullptr) continue;
      for (std::size_t i = 0; i < format->captures.size(); ++i) {
        if (!format->captures[i].response) continue;
        for (std::size_t f = 0; f < head.header_count; ++f) {
          if (!router::field_matches_variable(head.headers[f].name, format->captures[i].name))
            continue;
          log_spans_[(base + i) * 2] = static_cast<std::uint32_t>(log_text_.size());
          log_spans_[(base + i) * 2 + 1] = static_cast<std::uint32_t>(head.headers[f].value.size());
          log_text_.append(head.headers[f].value);
          break;
        }
      }
      base += static_cast<std::uint32_t>(format->captures.size());
    }
  }
}

void ClientSession::write_access_log() {
  const router::AccessLogs& logs = logs_ != nullptr ? *logs_ : request_logs();
  if (!logs.empty()) {
    if (logs_ == nullptr) {  // rejected before it was routed: no head values
      log_text_.clear();
      log_spans_.assign(std::size_t{logs.capture_count} * 2, 0);
    }
    for (const router::RouteAccessLog& log : logs.logs) {
      const std::uint32_t* spans = log_spans_.data() + std::size_t{log.capture_base} * 2;
      if (log.condition != nullptr &&
          !observe::log_condition_holds(
              *log.condition, {log_text_, spans + log.format->captures.size() * 2}, *this)) {
        continue;
      }
      AccessLogFile& file = gen().log_file(log.file);
      if (!file.ok()) {
        file.drop_line();
        continue;
      }
      std::string& line = file.line_buffer();
      observe::format_log_line(*log.format, {log_text_, spans}, *this, line);
      line.push_back('\n');
      file.line_done();
    }
  }
  logs_ = nullptr;
  attempt_log_.clear();
}

std::string_view ClientSession::log_value(VariableId id, std::string_view name) const {
  std::string& text = worker_.scratch().text;
  switch (id) {
    case VariableId::kTimeLocal:
      return cached_time(false);
    case VariableId::kTimeIso8601:
      return cached_time(true);
    case VariableId::kMsec: {
      auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
      char digits[32];
      int length =
          std::snprintf(digits, sizeof digits, "%lld.%03lld", static_cast<long long>(ms / 1000),
                        static_cast<long long>(ms % 1000));
      text.assign(digits, static_cast<std::size_t>(length));
      return text;
    }
    case VariableId::kServerProtocol:
      return client_version_minor_ == 1 ? "HTTP/1.1" : "HTTP/1.0";
    case VariableId::kStatus:
      // 0 when no status was decided (nginx prints 000, which is not a JSON number).
      return number(static_cast<std::uint64_t>(response_status_));
    case VariableId::kBodyBytesSent:
      return number(to_client_.body_bytes);
    case VariableId::kBytesSent:
      return number(to_client_.bytes_written);
    case VariableId::kRequestLength:
      return number(head_size_ + to_upstream_.body_bytes);
    case VariableId::kConnection:
      return number(connection_ != nullptr ? connection_->number() : 0);
    case VariableId::kConnectionRequests:
      return number(connection_ != nullptr ? connection_->requests() : 0);
    case VariableId::kPipe:
      return pipelined_ ? "p" : ".";
    case VariableId::kRequestTime:
    case VariableId::kUpstreamAddr:
    case VariableId::kUpstreamStatus:
    case VariableId::kUpstreamResponseTime:
    case VariableId::kUpstreamConnectTime:
    case VariableId::kUpstreamHeaderTime:
      return upstream_values(id);
    default:
      return value(id, name);
  }
}

}  // namespace yoke::proxy
