// The proxy_* directives of ngx_http_proxy_module that Yoke supports.
#include <algorithm>
#include <cctype>
#include <string_view>

#include "config/directive_checks.h"
#include "config/inherited.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

bool same_header_name(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

void read_set_header(const Directive& directive, InheritedSettings& settings) {
  require_simple(directive, 2);
  const Argument& name = directive.args[0];
  if (!is_header_name(name.text)) fail(name.where, "invalid header name " + quote(name.text));
  if (!settings.proxy_set_headers) settings.proxy_set_headers.emplace();
  for (const auto& existing : *settings.proxy_set_headers) {
    // nginx would send both; two values for one field are almost always a mistake.
    if (same_header_name(existing.name, name.text)) {
      fail(name.where, "header " + quote(name.text) + " is already set by \"proxy_set_header\"");
    }
  }
  settings.proxy_set_headers->push_back({name.text, parse_value_template(directive.args[1])});
}

void read_http_version(const Directive& directive, InheritedSettings& settings) {
  require_simple(directive, 1);
  const Argument& version = directive.args[0];
  if (version.text != "1.0" && version.text != "1.1") {
    fail(version.where, "invalid value " + quote(version.text) +
                            " in \"proxy_http_version\" directive, it must be \"1.0\" or \"1.1\"");
  }
  set_once(directive, settings.proxy_http_version_minor, version.text == "1.1" ? 1 : 0);
}

bool set_condition(NextUpstream& next, std::string_view name) {
  struct Condition {
    std::string_view name;
    bool NextUpstream::*flag;
  };
  static constexpr Condition kConditions[] = {{"error", &NextUpstream::error},
                                              {"timeout", &NextUpstream::timeout},
                                              {"invalid_header", &NextUpstream::invalid_header},
                                              {"http_500", &NextUpstream::http_500},
                                              {"http_502", &NextUpstream::http_502},
                                              {"http_503", &NextUpstream::http_503},
                                              {"http_504", &NextUpstream::http_504},
                                              {"http_403", &NextUpstream::http_403},
                                              {"http_404", &NextUpstream::http_404},
                                              {"http_429", &NextUpstream::http_429},
                                              {"non_idempotent", &NextUpstream::non_idempotent},
                                              {"off", &NextUpstream::off}};
  for (const auto& condition : kConditions) {
    if (condition.name == name) {
      next.*condition.flag = true;
      return true;
    }
  }
  return false;
}

// The listed conditions replace the default "error timeout" entirely, as in nginx.
void read_next_upstream(const Directive& directive, InheritedSettings& settings) {
  require_args(directive, 1, 12);
  require_no_block(directive);
  NextUpstream next;
  next.error = false;
  next.timeout = false;
  for (const auto& argument : directive.args) {
    if (!set_condition(next, argument.text)) {
      fail(argument.where,
           "invalid value " + quote(argument.text) + " in \"proxy_next_upstream\" directive");
    }
  }
  if (next.off && directive.args.size() > 1) {
    fail(directive.args[0].where,
         "\"off\" cannot be combined with other values in "
         "\"proxy_next_upstream\" directive");
  }
  set_once(directive, settings.next_upstream, next);
}

void read_timeout(const Directive& directive, std::optional<Duration>& slot, bool allow_zero) {
  require_simple(directive, 1);
  set_once(directive, slot, duration_value(directive, directive.args[0], allow_zero));
}

}  // namespace

bool read_proxy_directive(const Directive& directive, InheritedSettings& settings) {
  const std::string& name = directive.name;
  if (name == "proxy_set_header") {
    read_set_header(directive, settings);
  } else if (name == "proxy_http_version") {
    read_http_version(directive, settings);
  } else if (name == "proxy_connect_timeout") {
    read_timeout(directive, settings.proxy_connect_timeout, false);
  } else if (name == "proxy_read_timeout") {
    read_timeout(directive, settings.proxy_read_timeout, false);
  } else if (name == "proxy_send_timeout") {
    read_timeout(directive, settings.proxy_send_timeout, false);
  } else if (name == "proxy_next_upstream") {
    read_next_upstream(directive, settings);
  } else if (name == "proxy_next_upstream_tries") {
    require_simple(directive, 1);
    set_once(directive, settings.next_upstream_tries,
             count_value(directive, directive.args[0], 0, 1000));
  } else if (name == "proxy_next_upstream_timeout") {
    read_timeout(directive, settings.next_upstream_timeout, true);
  } else {
    return false;
  }
  return true;
}

}  // namespace yoke::config
