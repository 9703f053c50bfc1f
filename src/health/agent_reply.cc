// The word list follows HAProxy's agent-check (doc/configuration.txt, "agent-check", and the
// commit "MAJOR: agent: rework the response processing and support additional actions"):
// words in any order, delimited by spaces, tabs or commas; an optional reason after '#'.
#include "health/agent_reply.h"

#include <charconv>

namespace yoke::health {
namespace {

using balancing::AgentAdmin;

bool is_delimiter(char c) { return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n'; }

bool is_word(std::string_view word, std::string_view expected) {
  if (word.size() != expected.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char c = word[i] >= 'A' && word[i] <= 'Z' ? static_cast<char>(word[i] + 32) : word[i];
    if (c != expected[i]) return false;
  }
  return true;
}

bool parse_number(std::string_view text, std::int32_t max, std::int32_t& out) {
  std::int32_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > max) {
    return false;
  }
  out = value;
  return true;
}

// One word; false when it is not one of the protocol's.
bool read_word(std::string_view word, AgentReply& reply) {
  std::int32_t number = 0;
  if (word.size() > 1 && word.back() == '%') {
    if (!parse_number(word.substr(0, word.size() - 1), kMaxWeightPercent, number)) return false;
    reply.weight_percent = number;
  } else if (word.size() > 8 && is_word(word.substr(0, 8), "maxconn:")) {
    if (!parse_number(word.substr(8), 1000000000, number)) return false;
    reply.maxconn = number;
  } else if (is_word(word, "ready")) {
    reply.admin = AgentAdmin::kReady;
  } else if (is_word(word, "drain")) {
    reply.admin = AgentAdmin::kDrain;
  } else if (is_word(word, "maint")) {
    reply.admin = AgentAdmin::kMaint;
  } else if (is_word(word, "up")) {
    reply.down = false;
  } else if (is_word(word, "down") || is_word(word, "stopped") || is_word(word, "fail")) {
    reply.down = true;
  } else {
    return false;
  }
  return true;
}

}  // namespace

AgentReply parse_agent_reply(std::string_view line) {
  AgentReply reply;
  std::size_t pos = 0;
  while (pos < line.size()) {
    if (is_delimiter(line[pos])) {
      ++pos;
      continue;
    }
    if (line[pos] == '#') break;  // the reason runs to the end of the line
    std::size_t end = pos;
    while (end < line.size() && !is_delimiter(line[end])) ++end;
    const std::string_view word = line.substr(pos, end - pos);
    if (!read_word(word, reply)) {
      if (!reply.ignored.empty()) reply.ignored += ' ';
      reply.ignored.append(word.substr(0, 64));
    }
    pos = end;
  }
  return reply;
}

void apply_agent_reply(const AgentReply& reply, balancing::HostRuntime& runtime) {
  if (reply.admin) runtime.set_agent_admin(*reply.admin);
  if (reply.down) runtime.set_agent_down(*reply.down);
  if (reply.weight_percent) runtime.set_weight_percent(*reply.weight_percent);
  if (reply.maxconn) runtime.set_agent_maxconn(*reply.maxconn);
}

}  // namespace yoke::health
