// Phase "route": pick the virtual server by Host and the location by path, then either answer
// locally (return, errors) or start proxying.
#include <utility>

#include "client_session.h"
#include "worker.h"
#include "yoke/http1/parser.h"
#include "yoke/observe/error_log.h"
#include "yoke/observe/line_throttle.h"
#include "yoke/router/uri.h"

namespace yoke::proxy {
namespace {

// RFC 9110 §9.2.2: methods whose repetition has the same effect; only these are retried
// unless proxy_next_upstream non_idempotent is set (nginx 1.9.13+ behaves the same).
bool is_idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" ||
         method == "OPTIONS" || method == "TRACE";
}

}  // namespace

void ClientSession::handle_head(const http1::RequestHead& head) {
  client_timer().cancel();
  min_rate_.stop();
  if (real_ip_applied_) [[unlikely]]
    reset_real_ip();  // an earlier request's real address
  head_started_ = false;
  head_scanned_ = 0;
  connection_->count_request();
  // A new request starts on the newest configuration (a reload may have come since the last).
  connection_->refresh_generation();
  generation_ = &connection_->generation();
  user_values_.begin_request(gen().routes().variables().names().size(),
                             gen().routes().variables().geoip2_count());
  listener_ = connection_->listener();
  exchange_start_ = worker_.loop().now();
  head_size_ = head.head_size;
  head_request_ = head.method == "HEAD";
  idempotent_ = is_idempotent(head.method);
  upgrade_ = head.upgrade;
  client_keep_alive_ = head.keep_alive;
  client_version_minor_ = head.version_minor;
  expect_continue_ = head.expect_continue;
  body_expected_ = head.body != http1::BodyKind::kNone;
  server_ = &gen().routes().select_server(listener_, head.host);
  bool normalized = router::normalize_path(head.path, uri_);
  route_ = normalized ? gen().routes().select_route(*server_, uri_) : nullptr;
  apply_real_ip(route_ != nullptr ? route_->config->real_ip : server_->config->real_ip, head);
  read_trace_context(head);
  capture_log_fields(head);
  if (!normalized) return respond_local(400, {}, true);
  if (real_ip_applied_ && !pass_denylist()) return;
  if (route_ == nullptr) return respond_local(404, {}, false);
  upstream_index_ = route_->upstream;
  upstream_named_ = true;
  if (route_->dynamic_upstream && !choose_dynamic_upstream(head)) return;
  if (route_->access != nullptr && !pass_access(head)) return;
  const config::Location& location = *route_->config;
  keepalive_timeout_ = location.keepalive_timeout;
  if (std::cmp_greater_equal(connection_->requests(), location.keepalive_requests) ||
      location.keepalive_timeout.count() == 0) {
    client_keep_alive_ = false;
  }
  if (location.client_max_body_size != 0 && head.body == http1::BodyKind::kContentLength &&
      head.content_length > location.client_max_body_size) {
    return respond_local(413, {}, true);
  }
  if (location.return_action) {
    const config::Return& action = *location.return_action;
    bool redirect = action.status == 301 || action.status == 302 || action.status == 303 ||
                    action.status == 307 || action.status == 308;
    // The request body is not read for a local answer: close unless there is none.
    bool close_after = head.body != http1::BodyKind::kNone;
    if (redirect) {
      std::string& field = worker_.scratch().text;
      field.assign("Location: ").append(action.text);
      return respond_local(action.status, {}, close_after, field);
    }
    return respond_local(action.status, action.text, close_after);
  }
  if (body_expected_) {
    min_rate_.start(location.client_min_rate, exchange_start_);
    min_rate_.keeps_up(client_in_->size() - head_size_, exchange_start_);  // read with the head
  }
  if (!route_->rate_limits.empty() && !pass_rate_limits(head)) return;
  proceed_after_limits(head);
}

// nginx's proxy_pass with variables takes an upstream block when the value names one; otherwise
// it would resolve the value as a host name, which Yoke does not do at run time: 502, and a log
// line naming the value (at most one a second per worker, as a flood would repeat it).
bool ClientSession::choose_dynamic_upstream(const http1::RequestHead& head) {
  std::string& name = worker_.scratch().key;
  name.clear();
  current_head_ = &head;
  router::expand(route_->upstream_name, *this,
                 [&name](std::string_view part) { name.append(part); });
  current_head_ = nullptr;
  if (gen().routes().find_upstream(name, upstream_index_)) return true;
  thread_local observe::LineThrottle throttle;
  if (throttle.admit(Clock::now())) {
    observe::log_line(observe::LogLevel::kError, "no upstream \"" + name + "\" for proxy_pass " +
                                                     route_->config->proxy_pass->host_text +
                                                     ", client: " + std::string(remote_addr()) +
                                                     throttle.take_held_back_note());
  }
  upstream_named_ = false;
  respond_local(502, {}, head.body != http1::BodyKind::kNone);
  return false;
}

}  // namespace yoke::proxy
