// limit_req_zone KEY zone=NAME:SIZE rate=RATE (ngx_http_limit_req_module) and limit_conn_zone
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

// zone=NAME:SIZE and rate=RATE, once each and in any order, from argument `first` on (after
// limit_req_zone's key; all of limit_accept_zone's arguments).
void read_zone_and_rate(const Directive& directive, std::size_t first, RateLimitZone& zone) {
  bool zone_set = false;
  bool rate_set = false;
  for (std::size_t i = first; i < directive.args.size(); ++i) {
    const Argument& argument = directive.args[i];
    if (argument.text.rfind("zone=", 0) == 0 && !zone_set) {
      read_zone(directive, argument, zone);
      zone_set = true;
    } else if (argument.text.rfind("rate=", 0) == 0 && !rate_set) {
      read_rate(directive, argument, zone);
      rate_set = true;
    } else {
      fail(argument.where, "invalid parameter " + quote(argument.text) + " in " +
                               quote(directive.name) +
                               " directive, expected \"zone=NAME:SIZE\" and \"rate=RATE\"");
    }
  }
  if (!zone_set || !rate_set) {
    fail(directive.where,
         quote(directive.name) + " directive needs \"zone=NAME:SIZE\" and \"rate=RATE\"");
  }
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
  require_args(directive, 3, 3);
  RateLimitZone zone;
  zone.where = directive.where;
  zone.key = parse_value_template(directive.args[0]);
  read_zone_and_rate(directive, 1, zone);
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
