// allow / deny (ngx_http_access_module) and set_real_ip_from / real_ip_header /
// real_ip_recursive (ngx_http_realip_module): http, server and location. Lists (the rules,
// the trusted addresses) are inherited as a whole by levels that set none, as nginx merges
// them.
#include "config/directive_checks.h"
#include "config/inherited.h"

namespace yoke::config {
namespace {

security::IpPrefix read_prefix(const Directive& directive, const Argument& argument) {
  security::IpPrefix prefix;
  std::string error;
  if (!security::IpPrefix::parse(argument.text, prefix, error)) {
    fail(argument.where, "invalid value " + quote(argument.text) + " in " + quote(directive.name) +
                             " directive (" + error +
                             "), expected an address, a CIDR such as \"10.0.0.0/8\" or "
                             "\"2001:db8::/32\", \"all\" or \"unix:\"");
  }
  return prefix;
}

void read_real_ip_header(const Directive& directive, InheritedSettings& settings) {
  require_simple(directive, 1);
  const std::string& value = directive.args[0].text;
  reject_duplicate(directive, settings.real_ip_header.has_value());
  if (!is_header_name(value)) {
    fail(directive.args[0].where, "invalid header name " + quote(value) +
                                      " in \"real_ip_header\" directive, expected a field "
                                      "name such as \"X-Forwarded-For\" or \"proxy_protocol\"");
  }
  settings.real_ip_proxy_protocol = value == "proxy_protocol";
  settings.real_ip_header = value;
}

void read_recursive(const Directive& directive, InheritedSettings& settings) {
  require_simple(directive, 1);
  const std::string& value = directive.args[0].text;
  if (value != "on" && value != "off") {
    fail(directive.args[0].where, "invalid value " + quote(value) +
                                      " in \"real_ip_recursive\" directive, it must be \"on\" "
                                      "or \"off\"");
  }
  set_once(directive, settings.real_ip_recursive, value == "on");
}

}  // namespace

void add_access_rule(const Directive& directive, std::vector<AccessRule>& rules) {
  require_simple(directive, 1);
  AccessRule rule;
  rule.allow = directive.name == "allow";
  rule.prefix = read_prefix(directive, directive.args[0]);
  rules.push_back(rule);
}

bool read_access_directive(const Directive& directive, InheritedSettings& settings) {
  const std::string& name = directive.name;
  if (name == "allow" || name == "deny") {
    if (!settings.access) settings.access.emplace();
    add_access_rule(directive, *settings.access);
  } else if (name == "set_real_ip_from") {
    require_simple(directive, 1);
    if (!settings.real_ip_from) settings.real_ip_from.emplace();
    settings.real_ip_from->push_back(read_prefix(directive, directive.args[0]));
  } else if (name == "real_ip_header") {
    read_real_ip_header(directive, settings);
  } else if (name == "real_ip_recursive") {
    read_recursive(directive, settings);
  } else {
    return false;
  }
  return true;
}

}  // namespace yoke::config
