// Phase "prefetch body" for chunked requests: before anything goes upstream, read the body
// into the receive buffer until it ends or the buffer is full. Like nginx's request buffering
// (without its disk spool), this lets a body over client_max_body_size be refused with 413
// before the server sees a byte, and keeps small chunked requests replayable for retries.
#include "client_session.h"
#include "worker.h"

namespace yoke::proxy {

void ClientSession::begin_prefetch() {
  phase_ = Phase::kPrefetchingBody;
  prefetch_decoder_.reset();
  prefetch_scanned_ = head_size_;
  prefetch_body_ = 0;
  send_continue_if_expected();
  worker_.loop().arm(client_timer(), route_->config->client_body_timeout);
}

void ClientSession::pump_prefetch() {
  const std::uint64_t limit = route_->config->client_max_body_size;
  if (to_client_.pending() && !flush(fd_, to_client_, writable_)) return close();
  for (;;) {
    for (;;) {
      auto step = prefetch_decoder_.next(client_in_->readable().substr(prefetch_scanned_));
      prefetch_scanned_ += step.consumed;
      using Event = http1::ChunkedDecoder::Event;
      if (step.event == Event::kError) return respond_local(400, {}, true);
      if (step.event == Event::kNeedMore) break;
      if (step.event == Event::kDone) return begin_proxy(reparse_head());
      prefetch_body_ += step.data.size();
      if (limit != 0 && prefetch_body_ > limit) return respond_local(413, {}, true);
    }
    // A full buffer: stream the rest; client_max_body_size is then enforced while relaying.
    if (client_in_->size() >= client_in_->capacity()) return begin_proxy(reparse_head());
    if (!read_client()) {
      if (client_eof_) return close();
      return;
    }
    worker_.loop().arm(client_timer(), route_->config->client_body_timeout);
  }
}

}  // namespace yoke::proxy
