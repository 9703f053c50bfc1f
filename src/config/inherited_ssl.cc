// ngx_http_ssl_module's directives (http and server context): certificates, protocols,
// ciphers, session resumption and ssl_reject_handshake. Certificate files are only named here;
// src/tls/ loads and checks them when the runtime snapshot is built (also by `yoke -t`).
#include <climits>
#include <filesystem>

#include "config/directive_checks.h"
#include "config/durations.h"
#include "config/inherited.h"

namespace yoke::config {
namespace {

// nginx: "1 megabyte can store about 4000 sessions" (ngx_http_ssl_module, ssl_session_cache).
constexpr std::uint64_t kBytesPerCachedSession = 256;
// nginx's builtin cache default: 20480 sessions.
constexpr std::size_t kBuiltinCacheSessions = 20480;
constexpr std::size_t kMaxCachedSessions = 10 * 1000 * 1000;

// Sessions one worker keeps from one cache size argument: builtin[:N] counts sessions,
// shared:NAME:SIZE counts bytes.
std::size_t cache_part(const Directive& directive, const Argument& argument) {
  const std::string& text = argument.text;
  auto invalid = [&] {
    fail(argument.where, "invalid session cache " + quote(text) +
                             ", expected off, none, builtin[:NUMBER] or shared:NAME:SIZE");
  };
  if (text == "builtin") return kBuiltinCacheSessions;
  if (text.rfind("builtin:", 0) == 0) {
    std::int64_t count = 0;
    if (parse_count(text.substr(8), kMaxCachedSessions, count) != ParseStatus::kOk || count == 0)
      invalid();
    return static_cast<std::size_t>(count);
  }
  if (text.rfind("shared:", 0) != 0) invalid();
  std::size_t colon = text.find(':', 7);
  if (colon == std::string::npos || colon == 7) invalid();
  Argument size = argument;
  size.text = text.substr(colon + 1);
  std::uint64_t bytes = size_value(directive, size);
  if (bytes < kBytesPerCachedSession) invalid();
  return static_cast<std::size_t>(
      std::min<std::uint64_t>(bytes / kBytesPerCachedSession, kMaxCachedSessions));
}

// ssl_session_cache off | none | [builtin[:size]] [shared:name:size]. Yoke keeps one cache
// per worker (see docs/configuration.md): entries = the larger of the two sizes.
std::size_t session_cache_value(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 1, 2);
  const std::string& first = directive.args[0].text;
  if (first == "off" || first == "none") {
    require_args(directive, 1, 1);
    return 0;
  }
  std::size_t entries = 0;
  for (const auto& argument : directive.args) {
    entries = std::max(entries, cache_part(directive, argument));
  }
  return entries;
}

void read_conf_command(const Directive& directive, InheritedSsl& ssl) {
  require_simple(directive, 2);
  if (!ssl.conf_commands) ssl.conf_commands.emplace();
  ssl.conf_commands->emplace_back(directive.args[0].text, directive.args[1].text);
}

// ssl_verify_client on | off | optional | optional_no_ca.
VerifyClient verify_client_value(const Directive& directive) {
  require_simple(directive, 1);
  const Argument& value = directive.args[0];
  if (value.text == "on") return VerifyClient::kOn;
  if (value.text == "off") return VerifyClient::kOff;
  if (value.text == "optional") return VerifyClient::kOptional;
  if (value.text == "optional_no_ca") return VerifyClient::kOptionalNoCa;
  fail(value.where, "invalid value " + quote(value.text) +
                        " in \"ssl_verify_client\" directive, it must be \"on\", \"off\", "
                        "\"optional\" or \"optional_no_ca\"");
}

// Array directives (nginx's ngx_conf_set_str_array_slot): each occurrence adds one entry, and
// a level that has any replaces its parent's list.
void add_file(const Directive& directive, std::optional<std::vector<SslFile>>& files) {
  if (!files) files.emplace();
  files->push_back(file_value(directive));
}

bool read_ssl_setting(const Directive& directive, InheritedSsl& ssl) {
  const std::string& name = directive.name;
  if (name == "ssl_certificate") {
    add_file(directive, ssl.certificates);
  } else if (name == "ssl_certificate_key") {
    add_file(directive, ssl.keys);
  } else if (name == "ssl_protocols") {
    set_once(directive, ssl.protocols, protocols_value(directive));
  } else if (name == "ssl_ciphers") {
    require_simple(directive, 1);
    set_once(directive, ssl.ciphers, directive.args[0].text);
  } else if (name == "ssl_prefer_server_ciphers") {
    set_once(directive, ssl.prefer_server_ciphers, flag_value(directive));
  } else if (name == "ssl_session_cache") {
    set_once(directive, ssl.session_cache_entries, session_cache_value(directive));
  } else if (name == "ssl_session_timeout") {
    require_simple(directive, 1);
    set_once(directive, ssl.session_timeout, duration_value(directive, directive.args[0], false));
  } else if (name == "ssl_session_tickets") {
    set_once(directive, ssl.session_tickets, flag_value(directive));
  } else if (name == "ssl_reject_handshake") {
    set_once(directive, ssl.reject_handshake, flag_value(directive));
  } else if (name == "ssl_conf_command") {
    read_conf_command(directive, ssl);
  } else if (name == "ssl_verify_client") {
    set_once(directive, ssl.verify_client, verify_client_value(directive));
    ssl.verify_client_where = directive.where;
  } else if (name == "ssl_verify_depth") {
    require_simple(directive, 1);
    set_once(directive, ssl.verify_depth, count_value(directive, directive.args[0], 1, 100));
  } else if (name == "ssl_client_certificate") {
    set_once(directive, ssl.client_certificate, file_value(directive));
  } else if (name == "ssl_stapling") {
    set_once(directive, ssl.stapling, flag_value(directive));
    ssl.stapling_where = directive.where;
  } else if (name == "ssl_stapling_file") {
    set_once(directive, ssl.stapling_file, file_value(directive));
  } else {
    return false;
  }
  return true;
}

template <typename T>
void inherit(std::optional<T>& child, const std::optional<T>& parent) {
  if (!child) child = parent;
}

}  // namespace

