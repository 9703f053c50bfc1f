// limit_req_zone KEY zone=NAME:SIZE rate=RATE (ngx_http_limit_req_module; Yoke adds
// global=redis://HOST:PORT and redis_fail=open|closed, docs/redis-limits.md) and limit_conn_zone
// KEY zone=NAME:SIZE (ngx_http_limit_conn_module), http context, and the checks that every
// limit_req / limit_conn names a defined zone (nginx: "unknown limit_req_zone").
#include <charconv>
#include <string>
#include <vector>

#include "config/build.h"
#include "config/directive_checks.h"
#include "config/durations.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

// Below one bucket of eight slots a zone could not hold a key per worker.
constexpr std::uint64_t kMinZoneSize = 128;
constexpr std::uint64_t kMaxZoneSize = std::uint64_t{1} << 34;  // 16 GiB

void read_zone(const Directive& directive, const Argument& argument, RateLimitZone& zone) {
  const std::string_view text = std::string_view(argument.text).substr(5);
  const std::size_t colon = text.rfind(':');
  std::uint64_t size = 0;
  if (colon == 0 || colon == std::string_view::npos ||
      parse_size(text.substr(colon + 1), size) != ParseStatus::kOk || size < kMinZoneSize ||
      size > kMaxZoneSize) {
    fail(argument.where, "invalid zone " + quote(argument.text) + " in " + quote(directive.name) +
                             " directive, expected \"zone=NAME:SIZE\" with a size from 128 to "
                             "16g, e.g. \"zone=api:10m\"");
  }
  zone.name = std::string(text.substr(0, colon));
  zone.size = size;
}

// "rate=10r/s" or "rate=30r/m"; kept as requests per second × 1000, rounded down as nginx does.
void read_rate(const Directive& directive, const Argument& argument, RateLimitZone& zone) {
  std::string_view text = std::string_view(argument.text).substr(5);
  std::uint64_t per_minute = 0;
  if (text.size() > 3 && text.substr(text.size() - 3) == "r/m") per_minute = 1;
  const bool per_second = text.size() > 3 && text.substr(text.size() - 3) == "r/s";
  std::uint64_t count = 0;
  const std::string_view digits = text.substr(0, text.size() >= 3 ? text.size() - 3 : 0);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  const bool number_ok = !digits.empty() && error == std::errc() &&
                         end == digits.data() + digits.size() && count > 0 && count <= 1000000;
  if ((per_minute == 0 && !per_second) || !number_ok) {
    fail(argument.where, "invalid rate " + quote(argument.text) + " in " + quote(directive.name) +
                             " directive, expected \"rate=Nr/s\" or \"rate=Nr/m\" with N from 1 "
                             "to 1000000");
  }
  zone.rate_milli = per_minute != 0 ? count * 1000 / 60 : count * 1000;
  if (zone.rate_milli == 0) zone.rate_milli = 1;
}

// "global=redis://HOST[:PORT]": a host name or IPv4 address, or an IPv6 address in brackets,
// and a port (6379 when absent). No user, password, database or TLS: hiredis 0.14 has no TLS,
// and a plain-text password on loopback or a private network would protect little.
void read_global(const Directive& directive, const Argument& argument, RateLimitZone& zone) {
  constexpr std::string_view kScheme = "redis://";
  std::string_view text = std::string_view(argument.text).substr(7);
  auto invalid = [&](const std::string& why) {
    fail(argument.where, "invalid " + quote(argument.text) + " in " + quote(directive.name) +
                             " directive: " + why +
                             ", expected \"global=redis://HOST[:PORT]\", e.g. "
                             "\"global=redis://127.0.0.1:6379\"");
  };
  if (text.substr(0, kScheme.size()) != kScheme) invalid("the address must start with redis://");
  text.remove_prefix(kScheme.size());
  if (text.find_first_of("/@?") != std::string_view::npos) {
    invalid("a user, password, path or database is not supported");
  }
  GlobalRateLimit global;
  std::size_t colon = text.rfind(':');
  if (!text.empty() && text.front() == '[') {  // [::1]:6379
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) invalid("an IPv6 address needs its closing ']'");
    global.host = std::string(text.substr(1, close - 1));
    colon = close + 1 < text.size() && text[close + 1] == ':' ? close + 1 : std::string_view::npos;
    if (colon == std::string_view::npos && close + 1 != text.size()) invalid("bad port");
  } else {
    global.host = std::string(text.substr(0, colon));
  }
  if (colon != std::string_view::npos) {
    const std::string_view port = text.substr(colon + 1);
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), global.port);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() ||
        global.port < 1 || global.port > 65535) {
      invalid("the port must be a number from 1 to 65535");
    }
  }
  if (global.host.empty()) invalid("the host is missing");
  zone.global = global;
}

