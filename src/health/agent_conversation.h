#pragma once
// The HAProxy agent-check exchange (docs/agent-protocol.md): after connecting, send
// `agent_send` if configured, then read one line; the line ends at LF, or when the agent closes
// the connection. Lines longer than kMaxLine are cut there.
#include <string>

#include "health/agent_reply.h"
#include "health/conversation.h"

namespace yoke::health {

class AgentConversation final : public Conversation {
 public:
  static constexpr std::size_t kMaxLine = 1024;

  explicit AgentConversation(std::string send) : send_(std::move(send)) {}

  void begin() override { reply_ = AgentReply{}; }
  std::string_view request() const override { return send_; }
  Verdict on_received(std::string_view received, bool peer_closed) override;

  // The reply of the check that just passed.
  const AgentReply& reply() const { return reply_; }

 private:
  std::string send_;
  AgentReply reply_;
};

}  // namespace yoke::health
