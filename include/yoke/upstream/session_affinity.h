#pragma once
// One upstream's `sticky cookie` (nginx Plus's session affinity by cookie), ready for the hot
// path: the cookie's name, the value ↔ host table, and the Set-Cookie field line precomputed
// except for the host's value and, with expires=TIME, the date. Built once per HostSet on the
// main thread with the routing snapshot, shared read-only by every worker.
//
// The proxy asks find() once per request with the value of the request's cookie NAME, passes
// the host it names to UpstreamBalancer::choose (used if it is eligible, else the policy
// picks), and adds append_set_cookie() to the response head when sets_cookie() says so.
#include <ctime>
#include <string>
#include <string_view>

#include "yoke/balancing/host_set.h"
#include "yoke/config/model.h"
#include "yoke/core/buffer.h"
#include "yoke/upstream/sticky_table.h"

namespace yoke::upstream {

class SessionAffinity {
 public:
  // nginx's expires=max: "Thu, 31 Dec 2037 23:55:55 GMT" (NGX_HTTP_STICKY_COOKIE_MAX_EXPIRES),
  // with the ten-year Max-Age nginx sends beside it.
  static constexpr std::time_t kMaxExpires = 2145916555;
  static constexpr long kMaxAgeOfMax = 315360000;

  // config: a validated `sticky cookie` (config/sticky.cc); hosts: the upstream's HostSet,
  // kept alive by this object. Main thread.
  SessionAffinity(const config::StickyCookie& config, balancing::HostSetPtr hosts);

  const std::string& cookie_name() const { return name_; }
  const StickyTable& table() const { return table_; }

  // The host a request's cookie value names, or nullptr (no such host, malformed value).
  const balancing::Host* find(std::string_view cookie_value) const {
    return table_.find(cookie_value);
  }

  // Whether the response from `answered` carries Set-Cookie, when the request's cookie named
  // `requested` (nullptr: no cookie, or one naming no host). Only when the client does not
  // already hold the right cookie, except with expires=TIME: then on every response, as nginx
  // Plus does, so that the expiry slides with use instead of cutting off an active session.
  bool sets_cookie(const balancing::Host& answered, const balancing::Host* requested) const {
    return refreshes_ || &answered != requested;
  }

  // Appends "Set-Cookie: NAME=VALUE[; Expires=…; Max-Age=…][; Domain=…][; Path=…][; HttpOnly]
  // [; Secure][; SameSite=…]\r\n" for host to out. now: wall-clock seconds since the epoch
  // (used only with expires=TIME). Returns false when out had no room for all of it. No
  // allocation; any thread.
  bool append_set_cookie(const balancing::Host& host, std::time_t now, Buffer& out) const;

 private:
  balancing::HostSetPtr hosts_;
  StickyTable table_;
  std::string name_;
  std::string prefix_;        // "Set-Cookie: NAME="
  std::string max_age_;       // "; Max-Age=SECONDS" for expires=TIME, else empty
  std::string suffix_;        // the attributes after the value (and the date), and CRLF
  std::time_t lifetime_ = 0;  // expires=TIME in seconds
  bool refreshes_ = false;    // expires=TIME: a new Expires on every response
};

// "Sun, 06 Nov 1994 08:49:37 GMT": IMF-fixdate (RFC 9110 §5.6.7), the rfc1123-date form
// RFC 6265 §4.1.1 asks servers to send in Expires. Writes exactly 29 characters.
inline constexpr std::size_t kCookieDateLength = 29;
void format_cookie_date(std::time_t time, char (&out)[kCookieDateLength]);

}  // namespace yoke::upstream
