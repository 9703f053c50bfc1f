#pragma once
// One worker's TLS state: an SSL_CTX per TLS server (built from the shared Credentials), the
// SNI choice at handshake. (Its handshake counters live in the worker's metrics block,
// observe::WorkerMetrics::tls_handshakes, which the admin thread reads.) Worker thread only, except
// that the constructor runs on the main thread before the worker starts.
#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "yoke/router/route_table.h"
#include "yoke/tls/credentials.h"
#include "yoke/tls/ticket_key_ring.h"

namespace yoke::tls {

class WorkerContexts {
 public:
  // Throws std::runtime_error if OpenSSL refuses a context that load() accepted (out of memory).
  explicit WorkerContexts(const router::RouteTable& routes);
  ~WorkerContexts();
  WorkerContexts(const WorkerContexts&) = delete;
  WorkerContexts& operator=(const WorkerContexts&) = delete;

  // Whether connections accepted on listener index speak TLS.
  bool is_tls(std::size_t listener) const { return listeners_[listener].context != nullptr; }
  // A server-side SSL for an accepted socket on a TLS listener, or null (logged) when OpenSSL
  // cannot allocate one. The caller owns it (SSL_free).
  SSL* accept(std::size_t listener, int fd);

  // A new session-ticket key from the main thread's rotation (through EventLoop::post).
  void add_ticket_key(const TicketKeys& keys) { ticket_keys_.add(keys); }
  // A reload built these contexts: take over previous's ticket keys (instead of the new
  // Credentials' first key), so tickets issued before the reload still resume. Worker thread.
  void carry_over_ticket_keys(const WorkerContexts& previous) {
    ticket_keys_ = previous.ticket_keys_;
  }

 private:
  // What the ClientHello callback needs about the listener a connection came in on.
  struct ListenerTls {
    WorkerContexts* owner = nullptr;
    std::size_t index = 0;
    SSL_CTX* context = nullptr;  // the listener's default server's context (null: plain)
  };
  static int on_client_hello(SSL* ssl, int* alert, void* arg);
  int choose_server(SSL* ssl, const ListenerTls& listener, int* alert);
  // worker_tickets.cc: OpenSSL's ticket key callback over ticket_keys_.
  static int on_ticket_key(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher,
                           EVP_MAC_CTX* mac, int encrypt);
  int ticket_key(unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
                 bool encrypt);
  void use_ticket_keys(SSL_CTX* context);

  struct CipherFree {
    void operator()(EVP_CIPHER* cipher) const { EVP_CIPHER_free(cipher); }
  };

  const router::RouteTable& routes_;
  std::vector<ContextPtr> servers_;  // by position in config.http.servers (null: no TLS)
  std::vector<ListenerTls> listeners_;
  TicketKeyRing ticket_keys_;
  // Fetched once per worker: fetching by name on every ticket would go through OpenSSL's
  // shared method store.
  std::unique_ptr<EVP_CIPHER, CipherFree> ticket_cipher_;
};

}  // namespace yoke::tls
