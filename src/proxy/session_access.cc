// The client's real address (ngx_http_realip_module) and access control (allow / deny and
// limit_except, ngx_http_access_module), right after the location is chosen: the real address
// then feeds access control, limits, hash keys, variables and logs.
#include "client_session.h"
#include "worker.h"
#include "yoke/http1/message.h"
#include "yoke/observe/error_log.h"
#include "yoke/observe/line_throttle.h"
#include "yoke/security/real_ip.h"

namespace yoke::proxy {
namespace {

// X-Forwarded-For may come in several fields; more than this many are not looked at.
constexpr std::size_t kMaxForwardedFields = 16;

// One line per second per worker at most: a denied client retrying must not flood the log.
void log_forbidden(std::string_view client) {
  thread_local observe::LineThrottle throttle;
  if (!throttle.admit(Clock::now())) return;
  observe::log_line(
      observe::LogLevel::kError,
      "access forbidden by rule, client: " + std::string(client) + throttle.take_held_back_note());
}

}  // namespace

void ClientSession::reset_real_ip() {
  peer_ = connection_->peer();
  remote_addr_.clear();
  real_ip_applied_ = false;
}

void ClientSession::apply_real_ip(const config::RealIp& real_ip, const http1::RequestHead& head) {
  if (real_ip.trusted.empty()) return;
  SocketAddress found;
  if (real_ip.proxy_protocol) {
    const PeerAddress* source = connection_->proxy_source();
    if (source == nullptr ||
        !security::any_matches(real_ip.trusted, security::ClientAddress::of(peer_.get()))) {
      return;
    }
    found = source->expand();
  } else {
    std::array<std::string_view, kMaxForwardedFields> fields;
    std::size_t count = 0;
    for (std::size_t i = 0; i < head.header_count && count < fields.size(); ++i) {
      if (http1::iequals(head.headers[i].name, real_ip.header)) {
        fields[count++] = head.headers[i].value;
      }
    }
    if (count == 0 || !security::forwarded_address(peer_, {fields.data(), count}, real_ip.trusted,
                                                   real_ip.recursive, found)) {
      return;
    }
  }
  peer_ = found;
  remote_addr_.clear();
  real_ip_applied_ = true;
}

// Only after realip changed the address: a client behind a CDN or another balancer is known
// by a header, which only a parsed request has. The connection closes after the 403, so the
// client has to connect again (and meets the accept-time check if it is the TCP peer).
bool ClientSession::pass_denylist() {
  const security::DenyTable* table = worker_.deny_table();
  if (table == nullptr || worker_.denied(*table, peer_.get()) == nullptr) return true;
  gen().metrics().denylist_forbidden.add();
  respond_local(403, {}, true);
  return false;
}

// allow / deny, evaluated in order, first match wins; limit_except's rules replace the
// location's for methods it does not list (nginx switches to the limit_except block's
// configuration for them). No match allows, as in nginx.
bool ClientSession::pass_access(const http1::RequestHead& head) {
  const router::RouteAccess& access = *route_->access;
  const security::AccessList* rules = &access.rules;
  if (!access.except_methods.empty() && !access.except_rules.empty()) {
    bool listed = false;
    for (const std::string& method : access.except_methods)
      listed = listed || method == head.method;
    if (!listed) rules = &access.except_rules;
  }
  if (rules->empty()) return true;
  if (rules->check(security::ClientAddress::of(peer_.get())) !=
      security::AccessList::Verdict::kDeny) {
    return true;
  }
  log_forbidden(remote_addr());
  // The body is not read: close after the answer unless there is none.
  respond_local(403, {}, head.body != http1::BodyKind::kNone);
  return false;
}

}  // namespace yoke::proxy