bool flag_value(const Directive& directive) {
  require_simple(directive, 1);
  const Argument& value = directive.args[0];
  if (value.text == "on") return true;
  if (value.text == "off") return false;
  fail(value.where, "invalid value " + quote(value.text) + " in " + quote(directive.name) +
                        " directive, it must be \"on\" or \"off\"");
}

// A relative path is taken from the folder of the file that names it, like `include`.
SslFile file_value(const Directive& directive) {
  require_simple(directive, 1);
  const Argument& path = directive.args[0];
  if (path.text.empty()) fail(path.where, "empty file name in " + quote(directive.name));
  std::filesystem::path file(path.text);
  if (file.is_relative()) file = std::filesystem::path(path.where.file).parent_path() / file;
  return {file.lexically_normal().string(), directive.where};
}

unsigned protocols_value(const Directive& directive) {
  require_no_block(directive);
  require_args(directive, 1, 6);
  static constexpr std::pair<std::string_view, unsigned> kNames[] = {
      {"TLSv1", kTlsV1}, {"TLSv1.1", kTlsV1_1}, {"TLSv1.2", kTlsV1_2}, {"TLSv1.3", kTlsV1_3}};
  unsigned protocols = 0;
  for (const auto& argument : directive.args) {
    unsigned bit = 0;
    for (const auto& [name, value] : kNames) {
      if (argument.text == name) bit = value;
    }
    if (bit == 0) {
      fail(argument.where, "invalid value " + quote(argument.text) + " in " +
                               quote(directive.name) +
                               " directive, expected TLSv1, TLSv1.1, "
                               "TLSv1.2 or TLSv1.3 (SSLv2 and SSLv3 are not supported)");
    }
    protocols |= bit;
  }
  return protocols;
}

bool read_ssl_directive(const Directive& directive, Level level, InheritedSsl& ssl) {
  if (directive.name.rfind("ssl_", 0) != 0) return false;
  if (level == Level::kLocation) reject_directive(directive);
  return read_ssl_setting(directive, ssl);
}

