// Phase "send request": the head Yoke sends upstream. Hop-by-hop fields are dropped
// (RFC 9110 §7.6.1), framing is re-written so that it is unambiguous (RFC 9112 §6.3), and
// proxy_set_header rules apply as in nginx (a rule replaces the client's field of that name;
// an empty value removes it).
#include <charconv>
#include <functional>

#include "client_session.h"
#include "field_copy.h"
#include "worker.h"
#include "yoke/http1/parser.h"
#include "yoke/router/uri.h"

namespace yoke::proxy {
namespace {

// Fields Yoke writes itself or handles, never copied from the client.
bool is_replaced(std::string_view name) {
  return http1::iequals(name, "host") || http1::iequals(name, "content-length") ||
         http1::iequals(name, "expect") || http1::is_hop_by_hop(name);
}

bool set_by_rule(const router::Route& route, std::string_view name) {
  for (const auto& rule : route.headers) {
    if (http1::iequals(rule.name, name)) return true;
  }
  return false;
}

// Appends to a Buffer, remembering if anything did not fit.
struct HeadWriter {
  Buffer& out;
  bool overflow = false;
  void operator()(std::string_view bytes) {
    if (out.append(bytes) != bytes.size()) overflow = true;
  }
  void number(std::uint64_t value) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    (*this)(std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }
};

// The target to send upstream when proxy_pass has no URI part: as received, except that an
// absolute-form target (RFC 9112 §3.2.2, meant for proxies) goes as origin-form — its path and
// query — so the backend never sees an authority beside the Host Yoke writes (two hosts to
// choose from is what a Host-confusion attack needs). The parser's path and query views point
// into the target, or path is a static "/" when the target has no path.
template <typename Write>
void write_target(const http1::RequestHead& head, Write& write) {
  const std::string_view target = head.target;
  const bool absolute_form =
      !target.empty() && target[0] != '/' && target != "*" && head.method != "CONNECT";
  if (!absolute_form) return write(target);
  const char* target_end = target.data() + target.size();
  // std::less: a total order even for the static "/", which lies outside the buffer.
  const std::less<const char*> before;
  if (!before(head.path.data(), target.data()) && before(head.path.data(), target_end)) {
    return write(std::string_view(head.path.data(),
                                  static_cast<std::size_t>(target_end - head.path.data())));
  }
  write("/");
  const std::size_t question = target.find('?');
  if (question != std::string_view::npos) write(target.substr(question));
}

}  // namespace

const http1::RequestHead& ClientSession::reparse_head() {
  http1::RequestHead& head = worker_.scratch().request;
  http1::Limits limits;
  limits.max_head = limits.max_request_line = limits.max_field_line = client_in_->capacity();
  // The bytes were accepted once and have not changed, so this parse succeeds again.
  http1::parse_request_head(client_in_->readable(), limits, head);
  current_head_ = &head;
  return head;
}

bool ClientSession::write_request_head() {
  const http1::RequestHead& head = *current_head_;
  const config::Location& location = *route_->config;
  HeadWriter write{*upstream_out_};
  write(head.method);
  write(" ");
  if (location.proxy_pass->has_uri) {
    std::string& uri = worker_.scratch().text;
    uri.clear();
    router::rewrite_uri(location.proxy_pass->uri, location.pattern, uri_, head.query, uri);
    write(uri);
  } else {
    write_target(head, write);
  }
  write(location.proxy_http_version_minor == 1 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
  if (!route_->sets_host) {
    write("Host: ");
    write(proxy_host());
    write("\r\n");
  }
  // Fields named in Connection are hop-by-hop too; most requests have no such names, so the
  // quadratic check only runs when a Connection field exists.
  bool has_connection = false;
  for (std::size_t i = 0; i < head.header_count; ++i) {
    has_connection = has_connection || http1::iequals(head.headers[i].name, "connection");
  }
  for (std::size_t i = 0; i < head.header_count; ++i) {
    const http1::Header& field = head.headers[i];
    if (http1::iequals(field.name, "x-forwarded-for") && forwarded_for_.empty()) {
      forwarded_for_ = field.value;
    }
    if (is_replaced(field.name) || set_by_rule(*route_, field.name) ||
        replaces_trace_field(field.name) ||
        (has_connection &&
         http1::named_in_connection(head.headers, head.header_count, field.name))) {
      continue;
    }
    forward_field(field, write);
  }
  for (const auto& rule : route_->headers) {
    if (rule.remove) continue;
    std::size_t before = upstream_out_->size();
    write(rule.name);
    write(": ");
    std::size_t value_start = upstream_out_->size();
    router::expand(rule.value, *this, write);
    // nginx: a header whose value evaluates to an empty string is not sent.
    if (upstream_out_->size() == value_start) {
      upstream_out_->truncate(before);
      continue;
    }
    write("\r\n");
  }
  char traceparent[observe::kTraceparentLength];
  std::string_view trace = outgoing_traceparent(traceparent);
  if (!trace.empty() && !set_by_rule(*route_, "traceparent")) {
    write("traceparent: ");
    write(trace);
    write("\r\n");
  }
  if (upgrade_) {
    for (std::size_t i = 0; i < head.header_count; ++i) {
      if (!http1::iequals(head.headers[i].name, "upgrade")) continue;
      write("Upgrade: ");
      write(head.headers[i].value);
      write("\r\n");
    }
    write("Connection: upgrade\r\n");
  } else {
    const auto& upstream = *gen().routes().upstreams()[upstream_index_].config;
    bool keep = upstream.keepalive > 0 && location.proxy_http_version_minor == 1;
    write(keep ? "" : "Connection: close\r\n");
  }
  if (head.body == http1::BodyKind::kContentLength) {
    write("Content-Length: ");
    write.number(head.content_length);
    write("\r\n");
  } else if (head.body == http1::BodyKind::kChunked) {
    write("Transfer-Encoding: chunked\r\n");
  }
  write("\r\n");
  request_body_.start(head.body, head.content_length, head.body == http1::BodyKind::kChunked);
  return !write.overflow;
}

}  // namespace yoke::proxy
