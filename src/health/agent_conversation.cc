#include "health/agent_conversation.h"

namespace yoke::health {

Verdict AgentConversation::on_received(std::string_view received, bool peer_closed) {
  const std::size_t end = received.find('\n');
  if (end == std::string_view::npos && !peer_closed && received.size() < kMaxLine) {
    return Verdict::kMore;
  }
  std::string_view line = received.substr(0, end == std::string_view::npos ? kMaxLine : end);
  if (line.empty() && peer_closed && end == std::string_view::npos) return Verdict::kFail;
  reply_ = parse_agent_reply(line.substr(0, kMaxLine));
  return Verdict::kPass;
}

}  // namespace yoke::health
