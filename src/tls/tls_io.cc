// OpenSSL's non-blocking calls turned into the IoResult contract of plain sockets
// (yoke/core/socket.h), for edge-triggered readiness.
#include "yoke/tls/tls_io.h"

#include <openssl/err.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "yoke/tls/credentials.h"

namespace yoke::tls {
namespace {

// The largest TLS record payload (RFC 8446 §5.1): what one SSL_write turns into one record.
constexpr std::size_t kRecordSize = 16384;

// SSL_get_error() also looks at this thread's error queue: a failure must leave it empty, or
// a later call on another connection would be misread. After a fatal error OpenSSL forbids
// SSL_shutdown() from sending anything: quiet shutdown makes the close skip close_notify.
IoResult failure(SSL* ssl, int error) {
  ERR_clear_error();
  SSL_set_quiet_shutdown(ssl, 1);
  return {IoResult::Kind::kError, 0, error};
}

// Why a handshake failed, from the first OpenSSL error (the reason codes of ssl/ssl_err.c).
HandshakeFailure classify_failure(unsigned long first) {
  if (first == 0 || ERR_GET_LIB(first) != ERR_LIB_SSL) return HandshakeFailure::kOther;
  switch (ERR_GET_REASON(first)) {
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
      return HandshakeFailure::kPlainHttp;
    case SSL_R_CALLBACK_FAILED:  // the ClientHello callback fails only for ssl_reject_handshake
      return HandshakeFailure::kRejectedName;
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_VERSION_TOO_LOW:
    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_SHARED_SIGNATURE_ALGORITHMS:
    case SSL_R_NO_SUITABLE_KEY_SHARE:
    case SSL_R_NO_APPLICATION_PROTOCOL:
      return HandshakeFailure::kProtocol;
    default:
      return HandshakeFailure::kOther;
  }
}

}  // namespace

IoResult read(SSL* ssl, char* into, std::size_t capacity, CrossWait& wait) {
  std::size_t total = 0;
  wait.read_wants_write = false;
  while (total < capacity) {
    std::size_t got = 0;
    if (SSL_read_ex(ssl, into + total, capacity - total, &got) == 1) {
      total += got;
      continue;
    }
    int error = SSL_get_error(ssl, 0);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      wait.read_wants_write = error == SSL_ERROR_WANT_WRITE;
      if (total > 0) return {IoResult::Kind::kDone, total, 0};
      return {IoResult::Kind::kWouldBlock, 0, 0};
    }
    if (total > 0) {
      // Deliver the bytes now; the end or error comes again on the next call.
      IoResult result{IoResult::Kind::kDone, total, 0};
      result.more = true;
      return result;
    }
    if (error == SSL_ERROR_ZERO_RETURN) {
      ERR_clear_error();  // an end without close_notify may leave an entry behind
      return {IoResult::Kind::kClosed, 0, 0};
    }
    // With SSL_OP_IGNORE_UNEXPECTED_EOF a TCP close without close_notify is ZERO_RETURN too.
    return failure(ssl, error == SSL_ERROR_SYSCALL && errno != 0 ? errno : EPROTO);
  }
  return {IoResult::Kind::kDone, total, 0};
}

IoResult write(SSL* ssl, const iovec* parts, int count, CrossWait& wait) {
  // One worker thread per SSL at a time, so a per-thread staging buffer is never shared.
  thread_local char staging[kRecordSize];
  const void* data = parts[0].iov_base;
  std::size_t length = parts[0].iov_len;
  if (count > 1 && length < kRecordSize) {
    std::memcpy(staging, parts[0].iov_base, length);
    for (int i = 1; i < count && length < kRecordSize; ++i) {
      std::size_t take = std::min(parts[i].iov_len, kRecordSize - length);
      std::memcpy(staging + length, parts[i].iov_base, take);
      length += take;
    }
    data = staging;
  }
  wait.write_wants_read = false;
  std::size_t written = 0;
  if (SSL_write_ex(ssl, data, length, &written) == 1) {
    return {IoResult::Kind::kDone, written, 0};
  }
  int error = SSL_get_error(ssl, 0);
  if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
    wait.write_wants_read = error == SSL_ERROR_WANT_READ;
    return {IoResult::Kind::kWouldBlock, 0, 0};
  }
  return failure(ssl, error == SSL_ERROR_SYSCALL && errno != 0 ? errno : EPROTO);
}

HandshakeResult handshake(SSL* ssl) {
  int status = SSL_do_handshake(ssl);
  if (status == 1) return {HandshakeStatus::kDone, HandshakeFailure::kOther, {}};
  int error = SSL_get_error(ssl, status);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
    return {HandshakeStatus::kWaiting, HandshakeFailure::kOther, {}};
  }
  HandshakeResult result{HandshakeStatus::kFailed, classify_failure(ERR_peek_error()), {}};
  if (ERR_peek_error() != 0) {
    result.reason = drain_openssl_errors();
  } else if (error == SSL_ERROR_SYSCALL || error == SSL_ERROR_ZERO_RETURN) {
    result.failure = HandshakeFailure::kClosed;
    result.reason = errno != 0 && error == SSL_ERROR_SYSCALL ? std::string(std::strerror(errno))
                                                             : "connection closed";
  } else {
    result.reason = "SSL error " + std::to_string(error);
  }
  return result;
}

void shutdown(SSL* ssl) {
  if (SSL_is_init_finished(ssl) && (SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN) == 0) {
    if (SSL_shutdown(ssl) < 0) ERR_clear_error();
  }
}

}  // namespace yoke::tls
