// Per-worker contexts and the server choice by SNI. The choice is made in the ClientHello
// callback, before OpenSSL negotiates the version and cipher, so the chosen server's
// ssl_protocols and ssl_ciphers apply (a servername callback would come too late for them).
#include "yoke/tls/worker_contexts.h"

#include <openssl/err.h>
#include <openssl/tls1.h>

#include <stdexcept>
#include <string_view>

#include "yoke/observe/error_log.h"

namespace yoke::tls {
namespace {

// The host_name entry of a server_name extension (RFC 6066 §3): a 2-byte list length, then
// entries of a 1-byte type and a 2-byte length. Empty when absent or malformed (then the
// default server answers, as for a client that sends no SNI).
std::string_view client_server_name(SSL* ssl) {
  const unsigned char* data = nullptr;
  std::size_t length = 0;
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &data, &length) != 1) return {};
  if (length < 2) return {};
  std::size_t list = (std::size_t{data[0]} << 8) | data[1];
  if (list + 2 != length) return {};
  std::size_t position = 2;
  while (position + 3 <= length) {
    unsigned type = data[position];
    std::size_t name_length = (std::size_t{data[position + 1]} << 8) | data[position + 2];
    position += 3;
    if (position + name_length > length) return {};
    if (type == TLSEXT_NAMETYPE_host_name) {
      return {reinterpret_cast<const char*>(data + position), name_length};
    }
    position += name_length;
  }
  return {};
}

bool listener_is_tls(const router::ListenerSpec& listener) { return listener.listen.ssl; }

}  // namespace

WorkerContexts::WorkerContexts(const router::RouteTable& routes)
    : routes_(routes), ticket_keys_(routes.tls().ticket_keys()) {
  const auto& servers = routes.config().http.servers;
  servers_.resize(servers.size());
  const Credentials& credentials = routes.tls();
  for (const auto& listener : routes.listeners()) {
    if (!listener_is_tls(listener)) continue;
    for (const router::VirtualServer* server : listener.servers) {
      auto index = static_cast<std::size_t>(server->config - servers.data());
      if (servers_[index]) continue;
      std::string error;
      servers_[index] =
          make_server_context(*server->config, index, credentials.server(index), error);
      if (!servers_[index]) throw std::runtime_error(error);
      SSL_CTX_set_client_hello_cb(servers_[index].get(), on_client_hello, nullptr);
      if (server->config->ssl.session_tickets) use_ticket_keys(servers_[index].get());
    }
  }
  listeners_.resize(routes.listeners().size());
  for (std::size_t i = 0; i < listeners_.size(); ++i) {
    const auto& spec = routes.listeners()[i];
    listeners_[i].owner = this;
    listeners_[i].index = i;
    if (!listener_is_tls(spec)) continue;
    auto index = static_cast<std::size_t>(spec.default_server->config - servers.data());
    listeners_[i].context = servers_[index].get();
  }
}

WorkerContexts::~WorkerContexts() = default;

SSL* WorkerContexts::accept(std::size_t listener, int fd) {
  SSL* ssl = SSL_new(listeners_[listener].context);
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
    observe::log_line(observe::LogLevel::kAlert, "SSL_new() failed: " + drain_openssl_errors());
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_app_data(ssl, &listeners_[listener]);
  SSL_set_accept_state(ssl);
  return ssl;
}

int WorkerContexts::on_client_hello(SSL* ssl, int* alert, void* /*arg*/) {
  const auto* listener = static_cast<const ListenerTls*>(SSL_get_app_data(ssl));
  return listener->owner->choose_server(ssl, *listener, alert);
}

// nginx's order for server names (exact, leading wildcard, trailing wildcard, regex, default),
// through the same RouteTable::select_server the Host header uses.
int WorkerContexts::choose_server(SSL* ssl, const ListenerTls& listener, int* alert) {
  std::string_view name = client_server_name(ssl);
  const router::VirtualServer& server = routes_.select_server(listener.index, name);
  if (server.config->ssl.reject_handshake) {
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_CLIENT_HELLO_ERROR;
  }
  auto index = static_cast<std::size_t>(server.config - routes_.config().http.servers.data());
  SSL_CTX* context = servers_[index].get();
  if (context != SSL_get_SSL_CTX(ssl)) {
    // SSL_set_SSL_CTX takes the certificates and session-ID context; options (protocols) and
    // client verification were copied at SSL_new and are copied again here, as nginx does in
    // its SNI callback.
    SSL_set_SSL_CTX(ssl, context);
    SSL_clear_options(ssl, SSL_get_options(ssl) ^ SSL_CTX_get_options(context));
    SSL_set_options(ssl, SSL_CTX_get_options(context));
    SSL_set_verify(ssl, SSL_CTX_get_verify_mode(context), SSL_CTX_get_verify_callback(context));
    SSL_set_verify_depth(ssl, SSL_CTX_get_verify_depth(context));
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

}  // namespace yoke::tls
