#include "health/http_conversation.h"

#include <algorithm>

namespace yoke::health {

HttpConversation::HttpConversation(const std::string& uri, const std::string& host_header,
                                   ResponseMatch match)
    : match_(std::move(match)) {
  // RFC 9112 §3.2: HTTP/1.1 requests carry Host. One connection per check, closed after it
  // (nginx Plus opens a connection per check too).
  request_ = "GET " + uri + " HTTP/1.1\r\nHost: " + host_header +
             "\r\nUser-Agent: yoke-health-check\r\nAccept: */*\r\nConnection: close\r\n\r\n";
}

Verdict HttpConversation::on_received(std::string_view received, bool peer_closed) {
  const http1::ParseResult parsed =
      http1::parse_response_head(received, http1::Limits{}, false, head_);
  if (parsed.state == http1::ParseState::kError) return Verdict::kFail;
  if (parsed.state == http1::ParseState::kIncomplete) {
    return peer_closed ? Verdict::kFail : Verdict::kMore;
  }
  // 1xx interim responses are not expected for a GET without Expect; a 100 or 103 would fail
  // the default status test anyway, so it is judged as the answer.
  if (!match_.head_passes(head_)) return Verdict::kFail;
  if (!match_.needs_body()) return Verdict::kPass;
  return judge_body(received.substr(head_.head_size), head_, peer_closed);
}

// The body as far as it has arrived: complete (or kMaxBody bytes of it) → judged; otherwise
// wait, unless the peer closed early (a truncated body fails).
Verdict HttpConversation::judge_body(std::string_view bytes, const http1::ResponseHead& head,
                                     bool peer_closed) {
  constexpr std::size_t kMax = ResponseMatch::kMaxBody;
  switch (head.body) {
    case http1::BodyKind::kNone:
      return match_.body_passes({}) ? Verdict::kPass : Verdict::kFail;
    case http1::BodyKind::kContentLength: {
      const std::size_t wanted = std::min<std::uint64_t>(head.content_length, kMax);
      if (bytes.size() < wanted) return peer_closed ? Verdict::kFail : Verdict::kMore;
      return match_.body_passes(bytes.substr(0, wanted)) ? Verdict::kPass : Verdict::kFail;
    }
    case http1::BodyKind::kUntilClose:
      if (!peer_closed && bytes.size() < kMax) return Verdict::kMore;
      return match_.body_passes(bytes) ? Verdict::kPass : Verdict::kFail;
    case http1::BodyKind::kChunked:
      break;
  }
  // Chunked: decode everything received so far again (a health answer is small, and the
  // receive buffer is bounded by the probe).
  chunked_.reset();
  body_.clear();
  while (body_.size() < kMax) {
    const http1::ChunkedDecoder::Step step = chunked_.next(bytes);
    bytes.remove_prefix(step.consumed);
    if (step.event == http1::ChunkedDecoder::Event::kError) return Verdict::kFail;
    if (step.event == http1::ChunkedDecoder::Event::kData) body_.append(step.data);
    if (step.event == http1::ChunkedDecoder::Event::kDone) break;
    if (step.event == http1::ChunkedDecoder::Event::kNeedMore) {
      return peer_closed ? Verdict::kFail : Verdict::kMore;
    }
  }
  return match_.body_passes(body_) ? Verdict::kPass : Verdict::kFail;
}

}  // namespace yoke::health
