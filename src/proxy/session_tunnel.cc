// Phase "tunnel": after 101 Switching Protocols (WebSocket and other upgrades, RFC 9110 §7.8)
// bytes flow both ways unchanged until either side closes.
#include <sys/socket.h>

#include "client_session.h"
#include "worker.h"
#include "yoke/core/socket.h"

namespace yoke::proxy {

void ClientSession::pump_tunnel() {
  if (upstream_ == nullptr) return close();
  UpstreamConnection& up = *upstream_;
  // First time here: bytes the client sent after its request head belong to the tunnel.
  if (to_upstream_.source != client_in_ || !to_upstream_.consume_source) {
    Buffer& in = *take_buffer(client_in_);
    if (!to_upstream_.consume_source) in.consume(to_upstream_.source_offset);
    to_upstream_ = Outgoing{};
    to_upstream_.generated = take_buffer(upstream_out_);
    to_upstream_.source = client_in_;
  }
  for (int round = 0;; ++round) {
    if (round == kRoundsPerTurn) {
      schedule_continue();  // still moving: continue after other connections had a turn
      break;
    }
    bool progress = false;
    // client → upstream
    if (to_upstream_.source_length < client_in_->size()) {
      to_upstream_.source_length = client_in_->size();
    }
    progress = read_client() || progress;
    to_upstream_.source_length = client_in_->size();
    if (!flush(up.fd(), to_upstream_, up.writable)) return close();
    // upstream → client
    progress = read_upstream() || progress;
    to_client_.source_length = upstream_in_->size();
    std::size_t before = to_client_.source_length;
    if (!flush(fd_, to_client_, writable_)) return close();
    progress = progress || to_client_.source_length != before;
    bool drained = !to_client_.pending() && !to_upstream_.pending();
    if ((client_eof_ || upstream_eof_) && drained) return close();
    if (!progress) break;
  }
  // A tunnel is idle-bounded by proxy_read_timeout, as in nginx.
  worker_.loop().arm(upstream_timer_, route_->config->proxy_read_timeout);
}

}  // namespace yoke::proxy