InheritedSsl merge_ssl(const InheritedSsl& parent, const InheritedSsl& child) {
  InheritedSsl merged = child;
  inherit(merged.certificates, parent.certificates);
  inherit(merged.keys, parent.keys);
  inherit(merged.protocols, parent.protocols);
  inherit(merged.ciphers, parent.ciphers);
  inherit(merged.prefer_server_ciphers, parent.prefer_server_ciphers);
  inherit(merged.session_cache_entries, parent.session_cache_entries);
  inherit(merged.session_timeout, parent.session_timeout);
  inherit(merged.session_tickets, parent.session_tickets);
  inherit(merged.reject_handshake, parent.reject_handshake);
  inherit(merged.conf_commands, parent.conf_commands);
  if (!merged.verify_client) merged.verify_client_where = parent.verify_client_where;
  inherit(merged.verify_client, parent.verify_client);
  inherit(merged.verify_depth, parent.verify_depth);
  inherit(merged.client_certificate, parent.client_certificate);
  if (!merged.stapling) merged.stapling_where = parent.stapling_where;
  inherit(merged.stapling, parent.stapling);
  inherit(merged.stapling_file, parent.stapling_file);
  return merged;
}

namespace {

// Certificates and keys pair up in order, as in nginx; an unpaired one is an error at its own
// directive.
std::vector<SslCertificate> pair_certificates(const InheritedSsl& ssl) {
  const auto no_files = std::vector<SslFile>{};
  const auto& certificates = ssl.certificates ? *ssl.certificates : no_files;
  const auto& keys = ssl.keys ? *ssl.keys : no_files;
  std::vector<SslCertificate> pairs;
  for (std::size_t i = 0; i < std::max(certificates.size(), keys.size()); ++i) {
    if (i >= keys.size()) {
      fail(certificates[i].where,
           "no \"ssl_certificate_key\" is defined for certificate " + quote(certificates[i].path));
    }
    if (i >= certificates.size()) {
      fail(keys[i].where,
           "no \"ssl_certificate\" is defined for certificate key " + quote(keys[i].path));
    }
    pairs.push_back({certificates[i].path, keys[i].path, certificates[i].where, keys[i].where});
  }
  return pairs;
}

void apply_client_verification(const InheritedSsl& ssl, Ssl& result) {
  result.verify_client = ssl.verify_client.value_or(VerifyClient::kOff);
  result.verify_depth = ssl.verify_depth.value_or(result.verify_depth);
  if (ssl.client_certificate) {
    result.client_certificate = ssl.client_certificate->path;
    result.client_certificate_where = ssl.client_certificate->where;
  }
  // nginx: "no ssl_client_certificate for ssl_verify_client" (optional_no_ca needs none).
  bool needs_ca =
      result.verify_client == VerifyClient::kOn || result.verify_client == VerifyClient::kOptional;
  if (needs_ca && result.client_certificate.empty()) {
    fail(ssl.verify_client_where,
         "no \"ssl_client_certificate\" is defined for \"ssl_verify_client\", expected the "
         "file of the CAs that sign client certificates");
  }
}

// Yoke never fetches OCSP responses from the network: stapling needs a file.
void apply_stapling(const InheritedSsl& ssl, Ssl& result) {
  if (!ssl.stapling.value_or(false)) return;
  if (!ssl.stapling_file) {
    fail(ssl.stapling_where,
         "\"ssl_stapling on\" needs \"ssl_stapling_file\" (Yoke does not query OCSP responders)");
  }
  result.stapling_file = ssl.stapling_file->path;
  result.stapling_file_where = ssl.stapling_file->where;
}

}  // namespace

Ssl apply_ssl(const InheritedSsl& ssl) {
  Ssl result;
  result.certificates = pair_certificates(ssl);
  result.protocols = ssl.protocols.value_or(result.protocols);
  result.ciphers = ssl.ciphers.value_or(result.ciphers);
  result.prefer_server_ciphers = ssl.prefer_server_ciphers.value_or(false);
  result.session_cache_entries = ssl.session_cache_entries.value_or(0);
  result.session_timeout = ssl.session_timeout.value_or(result.session_timeout);
  result.session_tickets = ssl.session_tickets.value_or(true);
  result.reject_handshake = ssl.reject_handshake.value_or(false);
  if (ssl.conf_commands) result.conf_commands = *ssl.conf_commands;
  apply_client_verification(ssl, result);
  apply_stapling(ssl, result);
  return result;
}

}  // namespace yoke::config
