// admin { listen ADDRESS; token_file PATH; denylist_file PATH; } in the main context: the admin
// listener (docs/configuration.md, "Admin listener"). Off unless the block exists; loopback by
// default, because what it serves (metrics, later the runtime API) is for operators, not clients.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/address_text.h"
#include "config/build.h"
#include "config/directive_checks.h"

namespace yoke::config {
namespace {

constexpr const char* kDefaultAdminAddress = "127.0.0.1:9901";

SocketAddress admin_address(const Argument& argument) {
  HostPort host_port;
  SocketAddress address;
  if (!split_host_port(argument.text, host_port) || !host_port.port) {
    fail(argument.where, "invalid address " + quote(argument.text) +
                             " in the \"listen\" directive of \"admin\", expected "
                             "IPV4:PORT or [IPV6]:PORT");
  }
  if (!SocketAddress::parse_numeric(join_host_port(host_port, *host_port.port), address)) {
    fail(argument.where, "host not found in " + quote(argument.text) +
                             " of the \"listen\" directive of \"admin\", expected a numeric "
                             "IPv4 address or a bracketed IPv6 address");
  }
  return address;
}

// RFC 6750 §2.1: a bearer token is a b64token, 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" /
// "+" / "/" ) *"=".
bool is_b64token(std::string_view token) {
  std::size_t end = token.find_last_not_of('=');
  if (token.empty() || end == std::string_view::npos) return false;
  for (std::size_t i = 0; i <= end; ++i) {
    char c = token[i];
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!allowed) return false;
  }
  return true;
}

// Relative paths are taken from the folder of the file that names them, as `include` does.
std::string resolve_path(const Argument& argument) {
  const std::string& text = argument.text;
  if (!text.empty() && text.front() == '/') return text;
  std::string folder = std::filesystem::path(argument.where.file).parent_path().string();
  return folder.empty() ? text : folder + "/" + text;
}

// The token is the file's content without surrounding whitespace (an editor's final newline
// must not become part of it).
std::string read_token(const Argument& argument, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    fail(argument.where, "cannot read token file " + quote(path) + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  std::size_t first = token.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) fail(argument.where, "token file " + quote(path) + " is empty");
  token = token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
  if (!is_b64token(token)) {
    fail(argument.where, "token file " + quote(path) +
                             " must hold one bearer token: letters, digits and -._~+/ "
                             "(RFC 6750 b64token)");
  }
  return token;
}

bool is_wildcard(const SocketAddress& address) {
  std::string host = address.host_text();
  return host == "0.0.0.0" || host == "::";
}

}  // namespace

Admin build_admin(const Directive& directive) {
  require_block(directive);
  require_args(directive, 0, 0);
  Admin admin;
  admin.where = directive.where;
  std::optional<SocketAddress> address;
  std::optional<std::string> token_file;
  std::optional<std::string> denylist_file;
  for (const auto& inner : directive.block) {
    if (inner.name == "listen") {
      require_simple(inner, 1);
      set_once(inner, address, admin_address(inner.args[0]));
    } else if (inner.name == "token_file") {
      require_simple(inner, 1);
      std::string path = resolve_path(inner.args[0]);
      set_once(inner, token_file, path);
      admin.token = read_token(inner.args[0], path);
    } else if (inner.name == "denylist_file") {
      require_simple(inner, 1);
      set_once(inner, denylist_file, resolve_path(inner.args[0]));
    } else {
      reject_directive(inner);
    }
  }
  if (!address) SocketAddress::parse_numeric(kDefaultAdminAddress, admin.address);
  if (address) admin.address = *address;
  admin.token_file = token_file.value_or("");
  admin.denylist_file = denylist_file.value_or("");
  return admin;
}

// The admin listener must not take an address a server listens on: both would bind it with
// SO_REUSEPORT-free sockets and one would fail at start, or worse, share its connections.
void validate_admin(const Admin& admin, const Http& http) {
  for (const auto& server : http.servers) {
    for (const auto& listen : server.listens) {
      if (listen.address.port() != admin.address.port()) continue;
      bool overlaps = listen.address == admin.address || is_wildcard(listen.address) ||
                      is_wildcard(admin.address);
      if (overlaps) {
        fail(admin.where, "the admin listener " + quote(admin.address.to_string()) +
                              " conflicts with \"listen " + listen.address.to_string() + "\" at " +
                              listen.where.to_string());
      }
    }
  }
}

}  // namespace yoke::config
