#pragma once
// What a check says over its connection, apart from connecting and timing (probe.h): the bytes
// to send once connected and the verdict on the bytes received so far. One implementation per
// kind of check: HTTP (http_conversation.h), TCP (below), the HAProxy agent
// (agent_conversation.h). Checker thread only.
#include <string_view>

namespace yoke::health {

enum class Verdict {
  kMore,  // undecided: wait for more bytes (or the peer's close)
  kPass,
  kFail,
};

class Conversation {
 public:
  virtual ~Conversation() = default;
  // A new check begins: forget the previous one.
  virtual void begin() {}
  // Sent after the connection is established; may be empty.
  virtual std::string_view request() const = 0;
  // The verdict once connected, before anything is sent or read: kPass ends a TCP check there.
  virtual Verdict on_connected() { return Verdict::kMore; }
  // received: every byte read so far in this check; peer_closed: the peer sent FIN (nothing
  // more will come, so kMore is taken as kFail).
  virtual Verdict on_received(std::string_view received, bool peer_closed) = 0;
};

// `health_check type=tcp`: a check passes when the connection is established.
class TcpConversation final : public Conversation {
 public:
  std::string_view request() const override { return {}; }
  Verdict on_connected() override { return Verdict::kPass; }
  Verdict on_received(std::string_view /*received*/, bool /*peer_closed*/) override {
    return Verdict::kPass;
  }
};

}  // namespace yoke::health
