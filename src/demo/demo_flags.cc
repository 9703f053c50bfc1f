#include "demo/demo_flags.h"

#include <charconv>
#include <string_view>

namespace yoke::demo {
namespace {

bool parse_int(std::string_view text, long max, long& out) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
    return false;
  }
  out = value;
  return true;
}

// "HOST:PORT" with a numeric port; the host is checked later, when it is bound.
bool parse_listen(std::string_view text, BackendSpec& spec) {
  auto colon = text.rfind(':');
  long port = 0;
  if (colon == std::string_view::npos || colon == 0 ||
      !parse_int(text.substr(colon + 1), 65535, port)) {
    return false;
  }
  spec.host = std::string(text.substr(0, colon));
  spec.port = static_cast<std::uint16_t>(port);
  return true;
}

}  // namespace

const char* demo_usage() {
  return "usage: yoke-demo-backend [--delay-ms N] --listen HOST:PORT --name NAME [--delay-ms N]\n"
         "                         [--agent-port N] [--listen HOST:PORT --name NAME ...]\n"
         "Endpoints: any path -> NAME; /echo -> request body; /bytes/N -> N bytes of 'x';\n"
         "/health -> ok (or 500, or no answer: see health=); /__stats ->\n"
         "{\"connections\":C,\"requests\":R};\n"
         "/__control?delay_ms=N&fail=0|1&hang=0|1&health=ok|fail|hang&agent=WORDS -> changes\n"
         "  this backend at run time (any of them): delay_ms=N  every answer waits N ms (as\n"
         "  --delay-ms); fail=1  every request is answered 500 at once; hang=1  requests are\n"
         "  read and never answered; health=  how /health answers; agent=  the line the\n"
         "  agent port sends (HAProxy agent-check words, e.g. drain, 50%25, down; default\n"
         "  ready). Answers the settings as JSON. /__stats and /__control are never delayed,\n"
         "  failed or hung, and not counted as requests.\n"
         "--agent-port N (after a --listen): that backend's agent-check port (0: kernel\n"
         "  picks), printed as \"agent NAME HOST:PORT\".\n";
}

std::optional<std::vector<BackendSpec>> parse_demo_flags(int argc, char** argv,
                                                         std::string& error) {
  std::vector<BackendSpec> specs;
  int default_delay_ms = 0;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) {
      error = "missing value after " + std::string(flag);
      return std::nullopt;
    }
    std::string_view value = argv[++i];
    if (flag == "--listen") {
      BackendSpec spec;
      spec.delay_ms = default_delay_ms;
      if (!parse_listen(value, spec)) {
        error = "bad --listen address: " + std::string(value);
        return std::nullopt;
      }
      specs.push_back(std::move(spec));
    } else if (flag == "--name") {
      if (specs.empty() || !specs.back().name.empty()) {
        error = "--name must follow its own --listen";
        return std::nullopt;
      }
      specs.back().name = std::string(value);
    } else if (flag == "--agent-port") {
      long port = 0;
      if (specs.empty() || !parse_int(value, 65535, port)) {
        error = specs.empty() ? "--agent-port must follow its own --listen"
                              : "bad --agent-port: " + std::string(value);
        return std::nullopt;
      }
      specs.back().agent_port = static_cast<int>(port);
    } else if (flag == "--delay-ms") {
      long delay = 0;
      if (!parse_int(value, 3600 * 1000, delay)) {
        error = "bad --delay-ms: " + std::string(value);
        return std::nullopt;
      }
      (specs.empty() ? default_delay_ms : specs.back().delay_ms) = static_cast<int>(delay);
    } else {
      error = "unknown flag " + std::string(flag);
      return std::nullopt;
    }
  }
  if (specs.empty()) {
    error = "no --listen given";
    return std::nullopt;
  }
  for (const BackendSpec& spec : specs) {
    if (spec.name.empty()) {
      error = "--listen " + spec.host + ":" + std::to_string(spec.port) + " has no --name";
      return std::nullopt;
    }
  }
  return specs;
}

}  // namespace yoke::demo
