// http { }: upstream blocks, server blocks and the settings servers and locations inherit.
#include <algorithm>

#include "config/build.h"
#include "config/directive_checks.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

void add_upstream(Http& http, Upstream upstream, const Argument& name) {
  auto same_name = [&](const Upstream& existing) { return existing.name == upstream.name; };
  if (std::any_of(http.upstreams.begin(), http.upstreams.end(), same_name)) {
    fail(name.where, "duplicate upstream " + quote(upstream.name));
  }
  http.upstreams.push_back(std::move(upstream));
}

void add_match(Http& http, Match match, const Argument& name) {
  for (const Match& existing : http.matches) {
    if (existing.name == match.name) {
      fail(name.where, "duplicate match " + quote(match.name) + ", first defined at " +
                           existing.where.to_string());
    }
  }
  http.matches.push_back(std::move(match));
}

void declare_variable(std::vector<std::string>& names, const std::string& name,
                      const SourceLocation& where) {
  if (is_known_variable(name) || std::find(names.begin(), names.end(), name) != names.end()) {
    fail(where, "duplicate variable " + quote("$" + name));
  }
  names.push_back(name);
}

// The variables map and geoip2 blocks define, read first: nginx lets any directive of http use
// a variable defined anywhere in it.
std::vector<std::string> user_variable_names(const Directive& http_directive) {
  std::vector<std::string> names;
  for (const auto& directive : http_directive.block) {
    if (directive.name == "map") {
      declare_variable(names, map_variable_name(directive), directive.args.at(1).where);
    } else if (directive.name == "geoip2") {
      for (const Directive& line : directive.block) {
        // Other lines (a misspelt variable, auto_reload) are reported by build_geoip2.
        if (line.name.starts_with("$")) {
          declare_variable(names, geoip2_variable_name(line), line.where);
        }
      }
    }
  }
  return names;
}

}  // namespace

// Upstreams and settings are read first so that a server may name an upstream defined after
// it, and inherit a setting written after it, as in nginx (which merges after parsing).
Http build_http(const Directive& http_directive, const BuildOptions& options) {
  require_block(http_directive);
  require_args(http_directive, 0, 0);
  const UserVariableScope user_variables(user_variable_names(http_directive));
  Http http;
  add_builtin_log_formats(http);
  InheritedSettings settings;
  std::vector<const Directive*> servers;
  for (const auto& directive : http_directive.block) {
    if (directive.name == "upstream") {
      add_upstream(http, build_upstream(directive, options), directive.args.at(0));
    } else if (directive.name == "limit_req_zone") {
      add_limit_req_zone(http, build_limit_req_zone(directive));
    } else if (directive.name == "limit_accept_zone") {
      add_limit_accept_zone(http, build_limit_accept_zone(directive));
    } else if (directive.name == "limit_conn_zone") {
      add_limit_conn_zone(http, build_limit_conn_zone(directive));
    } else if (directive.name == "map") {
      http.maps.push_back(build_map(directive));
    } else if (directive.name == "geoip2") {
      http.geoip2.push_back(build_geoip2(directive));
    } else if (directive.name == "match") {
      add_match(http, build_match(directive), directive.args.at(0));
    } else if (directive.name == "log_format") {
      add_log_format(directive, http);
    } else if (directive.name == "server") {
      servers.push_back(&directive);
    } else if (!read_inherited_directive(directive, Level::kHttp, settings)) {
      reject_directive(directive);
    }
  }
  for (const Directive* server : servers) {
    http.servers.push_back(build_server(*server, settings, http, options));
  }
  check_limit_req_zones(http);
  check_match_references(http);
  check_log_formats(http);
  validate_http(http, http_directive.where);
  return http;
}

}  // namespace yoke::config
