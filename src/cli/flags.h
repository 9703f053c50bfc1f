#pragma once
// Command-line flags, nginx-like: -c FILE, -t, -s SIGNAL, -v, -h.
#include <string>

namespace yoke::cli {

struct Flags {
  std::string config_file = "/etc/yoke/yoke.conf";
  bool test_only = false;
  bool version = false;
  bool help = false;
  // -s reload|stop|quit: signal the running Yoke named by the configuration's pid file;
  // -s upgrade: take over from it (cli/upgrade.h).
  std::string signal_name;
  std::string zone;   // --zone NAME: the balancer's zone, overriding yoke_zone
  std::string error;  // non-empty when the command line is invalid
};

Flags parse_flags(int argc, char** argv);
std::string usage();

}  // namespace yoke::cli
