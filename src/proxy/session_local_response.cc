// Answers produced by Yoke itself: `return`, and errors (400, 404, 408, 413, 414, 431, 502,
// 503, 504 …), each with a short text body, as nginx answers with a short HTML page.
#include <charconv>

#include "client_session.h"
#include "worker.h"
#include "yoke/core/socket.h"

namespace yoke::proxy {
namespace {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

void append_number(Buffer& out, std::uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

}  // namespace

void ClientSession::respond_local(int status, std::string_view body, bool close_after,
                                  std::string_view extra_field) {
  client_timer().cancel();
  upstream_timer_.cancel();
  if (upstream_ != nullptr) {
    abandon_attempt();
    release_upstream(false);
  }
  response_status_ = status;
  if (close_after || !client_keep_alive_ || connection_->draining()) close_after_ = true;
  std::string generated_body;
  if (body.empty() && status >= 400) {
    generated_body = std::to_string(status) + " " + std::string(reason_phrase(status)) + "\n";
    body = generated_body;
  }
  Buffer& out = *take_buffer(client_out_);
  out.clear();
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<std::uint64_t>(status));
  out.append(" ");
  out.append(reason_phrase(status));
  out.append("\r\nServer: yoke\r\nContent-Type: text/plain\r\nContent-Length: ");
  append_number(out, body.size());
  if (!extra_field.empty()) {
    out.append("\r\n");
    out.append(extra_field);
  }
  out.append(close_after_ ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n");
  if (!head_request_) out.append(body);
  to_client_ = Outgoing{};
  to_client_.generated = &out;
  to_client_.body_bytes = head_request_ ? 0 : body.size();
  phase_ = Phase::kLocalResponse;
  worker_.loop().arm(client_timer(),
                     route_ != nullptr ? route_->config->send_timeout : Milliseconds(60000));
  pump_local_response();
}

void ClientSession::pump_local_response() {
  if (!flush(fd_, to_client_, writable_)) return close();
  if (to_client_.pending()) return;
  finish_exchange();
}

bool ClientSession::flush(int fd, Outgoing& out, bool& writable) {
  while (writable && out.pending()) {
    iovec parts[2];
    int count = 0;
    if (out.generated != nullptr && !out.generated->empty()) {
      std::string_view bytes = out.generated->readable();
      parts[count++] = {const_cast<char*>(bytes.data()), bytes.size()};
    }
    if (out.source_length > 0) {
      const char* start = out.source->readable().data() + out.source_offset;
      parts[count++] = {const_cast<char*>(start), out.source_length};
    }
    IoResult result = fd == fd_ ? connection_->write(parts, count) : write_some(fd, parts, count);
    if (result.kind == IoResult::Kind::kWouldBlock) {
      writable = false;
      return true;
    }
    if (result.kind != IoResult::Kind::kDone) return false;
    std::size_t written = result.bytes;
    out.bytes_written += written;
    if (out.generated != nullptr) {
      std::size_t from_generated = std::min(written, out.generated->size());
      out.generated->consume(from_generated);
      written -= from_generated;
    }
    if (written > 0) {
      if (out.consume_source)
        out.source->consume(written);
      else
        out.source_offset += written;
      out.source_length -= written;
    }
  }
  return true;
}

}  // namespace yoke::proxy
