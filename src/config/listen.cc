// listen [ADDRESS:]PORT | ADDRESS [default_server] [ssl] [reuseport] [backlog=N]
// [proxy_protocol] [deferred] [fastopen=N] [max_conns=N] [freebind]
// (ngx_http_core_listen; freebind is Yoke's, see docs/cluster.md). ADDRESS is "*", an IPv4 address
// or a bracketed IPv6 address; names are not resolved. Port 0 is accepted (the kernel picks one),
// which nginx refuses.
#include <set>

#include "config/address_text.h"
#include "config/build.h"
#include "config/directive_checks.h"
#include "config/durations.h"

namespace yoke::config {
namespace {

constexpr std::uint16_t kDefaultPort = 80;

SocketAddress listen_address(const Argument& argument) {
  const std::string& text = argument.text;
  std::int64_t port = 0;
  SocketAddress address;
  // A bare number is a port on every IPv4 address.
  ParseStatus status = parse_count(text, 65535, port);
  if (status == ParseStatus::kOutOfRange) {
    fail(argument.where, "invalid port in " + quote(text) + " of the \"listen\" directive");
  }
  if (status == ParseStatus::kOk) {
    SocketAddress::parse_numeric("0.0.0.0:" + text, address);
    return address;
  }
  HostPort host_port;
  if (!split_host_port(text, host_port)) {
    fail(argument.where,
         "invalid address or port in " + quote(text) + " of the \"listen\" directive");
  }
  if (!host_port.bracketed && host_port.host == "*") host_port.host = "0.0.0.0";
  std::string numeric = join_host_port(host_port, host_port.port.value_or(kDefaultPort));
  if (!SocketAddress::parse_numeric(numeric, address)) {
    fail(argument.where, "host not found in " + quote(text) +
                             " of the \"listen\" directive, expected \"*\", an IPv4 address or "
                             "a bracketed IPv6 address");
  }
  return address;
}

void read_listen_parameter(const Directive& directive, const Argument& argument, Listen& listen) {
  const std::string& text = argument.text;
  if (text == "default_server") {
    listen.default_server = true;
  } else if (text == "ssl") {
    listen.ssl = true;
  } else if (text == "reuseport") {
    listen.reuseport = true;
  } else if (text.rfind("backlog=", 0) == 0) {
    Argument value = argument;
    value.text = text.substr(8);
    listen.backlog = count_value(directive, value, 1, 65535);
  } else if (text == "proxy_protocol") {
    listen.proxy_protocol = true;
  } else if (text == "deferred") {
    listen.deferred = true;
  } else if (text.rfind("fastopen=", 0) == 0) {
    Argument value = argument;
    value.text = text.substr(9);
    listen.fastopen = count_value(directive, value, 1, 65535);
  } else if (text == "freebind") {
    listen.freebind = true;
  } else if (text.rfind("max_conns=", 0) == 0) {
    Argument value = argument;
    value.text = text.substr(10);
    listen.max_conns = count_value(directive, value, 1, 10000000);
  } else {
    fail(argument.where, "invalid parameter " + quote(text));
  }
}

}  // namespace

Listen build_listen(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 1, 10);
  Listen listen;
  listen.where = directive.where;
  listen.address = listen_address(directive.args[0]);
  std::set<std::string> seen;
  for (std::size_t i = 1; i < directive.args.size(); ++i) {
    const Argument& argument = directive.args[i];
    std::string key = argument.text.substr(0, argument.text.find('='));
    if (!seen.insert(key).second) {
      fail(argument.where, "duplicate parameter " + quote(argument.text));
    }
    read_listen_parameter(directive, argument, listen);
  }
  return listen;
}

}  // namespace yoke::config
