// The proxy_ssl_* directives of ngx_http_proxy_module (TLS to the upstream), allowed at every
// level and merged like nginx's ngx_http_proxy_merge_loc_conf. Files are only named here; src/tls/
// loads and checks them with the snapshot (also for `yoke -t`).
#include "config/directive_checks.h"
#include "config/inherited.h"

namespace yoke::config {
namespace {

template <typename T>
void inherit(std::optional<T>& child, const std::optional<T>& parent) {
  if (!child) child = parent;
}

// proxy_ssl_name takes a literal name here; nginx also allows variables in it.
std::string name_value(const Directive& directive) {
  require_simple(directive, 1);
  const Argument& name = directive.args[0];
  if (name.text.empty()) fail(name.where, "empty name in \"proxy_ssl_name\"");
  if (name.text.find('$') != std::string::npos) {
    fail(name.where, "variables in \"proxy_ssl_name\" are not supported, expected a host name");
  }
  return name.text;
}

bool read_file_setting(const Directive& directive, InheritedProxySsl& ssl) {
  const std::string& name = directive.name;
  if (name == "proxy_ssl_trusted_certificate") {
    set_once(directive, ssl.trusted_certificate, file_value(directive));
  } else if (name == "proxy_ssl_certificate") {
    set_once(directive, ssl.certificate, file_value(directive));
  } else if (name == "proxy_ssl_certificate_key") {
    set_once(directive, ssl.certificate_key, file_value(directive));
  } else {
    return false;
  }
  return true;
}

}  // namespace

bool read_proxy_ssl_directive(const Directive& directive, InheritedProxySsl& ssl) {
  const std::string& name = directive.name;
  if (name.rfind("proxy_ssl_", 0) != 0) return false;
  if (name == "proxy_ssl_server_name") {
    set_once(directive, ssl.server_name, flag_value(directive));
  } else if (name == "proxy_ssl_name") {
    set_once(directive, ssl.name, name_value(directive));
  } else if (name == "proxy_ssl_verify") {
    set_once(directive, ssl.verify, flag_value(directive));
    ssl.verify_where = directive.where;
  } else if (name == "proxy_ssl_verify_depth") {
    require_simple(directive, 1);
    set_once(directive, ssl.verify_depth, count_value(directive, directive.args[0], 1, 100));
  } else if (name == "proxy_ssl_protocols") {
    set_once(directive, ssl.protocols, protocols_value(directive));
  } else if (name == "proxy_ssl_ciphers") {
    require_simple(directive, 1);
    set_once(directive, ssl.ciphers, directive.args[0].text);
    ssl.ciphers_where = directive.where;
  } else if (name == "proxy_ssl_session_reuse") {
    set_once(directive, ssl.session_reuse, flag_value(directive));
  } else {
    return read_file_setting(directive, ssl);
  }
  return true;
}

InheritedProxySsl merge_proxy_ssl(const InheritedProxySsl& parent, const InheritedProxySsl& child) {
  InheritedProxySsl merged = child;
  inherit(merged.server_name, parent.server_name);
  inherit(merged.name, parent.name);
  if (!merged.verify) merged.verify_where = parent.verify_where;
  inherit(merged.verify, parent.verify);
  inherit(merged.verify_depth, parent.verify_depth);
  inherit(merged.trusted_certificate, parent.trusted_certificate);
  inherit(merged.certificate, parent.certificate);
  inherit(merged.certificate_key, parent.certificate_key);
  inherit(merged.protocols, parent.protocols);
  if (!merged.ciphers) merged.ciphers_where = parent.ciphers_where;
  inherit(merged.ciphers, parent.ciphers);
  inherit(merged.session_reuse, parent.session_reuse);
  return merged;
}

namespace {

// nginx: "no proxy_ssl_certificate_key for proxy_ssl_certificate" and the reverse.
void apply_client_certificate(const InheritedProxySsl& ssl, ProxySsl& result) {
  if (ssl.certificate && !ssl.certificate_key) {
    fail(ssl.certificate->where, "no \"proxy_ssl_certificate_key\" is defined for certificate " +
                                     quote(ssl.certificate->path));
  }
  if (ssl.certificate_key && !ssl.certificate) {
    fail(ssl.certificate_key->where,
         "no \"proxy_ssl_certificate\" is defined for certificate key " +
             quote(ssl.certificate_key->path));
  }
  if (!ssl.certificate) return;
  result.certificate = ssl.certificate->path;
  result.certificate_where = ssl.certificate->where;
  result.certificate_key = ssl.certificate_key->path;
  result.certificate_key_where = ssl.certificate_key->where;
}

}  // namespace

ProxySsl apply_proxy_ssl(const InheritedProxySsl& ssl) {
  ProxySsl result;
  result.server_name = ssl.server_name.value_or(result.server_name);
  result.name = ssl.name.value_or("");
  result.verify = ssl.verify.value_or(result.verify);
  result.verify_depth = ssl.verify_depth.value_or(result.verify_depth);
  if (ssl.trusted_certificate) {
    result.trusted_certificate = ssl.trusted_certificate->path;
    result.trusted_certificate_where = ssl.trusted_certificate->where;
  }
  // nginx refuses the same: without trusted CAs every upstream certificate would fail.
  if (result.verify && result.trusted_certificate.empty()) {
    fail(ssl.verify_where,
         "no \"proxy_ssl_trusted_certificate\" is defined for \"proxy_ssl_verify\", expected the "
         "file of the CAs that sign upstream certificates");
  }
  apply_client_certificate(ssl, result);
  result.protocols = ssl.protocols.value_or(result.protocols);
  result.ciphers = ssl.ciphers.value_or(result.ciphers);
  result.ciphers_where = ssl.ciphers_where;
  result.session_reuse = ssl.session_reuse.value_or(result.session_reuse);
  return result;
}

bool same_tls_profile(const ProxySsl& a, const ProxySsl& b) {
  return a.server_name == b.server_name && a.name == b.name && a.verify == b.verify &&
         a.verify_depth == b.verify_depth && a.trusted_certificate == b.trusted_certificate &&
         a.certificate == b.certificate && a.certificate_key == b.certificate_key &&
         a.protocols == b.protocols && a.ciphers == b.ciphers && a.session_reuse == b.session_reuse;
}

}  // namespace yoke::config
