// proxy_pass http://NAME[:PORT][/URI] (ngx_http_proxy_pass). NAME is an upstream block when one
// has that name; otherwise an address, resolved now into an implicit one-server upstream
// named "host:port", shared by every proxy_pass to the same address. With a variable in NAME
// (`proxy_pass http://$region_upstream;`) the upstream block is chosen per request by the
// value (docs/global.md); literal addresses are not resolved at run time.
#include <algorithm>
#include <cctype>

#include "config/address_text.h"
#include "config/build.h"
#include "config/directive_checks.h"
#include "config/value_template_parse.h"

namespace yoke::config {
namespace {

constexpr std::uint16_t kDefaultPort = 80;
constexpr std::uint16_t kDefaultTlsPort = 443;

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

// The part after "http://" or "https://" (tls set for the latter): fails on schemes Yoke
// cannot speak.
std::string_view after_scheme(const Argument& url, bool& tls) {
  tls = starts_with_nocase(url.text, "https://");
  if (!tls && !starts_with_nocase(url.text, "http://")) {
    fail(url.where,
         "invalid URL prefix in " + quote(url.text) + ", expected \"http://\" or \"https://\"");
  }
  return std::string_view(url.text).substr(tls ? 8 : 7);
}

Upstream* find_upstream(Http& http, std::string_view name) {
  for (auto& upstream : http.upstreams) {
    if (upstream.name == name) return &upstream;
  }
  return nullptr;
}

// The implicit upstream for host_port, created (and resolved) on first use.
std::string implicit_upstream(const Argument& url, std::string_view written,
                              const HostPort& host_port, std::uint16_t default_port, Http& http,
                              const BuildOptions& options) {
  std::uint16_t port = host_port.port.value_or(default_port);
  std::string name = join_host_port(host_port, port);
  if (Upstream* existing = find_upstream(http, name)) {
    if (!existing->implicit) {
      fail(url.where, "address " + quote(name) + " is also the name of an upstream block");
    }
    return name;
  }
  std::string error;
  UpstreamServer server;
  server.name = name;
  server.where = url.where;
  server.addresses = resolve_host(host_port, port, options, error);
  if (server.addresses.empty()) fail(url.where, "host not found in upstream " + quote(written));
  Upstream upstream;
  upstream.name = name;
  upstream.implicit = true;
  upstream.where = url.where;
  upstream.servers.push_back(std::move(server));
  http.upstreams.push_back(std::move(upstream));
  return name;
}

// proxy_pass http://$variable: no URI part (nginx would then pass the variable's URI as is,
// which Yoke does not do) and no port; the name is checked against the upstreams per request.
ProxyPass variable_proxy_pass(const Directive& directive, std::string_view rest) {
  const Argument& url = directive.args[0];
  if (rest.find('/') != std::string_view::npos) {
    fail(url.where, "\"proxy_pass\" with variables takes no URI part in " + quote(url.text));
  }
  ProxyPass proxy_pass;
  proxy_pass.where = directive.where;
  proxy_pass.host_text = std::string(rest);
  Argument host = url;
  host.text = proxy_pass.host_text;
  proxy_pass.upstream_variable = parse_value_template(host);
  return proxy_pass;
}

}  // namespace

ProxyPass build_proxy_pass(const Directive& directive, LocationMatch match, Http& http,
                           const BuildOptions& options) {
  require_simple(directive, 1);
  const Argument& url = directive.args[0];
  bool tls = false;
  std::string_view rest = after_scheme(url, tls);
  if (rest.find('$') != std::string_view::npos) {
    // An upstream chosen per request would need its TLS settings per request too.
    if (tls) fail(url.where, "\"proxy_pass\" with variables supports only \"http://\"");
    return variable_proxy_pass(directive, rest);
  }
  ProxyPass proxy_pass;
  proxy_pass.tls = tls;
  if (tls) proxy_pass.scheme = "https";
  proxy_pass.where = directive.where;
  auto slash = rest.find('/');
  proxy_pass.host_text = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) {
    proxy_pass.has_uri = true;
    proxy_pass.uri = std::string(rest.substr(slash));
  }
  bool regex = match == LocationMatch::kRegex || match == LocationMatch::kRegexCaseless;
  if (proxy_pass.has_uri && regex) {
    fail(url.where,
         "\"proxy_pass\" cannot have URI part in location given by regular "
         "expression");
  }
  HostPort host_port;
  if (!split_host_port(proxy_pass.host_text, host_port) || host_port.port == 0) {
    fail(url.where, "invalid host or port in " + quote(url.text));
  }
  proxy_pass.host = host_port.host;
  const Upstream* named = host_port.bracketed ? nullptr : find_upstream(http, host_port.host);
  if (named != nullptr && !named->implicit) {
    if (host_port.port) {
      fail(url.where,
           "upstream " + quote(host_port.host) + " cannot be given a port in \"proxy_pass\"");
    }
    proxy_pass.upstream = named->name;
  } else {
    proxy_pass.upstream =
        implicit_upstream(url, proxy_pass.host_text, host_port,
                          proxy_pass.tls ? kDefaultTlsPort : kDefaultPort, http, options);
  }
  return proxy_pass;
}

}  // namespace yoke::config
