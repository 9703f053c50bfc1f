#include "flags.h"

#include <string_view>

namespace yoke::cli {

Flags parse_flags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-c" || arg == "--config") {
      if (i + 1 >= argc) {
        flags.error = "option \"" + std::string(arg) + "\" requires a file name";
        return flags;
      }
      flags.config_file = argv[++i];
    } else if (arg == "-s" || arg == "--signal") {
      if (i + 1 >= argc) {
        flags.error = "option \"-s\" requires a parameter (reload, stop, quit, drain or upgrade)";
        return flags;
      }
      flags.signal_name = argv[++i];
      if (flags.signal_name != "reload" && flags.signal_name != "stop" &&
          flags.signal_name != "quit" && flags.signal_name != "upgrade" &&
          flags.signal_name != "drain") {
        flags.error = "invalid option: \"-s " + flags.signal_name +
                      "\" (reload, stop, quit, drain or upgrade)";
        return flags;
      }
    } else if (arg == "--zone") {
      if (i + 1 >= argc || std::string_view(argv[i + 1]).empty()) {
        flags.error = "option \"--zone\" requires a zone name";
        return flags;
      }
      flags.zone = argv[++i];
    } else if (arg == "-t" || arg == "--test") {
      flags.test_only = true;
    } else if (arg == "-v" || arg == "-V" || arg == "--version") {
      flags.version = true;
    } else if (arg == "-h" || arg == "-?" || arg == "--help") {
      flags.help = true;
    } else {
      flags.error = "invalid option: \"" + std::string(arg) + "\"";
      return flags;
    }
  }
  return flags;
}

std::string usage() {
  return "Usage: yoke [-h] [-v] [-t] [-s SIGNAL] [-c FILE] [--zone NAME]\n"
         "       yoke top [--admin ADDR] [--token-file FILE] [--once]  (yoke top -h)\n"
         "\n"
         "Options:\n"
         "  -h, --help     show this help and exit\n"
         "  -v, --version  show the version and exit\n"
         "  -t, --test     check the configuration file and exit (0 = valid, 1 = invalid)\n"
         "  -c, --config   use configuration FILE (default: /etc/yoke/yoke.conf)\n"
         "  -s, --signal   send SIGNAL to the running yoke (its pid file from FILE's \"pid\"):\n"
         "                 reload (HUP), quit (graceful stop, TERM), stop (at once, QUIT);\n"
         "                 upgrade: this process takes over the running one's listening\n"
         "                 sockets and serves FILE; the old one drains and exits;\n"
         "                 drain (WINCH): fail /healthz, serve on for drain_grace, then quit\n"
         "  --zone NAME    this balancer's zone (overrides yoke_zone; zone_aware upstreams\n"
         "                 prefer servers with zone=NAME)\n"
         "\n"
         "Signals: HUP reloads the configuration; TERM/INT stop gracefully (finish in-flight\n"
         "requests, bounded by worker_shutdown_timeout), QUIT stops at once, WINCH drains.\n";
}

}  // namespace yoke::cli
