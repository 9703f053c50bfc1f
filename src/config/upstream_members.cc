// `server` lines as a state file keeps them and as runtime changes build them
// (yoke/config/upstream_members.h).
#include "yoke/config/upstream_members.h"

#include <filesystem>
#include <system_error>

#include "config/build.h"
#include "config/directive_checks.h"

namespace yoke::config {
namespace {

// Characters after which the lexer would end or reinterpret a bare word (lexer.cc); such a
// text, or an empty one, is written in double quotes.
bool needs_quotes(const std::string& text) {
  if (text.empty()) return true;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == ';' || c == '{' ||
        c == '}' || c == '#' || c == '"' || c == '\'' || c == '\\') {
      return true;
    }
  }
  return false;
}

// The escapes the lexer resolves inside quotes (nginx's \" \\ \t \r \n).
std::string quoted_word(const std::string& text) {
  if (!needs_quotes(text)) return text;
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

// Every directive of a state file is a `server` line.
std::vector<UpstreamServer> servers_of(const std::vector<Directive>& directives,
                                       const BuildOptions& options) {
  std::vector<UpstreamServer> servers;
  for (const Directive& directive : directives) {
    if (directive.name != "server") {
      fail(directive.where, "unexpected " + quote(directive.name) +
                                " in a state file, which holds only \"server\" lines");
    }
    servers.push_back(build_upstream_server(directive, options));
  }
  return servers;
}

}  // namespace

std::optional<std::vector<UpstreamServer>> read_state_servers(const std::string& path,
                                                              const BuildOptions& options) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::nullopt;
  std::vector<UpstreamServer> servers = servers_of(parse_config_file(path), options);
  if (servers.empty()) {
    fail(SourceLocation{path, 1, 1},
         "the state file lists no server; an upstream needs at least one (delete the file to "
         "start again from the configuration's \"server\" lines)");
  }
  return servers;
}

std::optional<std::vector<UpstreamServer>> read_state_file(const std::string& path) {
  return read_state_servers(path, BuildOptions{});
}

std::string server_line(const UpstreamServer& server) {
  std::string line = "server " + quoted_word(server.name);
  for (const Argument& parameter : server.parameters) line += " " + quoted_word(parameter.text);
  return line + ";";
}

UpstreamServer parse_server_line(const std::string& text, const std::string& source) {
  const std::vector<Directive> directives = parse_config_text(text, source);
  if (directives.size() != 1 || directives.front().name != "server") {
    fail(SourceLocation{source, 1, 1}, "expected one \"server ADDRESS [parameters];\" line");
  }
  BuildOptions options;
  options.resolve_hostnames = false;  // never block the caller on DNS
  return build_upstream_server(directives.front(), options);
}

}  // namespace yoke::config
