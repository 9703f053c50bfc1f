// listen … proxy_protocol: the PROXY header (v1 or v2, HAProxy's proxy-protocol.txt) that a
// balancer in front sends before the client's bytes. It is read with MSG_PEEK and consumed
// exactly once complete, so no byte behind it is read early and the connection needs no
// buffer of its own; client_header_timeout (armed at accept) bounds the wait. A bad header
// closes the connection and counts yoke_connections_rejected_total{reason="proxy_protocol"}.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "client_connection.h"
#include "worker.h"
#include "yoke/observe/error_log.h"
#include "yoke/security/proxy_protocol.h"

namespace yoke::proxy {

bool ClientConnection::read_proxy_header(std::uint32_t events) {
  std::array<char, security::kMaxProxyHeader> bytes;
  const ssize_t peeked = ::recv(fd_, bytes.data(), bytes.size(), MSG_PEEK);
  if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
  if (peeked <= 0) {
    set_close_reason(observe::ClientCloseReason::kClientClosed);
    close();
    return false;
  }
  const security::ProxyHeader header =
      security::parse_proxy_header({bytes.data(), static_cast<std::size_t>(peeked)});
  using Status = security::ProxyHeader::Status;
  if (header.status == Status::kIncomplete) {
    // More can only come while the client is still sending.
    if ((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
      reject_proxy_header("connection closed within the header");
    }
    return false;
  }
  if (header.status == Status::kInvalid) {
    reject_proxy_header(header.reason);
    return false;
  }
  // Consume exactly the header; it is in the socket already (we just saw it).
  if (::recv(fd_, bytes.data(), header.size, 0) != static_cast<ssize_t>(header.size)) {
    close();
    return false;
  }
  if (header.has_addresses) proxy_source_ = std::make_unique<PeerAddress>(header.source);
  awaiting_proxy_header_ = false;
  return !refuse_denied_source();
}

// The runtime deny list, on the client the header names: the TCP peer (the balancer in front)
// was checked at accept, the client behind it can only be checked now, still before any byte
// of a request is read. Denying on an untrusted header is safe: a sender can only get itself
// refused this way, never let in.
bool ClientConnection::refuse_denied_source() {
  const security::DenyTable* table = worker_.deny_table();
  if (table == nullptr || proxy_source_ == nullptr) return false;
  const SocketAddress source = proxy_source_->expand();
  if (worker_.denied(*table, source.get()) == nullptr) return false;
  generation_->metrics()
      .connections_rejected[static_cast<std::size_t>(observe::RejectReason::kDenylist)]
      .add();
  set_close_reason(observe::ClientCloseReason::kError);
  linger reset{1, 0};  // as Listener::reject: free the socket at once
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  close();
  return true;
}

void ClientConnection::reject_proxy_header(std::string_view reason) {
  generation_->metrics()
      .connections_rejected[static_cast<std::size_t>(observe::RejectReason::kProxyProtocol)]
      .add();
  // Info level, like other client-caused errors (nginx: "broken header" at error level).
  observe::log_line(observe::LogLevel::kInfo,
                    "invalid PROXY protocol header: " + std::string(reason) +
                        ", client: " + peer_.expand().host_text());
  awaiting_proxy_header_ = false;
  close();
}

}  // namespace yoke::proxy
