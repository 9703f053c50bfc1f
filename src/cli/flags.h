#pragma once
// Command-line flags, nginx-like: -c FILE, -t, -v, -h.
#include <string>

namespace yoke::cli {

struct Flags {
  std::string config_file = "/etc/yoke/yoke.conf";
  bool test_only = false;
  bool version = false;
  bool help = false;
  std::string zone;   // --zone NAME: the balancer's zone, overriding yoke_zone
  std::string error;  // non-empty when the command line is invalid
};

Flags parse_flags(int argc, char** argv);
std::string usage();

}  // namespace yoke::cli
