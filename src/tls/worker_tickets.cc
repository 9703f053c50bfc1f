// Session tickets under the worker's rotating keys (ticket_key_ring.h), in the format OpenSSL's
// own ticket keys use: AES-256-CBC for the session, HMAC-SHA256 over the ticket, a 16-byte key
// name in front (RFC 5077 §4's recommended construction).
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "yoke/tls/worker_contexts.h"

namespace yoke::tls {
namespace {
constexpr int kIvSize = 16;  // AES block size
constexpr std::size_t kSecretSize = 32;
}  // namespace

void WorkerContexts::use_ticket_keys(SSL_CTX* context) {
  if (!ticket_cipher_) {
    ticket_cipher_.reset(EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr));
    if (!ticket_cipher_) throw std::runtime_error("AES-256-CBC: " + drain_openssl_errors());
  }
  SSL_CTX_set_tlsext_ticket_key_evp_cb(context, on_ticket_key);
}

int WorkerContexts::on_ticket_key(SSL* ssl, unsigned char* name, unsigned char* iv,
                                  EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int encrypt) {
  const auto* listener = static_cast<const ListenerTls*>(SSL_get_app_data(ssl));
  return listener->owner->ticket_key(name, iv, cipher, mac, encrypt == 1);
}

// OpenSSL's contract (SSL_CTX_set_tlsext_ticket_key_evp_cb): 1 = use this key, 2 = decrypt and
// issue a new ticket (an older key), 0 = unknown key (full handshake), -1 = error.
int WorkerContexts::ticket_key(unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher,
                               EVP_MAC_CTX* mac, bool encrypt) {
  const TicketKeys* keys = &ticket_keys_.newest();
  bool is_newest = true;
  if (encrypt) {
    if (RAND_bytes(iv, kIvSize) != 1) return -1;
    std::copy(keys->begin(), keys->begin() + kTicketKeyNameSize, name);
  } else {
    keys = ticket_keys_.find(name, is_newest);
    if (keys == nullptr) return 0;
  }
  const unsigned char* aes = keys->data() + kTicketAesOffset;
  int ok = encrypt ? EVP_EncryptInit_ex2(cipher, ticket_cipher_.get(), aes, iv, nullptr)
                   : EVP_DecryptInit_ex2(cipher, ticket_cipher_.get(), aes, iv, nullptr);
  if (ok != 1) return -1;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(
          OSSL_MAC_PARAM_KEY, const_cast<unsigned char*>(keys->data() + kTicketHmacOffset),
          kSecretSize),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_CTX_set_params(mac, params) != 1) return -1;
  return is_newest ? 1 : 2;
}

}  // namespace yoke::tls
