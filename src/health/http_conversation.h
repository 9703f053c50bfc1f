#pragma once
// `health_check type=http`: `GET URI HTTP/1.1` with `Connection: close`, the response head
// parsed by the proxy's own HTTP/1 parser (yoke/http1/parser.h) and judged by a ResponseMatch;
// the body is read (Content-Length, chunked, or until close) only when the match tests it.
#include <string>

#include "health/conversation.h"
#include "health/response_match.h"
#include "yoke/http1/parser.h"

namespace yoke::health {

class HttpConversation final : public Conversation {
 public:
  // host_header: the Host field to send (the server's name as configured); match: owned.
  HttpConversation(const std::string& uri, const std::string& host_header, ResponseMatch match);

  void begin() override { body_.clear(); }
  std::string_view request() const override { return request_; }
  Verdict on_received(std::string_view received, bool peer_closed) override;

 private:
  Verdict judge_body(std::string_view bytes, const http1::ResponseHead& head, bool peer_closed);

  std::string request_;
  ResponseMatch match_;
  http1::ResponseHead head_;  // about 3 KiB: kept here rather than on the stack per call
  http1::ChunkedDecoder chunked_;
  std::string body_;  // decoded body bytes so far (chunked), at most ResponseMatch::kMaxBody
};

}  // namespace yoke::health
