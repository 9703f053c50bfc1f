#pragma once
// The HAProxy agent-check reply (HAProxy configuration manual, server option "agent-check";
// docs/agent-protocol.md): one line of words separated by spaces, tabs or commas, in any order:
//   NN%                 weight as a percentage of the configured weight (0 % takes no new
//                       requests)
//   maxconn:N           cap on requests in flight (0 = none)
//   ready | drain | maint        administrative state
//   up | down | stopped | fail   operational state (the last three mean down)
//   # …                 a free-text reason: the rest of the line is ignored
// Words not understood are ignored; a state the reply does not mention keeps its last value.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "yoke/balancing/host_runtime.h"

namespace yoke::health {

struct AgentReply {
  std::optional<balancing::AgentAdmin> admin;
  std::optional<bool> down;
  std::optional<std::int32_t> weight_percent;
  std::optional<std::int32_t> maxconn;
  std::string ignored;  // words not understood, space-separated, for the log
};

// HAProxy caps a percentage at its largest weight, 256.
inline constexpr std::int32_t kMaxWeightPercent = 256;

// Parses one reply line (a trailing CR/LF is allowed). Pure.
AgentReply parse_agent_reply(std::string_view line);

// Stores what reply says into runtime (the agent checker is the one writer of these fields).
void apply_agent_reply(const AgentReply& reply, balancing::HostRuntime& runtime);

}  // namespace yoke::health
