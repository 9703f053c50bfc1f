#pragma once
// TLS to upstreams (proxy_pass https://, docs/tls.md "Upstream TLS"): the files of each upstream
// TLS profile (config::Http::upstream_tls), loaded and checked once per configuration on the
// main thread (also by `yoke -t`), and the client SSL_CTX every worker builds from them.
#include <openssl/ssl.h>

#include <string>

#include "yoke/config/model.h"
#include "yoke/tls/credentials.h"

namespace yoke::tls {

// Loads profile's files and builds a probe context, so that a bad CA file, a key that does not
// match or a cipher list that selects nothing fails here. Throws config::ConfigError naming the
// directive (file:line:column) and the file. Main thread; blocking.
UpstreamTlsFiles load_upstream_tls_files(const config::ProxySsl& profile);

// A client context for profile: protocols, ciphers, verification against files.trusted (the
// name itself is checked per connection), the client certificate, no session cache of OpenSSL's
// own (the proxy keeps one session per upstream host). Returns null with error set when OpenSSL
// refuses a setting. Any thread; allocates.
ContextPtr make_upstream_context(const config::ProxySsl& profile, const UpstreamTlsFiles& files,
                                 std::string& error);

}  // namespace yoke::tls
