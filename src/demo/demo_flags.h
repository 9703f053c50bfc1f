#pragma once
// Command-line flags of yoke-demo-backend: one or more backends, each a --listen/--name pair.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yoke::demo {

struct BackendSpec {
  std::string name;
  std::string host;        // numeric IPv4 address, e.g. "127.0.0.1"
  std::uint16_t port = 0;  // 0 lets the kernel pick; the chosen port is printed
  int delay_ms = 0;        // wait this long before answering each request
  // --agent-port N after the --listen: a HAProxy agent-check port for this backend (0 lets
  // the kernel pick; -1 = none). Its answer is set through /__control?agent=WORDS.
  int agent_port = -1;
};

// Parses `--listen HOST:PORT --name NAME [--delay-ms N] [--agent-port N]` groups. A --delay-ms
// given before the first --listen is the default for every backend; one given after a --listen
// applies to that backend only. Returns nullopt and fills error on a bad or incomplete command
// line.
std::optional<std::vector<BackendSpec>> parse_demo_flags(int argc, char** argv, std::string& error);

// One-paragraph usage text for --help and for errors.
const char* demo_usage();

}  // namespace yoke::demo
