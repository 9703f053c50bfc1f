#include "top/top_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include "top/admin_client.h"
#include "top/frame.h"

namespace yoke::top {
namespace {

constexpr std::chrono::milliseconds kRequestTimeout{5000};

struct TopFlags {
  std::string admin = "127.0.0.1:9901";
  std::string token_file;
  double interval_seconds = 1;
  bool once = false;
  bool color = true;
  bool help = false;
  std::string error;
};

constexpr std::string_view kUsage =
    "Usage: yoke top [--admin ADDR] [--token-file FILE] [--interval SECONDS] [--once] "
    "[--no-color]\n"
    "\n"
    "Shows the admin listener's /api/v1/stats as a live table, refreshed every interval.\n"
    "  --admin ADDR       the admin listener (default 127.0.0.1:9901; host:port, [v6]:port,\n"
    "                     unix:/path)\n"
    "  --token-file FILE  the admin block's token_file, when it has one\n"
    "  --interval S       seconds between refreshes (default 1)\n"
    "  --once             print one frame (two samples one interval apart) and exit\n"
    "  --no-color         no ANSI colours (also when NO_COLOR is set or stdout is no terminal)\n";

TopFlags parse(int argc, char** argv) {
  TopFlags flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        flags.error = "option \"" + std::string(arg) + "\" needs a value";
        return;
      }
      out = argv[++i];
    };
    if (arg == "--admin") {
      value(flags.admin);
    } else if (arg == "--token-file") {
      value(flags.token_file);
    } else if (arg == "--interval") {
      std::string text;
      value(text);
      char* end = nullptr;
      flags.interval_seconds = std::strtod(text.c_str(), &end);
      if (flags.error.empty() && (end == text.c_str() || *end != '\0' ||
                                  flags.interval_seconds < 0.1 || flags.interval_seconds > 3600)) {
        flags.error = "--interval \"" + text + "\": give seconds between 0.1 and 3600";
      }
    } else if (arg == "--once") {
      flags.once = true;
    } else if (arg == "--no-color") {
      flags.color = false;
    } else if (arg == "-h" || arg == "--help") {
      flags.help = true;
    } else {
      flags.error = "invalid option: \"" + std::string(arg) + "\"";
    }
    if (!flags.error.empty()) break;
  }
  return flags;
}

// "127.0.0.1:9901", "[::1]:9901", "unix:/run/yoke-admin.sock", or "localhost:9901".
bool admin_address(const std::string& text, SocketAddress& out, std::string& error) {
  if (SocketAddress::parse_numeric(text, out)) return true;
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    error = "--admin \"" + text + "\": give host:port or unix:/path";
    return false;
  }
  int port = std::atoi(text.c_str() + colon + 1);
  if (port <= 0 || port > 65535) {
    error = "--admin \"" + text + "\": bad port";
    return false;
  }
  std::vector<SocketAddress> found =
      SocketAddress::resolve(text.substr(0, colon), static_cast<std::uint16_t>(port), error);
  if (found.empty()) {
    error = "--admin \"" + text + "\": " + error;
    return false;
  }
  out = found.front();
  return true;
}

// The file's content without surrounding whitespace, as the admin block reads it.
bool read_token(const std::string& path, std::string& token, std::string& error) {
  if (path.empty()) return true;
  std::ifstream in(path);
  if (!in) {
    error = "cannot read token file \"" + path + "\"";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  token = text.str();
  std::size_t first = token.find_first_not_of(" \t\r\n");
  token = first == std::string::npos
              ? ""
              : token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
  return true;
}

// One /api/v1/stats answer, parsed; empty with error set.
std::optional<nlohmann::json> fetch(const SocketAddress& address, const std::string& token,
                                    std::string& error) {
  std::optional<AdminAnswer> answer =
      admin_get(address, "/api/v1/stats", token, kRequestTimeout, error);
  if (!answer) return std::nullopt;
  if (answer->status == 401) {
    error =
        "the admin listener refused the token (401): pass --token-file with the admin "
        "block's token_file";
    return std::nullopt;
  }
  if (answer->status != 200) {
    error = "GET /api/v1/stats answered " + std::to_string(answer->status) + ": " + answer->body;
    return std::nullopt;
  }
  nlohmann::json body = nlohmann::json::parse(answer->body, nullptr, false);
  if (body.is_discarded()) {
    error = "GET /api/v1/stats did not answer JSON";
    return std::nullopt;
  }
  return body;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "yoke top: %s\n", message.c_str());
  return 1;
}

}  // namespace

int run_top(int argc, char** argv) {
  TopFlags flags = parse(argc, argv);
  if (!flags.error.empty()) {
    std::fprintf(stderr, "yoke top: %s\n\n%.*s", flags.error.c_str(),
                 static_cast<int>(kUsage.size()), kUsage.data());
    return 2;
  }
  if (flags.help) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  SocketAddress address;
  std::string token, error;
  if (!admin_address(flags.admin, address, error) || !read_token(flags.token_file, token, error)) {
    return fail(error);
  }
  FrameStyle style;
  style.admin = flags.admin;
  style.color = flags.color && isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
  std::optional<nlohmann::json> before = fetch(address, token, error);
  if (!before) return fail(error);
  const auto interval = std::chrono::duration<double>(flags.interval_seconds);
  for (;;) {
    std::this_thread::sleep_for(interval);
    std::optional<nlohmann::json> now = fetch(address, token, error);
    if (!now) {
      if (flags.once) return fail(error);
      std::printf("\x1b[H\x1b[2Jyoke top: %s (retrying)\n", error.c_str());
      std::fflush(stdout);
      continue;
    }
    std::string frame;
    try {
      frame = render_frame(*now, *before, style);
    } catch (const nlohmann::json::exception& bad) {
      return fail(std::string("/api/v1/stats has an unexpected shape: ") + bad.what());
    }
    std::fputs(flags.once ? frame.c_str() : ("\x1b[H\x1b[2J" + frame).c_str(), stdout);
    std::fflush(stdout);
    if (flags.once) return 0;
    before = std::move(now);
  }
}

}  // namespace yoke::top
