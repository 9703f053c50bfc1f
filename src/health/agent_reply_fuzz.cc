// libFuzzer target for agent-check replies (health/agent_reply.h): a backend's agent writes one
// line, which Yoke parses into weight, connection cap and state. Checks that what is parsed
// stays within the documented ranges, whatever the line holds, and that a trailing line end
// changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "health/agent_reply.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using yoke::health::parse_agent_reply;
  const std::string_view line(reinterpret_cast<const char*>(data), size);  // NOLINT
  const yoke::health::AgentReply reply = parse_agent_reply(line);
  if (reply.weight_percent) {
    check(*reply.weight_percent >= 0 && *reply.weight_percent <= yoke::health::kMaxWeightPercent);
  }
  if (reply.maxconn) check(*reply.maxconn >= 0);
  const yoke::health::AgentReply ended = parse_agent_reply(std::string(line) + "\r\n");
  check(ended.weight_percent == reply.weight_percent && ended.maxconn == reply.maxconn);
  check(ended.down == reply.down && ended.admin == reply.admin);
  return 0;
}
