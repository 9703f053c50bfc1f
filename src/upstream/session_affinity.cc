// `sticky cookie` at run time (include/yoke/upstream/session_affinity.h). The attributes are
// those of nginx Plus's `sticky cookie`; their spelling and order are RFC 6265's (§4.1.1, §5.2),
// see docs/configuration.md ("sticky") for where Yoke's Set-Cookie differs from nginx's.
#include "yoke/upstream/session_affinity.h"

#include <utility>

namespace yoke::upstream {
namespace {

void write_two_digits(char* out, int value) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
}

std::string_view same_site_text(config::StickyCookie::SameSite same_site) {
  switch (same_site) {
    case config::StickyCookie::SameSite::kStrict:
      return "; SameSite=Strict";
    case config::StickyCookie::SameSite::kLax:
      return "; SameSite=Lax";
    case config::StickyCookie::SameSite::kNone:
      return "; SameSite=None";
    case config::StickyCookie::SameSite::kUnset:
      break;
  }
  return {};
}

std::string attributes_after_value(const config::StickyCookie& config) {
  std::string suffix;
  if (config.expiry == config::StickyCookie::Expiry::kMax) {
    char date[kCookieDateLength];
    format_cookie_date(SessionAffinity::kMaxExpires, date);
    suffix += "; Expires=" + std::string(date, sizeof date) +
              "; Max-Age=" + std::to_string(SessionAffinity::kMaxAgeOfMax);
  }
  if (!config.domain.empty()) suffix += "; Domain=" + config.domain;
  if (!config.path.empty()) suffix += "; Path=" + config.path;
  if (config.httponly) suffix += "; HttpOnly";
  if (config.secure) suffix += "; Secure";
  suffix += same_site_text(config.samesite);
  suffix += "\r\n";
  return suffix;
}

}  // namespace

void format_cookie_date(std::time_t time, char (&out)[kCookieDateLength]) {
  static constexpr std::string_view kDays = "SunMonTueWedThuFriSat";
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  std::tm parts{};
  gmtime_r(&time, &parts);
  auto day = static_cast<std::size_t>(parts.tm_wday) * 3;
  auto month = static_cast<std::size_t>(parts.tm_mon) * 3;
  int year = parts.tm_year + 1900;
  // "Www, DD Mmm YYYY HH:MM:SS GMT"
  kDays.copy(out, 3, day);
  out[3] = ',';
  out[4] = ' ';
  write_two_digits(out + 5, parts.tm_mday);
  out[7] = ' ';
  kMonths.copy(out + 8, 3, month);
  out[11] = ' ';
  write_two_digits(out + 12, year / 100 % 100);
  write_two_digits(out + 14, year % 100);
  out[16] = ' ';
  write_two_digits(out + 17, parts.tm_hour);
  out[19] = ':';
  write_two_digits(out + 20, parts.tm_min);
  out[22] = ':';
  write_two_digits(out + 23, parts.tm_sec);
  std::string_view(" GMT").copy(out + 25, 4);
}

SessionAffinity::SessionAffinity(const config::StickyCookie& config, balancing::HostSetPtr hosts)
    : hosts_(std::move(hosts)),
      table_(*hosts_),
      name_(config.name),
      prefix_("Set-Cookie: " + config.name + "="),
      suffix_(attributes_after_value(config)) {
  if (config.expiry == config::StickyCookie::Expiry::kRelative) {
    lifetime_ = static_cast<std::time_t>(
        std::chrono::duration_cast<std::chrono::seconds>(config.expires).count());
    max_age_ = "; Max-Age=" + std::to_string(lifetime_);
    refreshes_ = true;
  }
}

bool SessionAffinity::append_set_cookie(const balancing::Host& host, std::time_t now,
                                        Buffer& out) const {
  const std::string_view value = table_.value_of(host);
  std::size_t expected = prefix_.size() + value.size() + suffix_.size();
  std::size_t written = out.append(prefix_) + out.append(value);
  if (refreshes_) {
    // The date changes once a second: each worker thread formats it at most that often (per
    // distinct expires=TIME), as the access log does with its time stamp.
    thread_local std::time_t cached_time = -1;
    thread_local char cached_date[kCookieDateLength];
    if (now + lifetime_ != cached_time) {
      cached_time = now + lifetime_;
      format_cookie_date(cached_time, cached_date);
    }
    static constexpr std::string_view kExpires = "; Expires=";
    expected += kExpires.size() + sizeof cached_date + max_age_.size();
    written += out.append(kExpires) +
               out.append(std::string_view(cached_date, sizeof cached_date)) + out.append(max_age_);
  }
  written += out.append(suffix_);
  return written == expected;
}

}  // namespace yoke::upstream