// zone=NAME:SIZE and rate=RATE, once each and in any order, from argument `first` on (after
// limit_req_zone's key; all of limit_accept_zone's arguments). With `global`, limit_req_zone's
// own global=… and redis_fail=open|closed too.
void read_zone_and_rate(const Directive& directive, std::size_t first, RateLimitZone& zone,
                        bool global = false) {
  bool zone_set = false;
  bool rate_set = false;
  const Argument* fail_mode = nullptr;
  for (std::size_t i = first; i < directive.args.size(); ++i) {
    const Argument& argument = directive.args[i];
    if (argument.text.rfind("zone=", 0) == 0 && !zone_set) {
      read_zone(directive, argument, zone);
      zone_set = true;
    } else if (argument.text.rfind("rate=", 0) == 0 && !rate_set) {
      read_rate(directive, argument, zone);
      rate_set = true;
    } else if (global && argument.text.rfind("global=", 0) == 0 && !zone.global) {
      read_global(directive, argument, zone);
    } else if (global && argument.text.rfind("redis_fail=", 0) == 0 && fail_mode == nullptr) {
      fail_mode = &argument;
    } else {
      fail(
          argument.where,
          "invalid parameter " + quote(argument.text) + " in " + quote(directive.name) +
              " directive, expected \"zone=NAME:SIZE\" and \"rate=RATE\"" +
              (global ? " (and optionally \"global=redis://HOST:PORT\", \"redis_fail=open|closed\")"
                      : ""));
    }
  }
  if (!zone_set || !rate_set) {
    fail(directive.where,
         quote(directive.name) + " directive needs \"zone=NAME:SIZE\" and \"rate=RATE\"");
  }
  if (fail_mode == nullptr) return;
  if (!zone.global) {
    fail(fail_mode->where, quote(fail_mode->text) + " in " + quote(directive.name) +
                               " needs \"global=redis://HOST:PORT\" (it says what to do while "
                               "Redis cannot be reached)");
  }
  const std::string_view mode = std::string_view(fail_mode->text).substr(11);
  if (mode != "open" && mode != "closed") {
    fail(fail_mode->where, "invalid " + quote(fail_mode->text) + " in " + quote(directive.name) +
                               " directive, expected \"redis_fail=open\" or \"redis_fail=closed\"");
  }
  zone.global->fail_open = mode == "open";
}

// A zone's name is unique among the zones of its kind (nginx: "duplicate zone").
template <typename Zone>
void add_named_zone(std::vector<Zone>& zones, Zone zone) {
  for (const Zone& existing : zones) {
    if (existing.name == zone.name) {
      fail(zone.where, "duplicate zone " + quote(zone.name) + ", first defined at " +
                           existing.where.to_string());
    }
  }
  zones.push_back(std::move(zone));
}

}  // namespace

RateLimitZone build_limit_req_zone(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 3, 5);
  RateLimitZone zone;
  zone.where = directive.where;
  zone.key = parse_value_template(directive.args[0]);
  read_zone_and_rate(directive, 1, zone, true);
  return zone;
}

// limit_accept_zone zone=NAME:SIZE rate=RATE: a limit_req zone whose key is always the
// connecting client's address (there is no request yet to take variables from).
RateLimitZone build_limit_accept_zone(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 2, 2);
  RateLimitZone zone;
  zone.where = directive.where;
  read_zone_and_rate(directive, 0, zone);
  return zone;
}

void add_limit_req_zone(Http& http, RateLimitZone zone) {
  add_named_zone(http.limit_req_zones, std::move(zone));
}

void add_limit_accept_zone(Http& http, RateLimitZone zone) {
  add_named_zone(http.limit_accept_zones, std::move(zone));
}

ConnLimitZone build_limit_conn_zone(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 2, 2);
  const Argument& argument = directive.args[1];
  if (argument.text.rfind("zone=", 0) != 0) {
    fail(argument.where, "invalid parameter " + quote(argument.text) + " in " +
                             quote(directive.name) + " directive, expected \"zone=NAME:SIZE\"");
  }
  RateLimitZone parsed;  // the same zone=NAME:SIZE syntax
  read_zone(directive, argument, parsed);
  ConnLimitZone zone;
  zone.where = directive.where;
  zone.key = parse_value_template(directive.args[0]);
  zone.name = parsed.name;
  zone.size = parsed.size;
  return zone;
}

void add_limit_conn_zone(Http& http, ConnLimitZone zone) {
  add_named_zone(http.limit_conn_zones, std::move(zone));
}

namespace {

void check_reroute(const Http& http, const RateLimitRule& rule) {
  if (rule.reroute.empty()) return;
  for (const Upstream& upstream : http.upstreams) {
    if (upstream.name == rule.reroute) return;
  }
  fail(rule.reroute_where, "unknown upstream " + quote(rule.reroute) +
                               " in \"reroute=\" of \"limit_req\" (define it with \"upstream " +
                               rule.reroute + " { … }\")");
}

void check_accept_zone(const Http& http, const Server& server) {
  if (!server.limit_accept) return;
  for (const RateLimitZone& zone : http.limit_accept_zones) {
    if (zone.name == server.limit_accept->zone) return;
  }
  fail(server.limit_accept->where, "unknown limit_accept_zone " + quote(server.limit_accept->zone) +
                                       " (define it in http with \"limit_accept_zone zone=" +
                                       server.limit_accept->zone + ":SIZE rate=RATE;\")");
}

}  // namespace

void check_limit_req_zones(const Http& http) {
  for (const Server& server : http.servers) {
    check_accept_zone(http, server);
    for (const Location& location : server.locations) {
      for (const ConnLimitRule& rule : location.limit_conn) {
        bool known = false;
        for (const ConnLimitZone& zone : http.limit_conn_zones) {
          known = known || zone.name == rule.zone;
        }
        if (!known) {
          fail(rule.where, "unknown limit_conn_zone " + quote(rule.zone) +
                               " (define it in http with \"limit_conn_zone KEY zone=" + rule.zone +
                               ":SIZE;\")");
        }
      }
      for (const RateLimitRule& rule : location.limit_req) {
        check_reroute(http, rule);
        bool known = false;
        for (const RateLimitZone& zone : http.limit_req_zones)
          known = known || zone.name == rule.zone;
        if (!known) {
          fail(rule.where, "unknown limit_req_zone " + quote(rule.zone) +
                               " (define it in http with \"limit_req_zone KEY zone=" + rule.zone +
                               ":SIZE rate=RATE;\")");
        }
      }
    }
  }
}

}  // namespace yoke::config
