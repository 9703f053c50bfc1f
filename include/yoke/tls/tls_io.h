#pragma once
// Non-blocking TLS on an edge-triggered socket (OpenSSL reads and writes the fd itself). Each
// call goes on until OpenSSL would block, so that decrypted bytes never sit in the SSL object
// unseen: epoll reports only new socket bytes, never what OpenSSL already holds. Worker thread.
#include <openssl/ssl.h>
#include <sys/uio.h>

#include <cstddef>
#include <string>

#include "yoke/core/socket.h"
#include "yoke/tls/handshake_counters.h"

namespace yoke::tls {

// What a read or write is waiting for besides its own direction (TLS may need to write to
// read, or read to write); the connection turns that readiness into the other direction's.
struct CrossWait {
  bool read_wants_write = false;
  bool write_wants_read = false;
};

// Reads decrypted bytes until capacity is full or OpenSSL would block. As with read(2), a
// result shorter than capacity means nothing is left to read now, except when IoResult::more
// is set (EOF or an error follows the bytes returned: the next call reports it).
IoResult read(SSL* ssl, char* into, std::size_t capacity, CrossWait& wait);
// Encrypts and sends up to one record (16 KiB) from parts. Small leading parts are copied into
// one record with what follows (a response head and its body become one record, one send).
// A part pending after kWouldBlock must be offered again with the same leading bytes.
IoResult write(SSL* ssl, const iovec* parts, int count, CrossWait& wait);

enum class HandshakeStatus { kDone, kWaiting, kFailed };
struct HandshakeResult {
  HandshakeStatus status = HandshakeStatus::kWaiting;
  HandshakeFailure failure = HandshakeFailure::kOther;  // kFailed: why (kPlainHttp: answer 400)
  std::string reason;                                   // kFailed: OpenSSL's errors, for the log
};
HandshakeResult handshake(SSL* ssl);

// Sends close_notify if the handshake completed and nothing failed; never blocks.
void shutdown(SSL* ssl);

}  // namespace yoke::tls
