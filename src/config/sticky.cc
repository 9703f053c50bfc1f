// `sticky cookie NAME [expires=TIME|max] [domain=D] [path=P] [httponly] [secure]
// [samesite=strict|lax|none];` inside an upstream block: the parameters of nginx Plus's
// `sticky cookie` (ngx_http_upstream_module docs), checked here once so that the Set-Cookie
// Yoke sends can never be malformed. Where nginx accepts something a browser would reject or
// misread, Yoke rejects it at load (docs/configuration.md, "sticky").
#include <set>
#include <string_view>

#include "config/build.h"
#include "config/directive_checks.h"
#include "config/durations.h"

namespace yoke::config {
namespace {

// RFC 6265 §4.1.1: cookie-name is an RFC 2616 token (RFC 9110 §5.6.2 tchar).
bool is_token(std::string_view text) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  if (text.empty()) return false;
  for (char c : text) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && kSymbols.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// RFC 6265 §4.1.1 path-value / domain: any CHAR except CTLs and ";". Spaces are rejected too:
// they cannot come from a URL path or a host name, and a user who wrote one made a mistake.
bool is_attribute_value(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == ';' || c == '"' || c == '\\') return false;
  }
  return !text.empty();
}

std::string sticky_error(const std::string& what, std::string_view text) {
  return what + " " + quote(text) + " in \"sticky\" directive";
}

void read_expires(const Argument& argument, std::string_view value, StickyCookie& sticky) {
  if (value == "max") {
    sticky.expiry = StickyCookie::Expiry::kMax;
    return;
  }
  Duration duration{};
  ParseStatus status = parse_duration(value, duration);
  // Cookie lifetimes are whole seconds (Max-Age, RFC 6265 §5.2.2); zero would delete the
  // cookie it sets.
  if (status != ParseStatus::kOk || duration.count() < 1000 || duration.count() % 1000 != 0) {
    fail(argument.where, sticky_error("invalid value", argument.text) +
                             ", expected \"max\" or a time in whole seconds from 1s to 365d, "
                             "such as \"1h\"");
  }
  sticky.expiry = StickyCookie::Expiry::kRelative;
  sticky.expires = duration;
}

void read_samesite(const Argument& argument, std::string_view value, StickyCookie& sticky) {
  std::string lower(value);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "strict") {
    sticky.samesite = StickyCookie::SameSite::kStrict;
  } else if (lower == "lax") {
    sticky.samesite = StickyCookie::SameSite::kLax;
  } else if (lower == "none") {
    sticky.samesite = StickyCookie::SameSite::kNone;
  } else {
    fail(argument.where, sticky_error("invalid value", argument.text) +
                             ", expected samesite=strict, samesite=lax or samesite=none");
  }
}

void read_attribute(const Argument& argument, std::string_view key, std::string_view value,
                    std::string& slot) {
  if (key == "domain" && value.find('$') != std::string_view::npos) {
    fail(argument.where, sticky_error("invalid parameter", argument.text) +
                             ": variables are not supported in domain=");
  }
  if (!is_attribute_value(value)) {
    fail(argument.where, sticky_error("invalid value", argument.text) + ", expected a " +
                             std::string(key) +
                             " without spaces, control characters, quotes, \\ or \";\"");
  }
  slot = value;
}

void read_parameter(const Argument& argument, StickyCookie& sticky) {
  const std::string& text = argument.text;
  std::size_t equals = text.find('=');
  std::string_view key = std::string_view(text).substr(0, equals);
  std::string_view value =
      equals == std::string::npos ? std::string_view() : std::string_view(text).substr(equals + 1);
  bool has_value = equals != std::string::npos;
  if (has_value && key == "expires") {
    read_expires(argument, value, sticky);
  } else if (has_value && key == "domain") {
    read_attribute(argument, key, value, sticky.domain);
  } else if (has_value && key == "path") {
    read_attribute(argument, key, value, sticky.path);
  } else if (has_value && key == "samesite") {
    read_samesite(argument, value, sticky);
  } else if (!has_value && key == "httponly") {
    sticky.httponly = true;
  } else if (!has_value && key == "secure") {
    sticky.secure = true;
  } else {
    fail(argument.where, sticky_error("invalid parameter", text) +
                             ", expected expires=, domain=, path=, httponly, secure or "
                             "samesite=");
  }
}

}  // namespace

StickyCookie build_sticky(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 2, 8);
  const Argument& method = directive.args[0];
  if (method.text == "route" || method.text == "learn") {
    fail(method.where, "sticky method " + quote(method.text) +
                           " is not supported, only \"sticky cookie NAME ...\"");
  }
  if (method.text != "cookie") {
    fail(method.where, sticky_error("invalid method", method.text) + ", expected \"cookie\"");
  }
  StickyCookie sticky;
  sticky.where = directive.where;
  const Argument& name = directive.args[1];
  if (!is_token(name.text)) {
    fail(name.where, sticky_error("invalid cookie name", name.text) +
                         ", expected a token of letters, digits and !#$%&'*+-.^_`|~");
  }
  sticky.name = name.text;
  std::set<std::string> seen;
  for (std::size_t i = 2; i < directive.args.size(); ++i) {
    const Argument& argument = directive.args[i];
    if (!seen.insert(argument.text.substr(0, argument.text.find('='))).second) {
      fail(argument.where, sticky_error("duplicate parameter", argument.text));
    }
    read_parameter(argument, sticky);
  }
  // Browsers drop a SameSite=None cookie that is not also Secure (RFC 6265bis §5.6.7, Chrome
  // since version 80), so this cookie would never come back.
  if (sticky.samesite == StickyCookie::SameSite::kNone && !sticky.secure) {
    fail(directive.where,
         "\"sticky\" directive with samesite=none needs \"secure\": browsers "
         "ignore a SameSite=None cookie without the Secure attribute");
  }
  return sticky;
}

}  // namespace yoke::config
