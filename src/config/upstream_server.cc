// `server ADDRESS [weight=N] [max_fails=N] [fail_timeout=T] [backup] [down] [max_conns=N]
// [agent_port=N] [agent_interval=T] [agent_send=TEXT] [zone=NAME] [priority=N] [slow_start=T]
// [region=NAME];`
// inside an upstream block (ngx_http_upstream_server). Names are resolved now, once, to every
// address they have, as nginx does without the `resolve` parameter.
#include <set>

#include "config/address_text.h"
#include "config/build.h"
#include "config/directive_checks.h"

namespace yoke::config {
namespace {

constexpr std::uint16_t kDefaultPort = 80;
// Keeps weight sums of large upstreams far from integer overflow in weighted policies.
constexpr int kMaxWeight = 1000000;

std::vector<SocketAddress> server_addresses(const Argument& address, const BuildOptions& options) {
  if (address.text.rfind("unix:", 0) == 0) {
    SocketAddress unix_address;
    if (!SocketAddress::parse_numeric(address.text, unix_address)) {
      fail(address.where, "invalid unix socket path in upstream " + quote(address.text));
    }
    return {unix_address};
  }
  HostPort host_port;
  if (!split_host_port(address.text, host_port) || host_port.port == 0) {
    fail(address.where, "invalid address or port in upstream " + quote(address.text));
  }
  std::string error;
  auto addresses = resolve_host(host_port, host_port.port.value_or(kDefaultPort), options, error);
  if (addresses.empty()) {
    // nginx's wording; the resolver's reason adds little ("Name or service not known").
    fail(address.where, "host not found in upstream " + quote(address.text));
  }
  return addresses;
}

// Splits "key=value"; value is empty and false is returned when there is no "=".
bool split_parameter(const std::string& text, std::string& key, Argument& value,
                     const Argument& argument) {
  auto equals = text.find('=');
  if (equals == std::string::npos) {
    key = text;
    return false;
  }
  key = text.substr(0, equals);
  value = argument;
  value.text = text.substr(equals + 1);
  return true;
}

// agent_send=TEXT: escapes (\n, \r, \t) are already resolved by the lexer; double quotes
// around TEXT (agent_send="ping\n", as HAProxy writes it) are not part of the string. To send
// spaces, quote the whole parameter: "agent_send=status web1\n".
std::string agent_send_text(const Argument& value) {
  const std::string& text = value.text;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  if (text.size() > 1024) fail(value.where, "agent_send is longer than 1024 bytes");
  return text;
}

void read_parameter(const Directive& directive, const Argument& argument, UpstreamServer& server) {
  std::string key;
  Argument value;
  bool has_value = split_parameter(argument.text, key, value, argument);
  if (has_value && key == "weight") {
    server.weight = count_value(directive, value, 1, kMaxWeight);
  } else if (has_value && key == "max_fails") {
    server.max_fails = count_value(directive, value, 0, 1000000);
  } else if (has_value && key == "fail_timeout") {
    server.fail_timeout = duration_value(directive, value, true);
  } else if (has_value && key == "max_conns") {
    server.max_conns = count_value(directive, value, 0, 1000000000);
  } else if (has_value && key == "agent_port") {
    server.agent_port = count_value(directive, value, 1, 65535);
  } else if (has_value && key == "agent_interval") {
    server.agent_interval = duration_value(directive, value, false);
  } else if (has_value && key == "slow_start") {
    // nginx Plus: the time a server takes to recover its weight from zero after coming back.
    server.slow_start = duration_value(directive, value, true);
  } else if (has_value && key == "agent_send") {
    server.agent_send = agent_send_text(value);
  } else if (has_value && key == "zone") {
    if (value.text.empty()) fail(argument.where, "empty zone name in " + quote(argument.text));
    server.zone = value.text;
  } else if (has_value && key == "region") {
    if (value.text.empty()) fail(argument.where, "empty region name in " + quote(argument.text));
    server.region = value.text;
  } else if (has_value && key == "priority") {
    server.priority = count_value(directive, value, 0, 100);
  } else if (!has_value && key == "backup") {
    server.backup = true;
  } else if (!has_value && key == "down") {
    server.down = true;
  } else {
    fail(argument.where, "invalid parameter " + quote(argument.text));
  }
}

}  // namespace

UpstreamServer build_upstream_server(const Directive& directive, const BuildOptions& options) {
  require_no_block(directive);
  require_args(directive, 1, 16);
  UpstreamServer server;
  server.name = directive.args[0].text;
  server.where = directive.where;
  std::set<std::string> seen;
  for (std::size_t i = 1; i < directive.args.size(); ++i) {
    const Argument& argument = directive.args[i];
    std::string key = argument.text.substr(0, argument.text.find('='));
    if (!seen.insert(key).second) {
      fail(argument.where, "duplicate parameter " + quote(argument.text));
    }
    read_parameter(directive, argument, server);
    server.parameters.push_back(argument);
  }
  server.addresses = server_addresses(directive.args[0], options);
  return server;
}

}  // namespace yoke::config
