// location [= | ~ | ~* | ^~] PATTERN { } inside server (ngx_http_core_location).
#include <re2/re2.h>

#include <algorithm>
#include <iterator>

#include "config/build.h"
#include "config/directive_checks.h"
#include "config/durations.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

struct Modifier {
  std::string_view text;
  LocationMatch match;
};

// Longest first, so that "~*" is not read as "~" followed by "*".
constexpr Modifier kModifiers[] = {{"~*", LocationMatch::kRegexCaseless},
                                   {"^~", LocationMatch::kPreferPrefix},
                                   {"=", LocationMatch::kExact},
                                   {"~", LocationMatch::kRegex}};

bool is_regex(LocationMatch match) {
  return match == LocationMatch::kRegex || match == LocationMatch::kRegexCaseless;
}

// Reads "MODIFIER PATTERN" or, as nginx also allows, the modifier glued to the pattern.
void read_match(const Directive& directive, Location& location) {
  require_block(directive);
  require_args(directive, 1, 2);
  const Argument& first = directive.args[0];
  location.pattern = first.text;
  for (const auto& modifier : kModifiers) {
    if (directive.args.size() == 2 && first.text == modifier.text) {
      location.match = modifier.match;
      location.pattern = directive.args[1].text;
      return;
    }
    if (directive.args.size() == 1 && first.text.rfind(modifier.text, 0) == 0) {
      location.match = modifier.match;
      location.pattern = first.text.substr(modifier.text.size());
      break;
    }
  }
  if (directive.args.size() == 2) {
    fail(first.where, "invalid location modifier " + quote(first.text));
  }
  if (!location.pattern.empty() && location.pattern.front() == '@') {
    fail(first.where, "named locations are not supported");
  }
  if (location.pattern.empty()) fail(first.where, "empty location pattern");
}

void check_regex(const Directive& directive, const Location& location) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_case_sensitive(location.match != LocationMatch::kRegexCaseless);
  RE2 regex(location.pattern, options);
  if (!regex.ok()) {
    fail(directive.args.back().where,
         "invalid regular expression " + quote(location.pattern) + ": " + regex.error());
  }
}

bool is_redirect_code(std::int64_t code) {
  return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
}

// return CODE [TEXT] | return URL (ngx_http_rewrite_return); a bare URL redirects with 302.
Return read_return(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 1, 2);
  Return action;
  action.where = directive.where;
  const Argument& first = directive.args[0];
  std::int64_t code = 0;
  if (parse_count(first.text, 999, code) == ParseStatus::kOk) {
    action.status = static_cast<int>(code);
    if (directive.args.size() == 2) action.text = directive.args[1].text;
    if (code < 100) fail(first.where, "invalid return code " + quote(first.text));
  } else if (directive.args.size() == 1 &&
             (first.text.rfind("http://", 0) == 0 || first.text.rfind("https://", 0) == 0 ||
              first.text.rfind("$scheme", 0) == 0)) {
    action.status = 302;
    action.text = first.text;
  } else {
    fail(first.where, "invalid return code " + quote(first.text));
  }
  if (is_redirect_code(action.status) && action.text.empty()) {
    fail(directive.where, "return " + std::to_string(action.status) + " needs a URL");
  }
  // Only checks the variables: the proxy expands the text when it answers.
  parse_value_template(directive.args.back());
  return action;
}

// nginx's limit_except methods (ngx_http_core_limit_except); GET implies HEAD.
constexpr std::string_view kLimitExceptMethods[] = {
    "GET",  "HEAD",    "POST",     "PUT",       "DELETE", "MKCOL",  "COPY",
    "MOVE", "OPTIONS", "PROPFIND", "PROPPATCH", "LOCK",   "UNLOCK", "PATCH"};

// limit_except METHOD ... { allow/deny ...; }: the rules apply to every method not listed.
LimitExcept read_limit_except(const Directive& directive) {
  require_block(directive);
  require_args(directive, 1, std::size(kLimitExceptMethods));
  LimitExcept limit;
  limit.where = directive.where;
  for (const Argument& argument : directive.args) {
    if (std::find(std::begin(kLimitExceptMethods), std::end(kLimitExceptMethods), argument.text) ==
        std::end(kLimitExceptMethods)) {
      fail(argument.where, "invalid method " + quote(argument.text) +
                               " in \"limit_except\", expected GET, HEAD, POST, PUT, DELETE, "
                               "MKCOL, COPY, MOVE, OPTIONS, PROPFIND, PROPPATCH, LOCK, UNLOCK "
                               "or PATCH");
    }
    limit.methods.push_back(argument.text);
    if (argument.text == "GET") limit.methods.emplace_back("HEAD");
  }
  for (const Directive& inner : directive.block) {
    if (inner.name != "allow" && inner.name != "deny") reject_directive(inner);
    add_access_rule(inner, limit.access);
  }
  return limit;
}

// The location's upstream TLS profile: its proxy_ssl settings with the name resolved
// (proxy_ssl_name, else the proxy_pass host as nginx's $proxy_host without the port), shared
// with every earlier location that resolves to the same.
void add_tls_profile(Location& location, Http& http) {
  ProxySsl profile = location.proxy_ssl;
  if (profile.name.empty()) profile.name = location.proxy_pass->host;
  profile.where = location.proxy_pass->where;
  for (std::size_t i = 0; i < http.upstream_tls.size(); ++i) {
    if (same_tls_profile(http.upstream_tls[i], profile)) {
      location.proxy_pass->tls_profile = i;
      return;
    }
  }
  location.proxy_pass->tls_profile = http.upstream_tls.size();
  http.upstream_tls.push_back(std::move(profile));
}

}  // namespace

Location build_location(const Directive& directive, const InheritedSettings& server_settings,
                        Http& http, const BuildOptions& options) {
  Location location;
  location.where = directive.where;
  read_match(directive, location);
  if (is_regex(location.match)) check_regex(directive, location);
  InheritedSettings own;
  for (const auto& inner : directive.block) {
    if (inner.name == "location") {
      fail(inner.where, "nested location is not supported");
    } else if (inner.name == "proxy_pass") {
      reject_duplicate(inner, location.proxy_pass.has_value());
      location.proxy_pass = build_proxy_pass(inner, location.match, http, options);
    } else if (inner.name == "limit_except") {
      reject_duplicate(inner, location.limit_except.has_value());
      location.limit_except = read_limit_except(inner);
    } else if (inner.name == "return") {
      reject_duplicate(inner, location.return_action.has_value());
      location.return_action = read_return(inner);
    } else if (!read_inherited_directive(inner, Level::kLocation, own)) {
      reject_directive(inner);
    }
  }
  if (!location.proxy_pass && !location.return_action) {
    fail(directive.where,
         "location " + quote(location.pattern) + " needs \"proxy_pass\" or \"return\"");
  }
  if (location.proxy_pass && location.return_action) {
    fail(location.return_action->where,
         "\"return\" and \"proxy_pass\" cannot both be set in one location");
  }
  apply_settings(merge_settings(server_settings, own), location);
  if (location.proxy_pass && location.proxy_pass->tls) add_tls_profile(location, http);
  return location;
}

}  // namespace yoke::config
