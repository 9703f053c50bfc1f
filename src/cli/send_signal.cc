#include "send_signal.h"

#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "yoke/config/model.h"

namespace yoke::cli {
namespace {

// nginx's words with Yoke's signals: "stop" is nginx's fast shutdown (Yoke's QUIT), "quit"
// its graceful one (Yoke's TERM).
int signal_number(const std::string& name) {
  if (name == "reload") return SIGHUP;
  if (name == "stop") return SIGQUIT;
  if (name == "drain") return SIGWINCH;  // cli/drain.h
  return SIGTERM;
}

int fail(const std::string& message) {
  std::fprintf(stderr, "yoke: [error] %s\n", message.c_str());
  return 1;
}

}  // namespace

int send_signal(const std::string& config_path, const std::string& signal_name) {
  std::string pid_path;
  try {
    pid_path = config::load_config(config_path).pid_path;
  } catch (const std::runtime_error& error) {
    return fail(error.what());
  }
  if (pid_path.empty()) return fail("no \"pid\" directive in " + config_path);
  std::ifstream in(pid_path);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) {
    return fail("invalid PID number in \"" + pid_path + "\" (is yoke running?)");
  }
  if (kill(static_cast<pid_t>(pid), signal_number(signal_name)) != 0) {
    return fail("kill(" + std::to_string(pid) + ") failed: " + std::strerror(errno));
  }
  return 0;
}

}  // namespace yoke::cli
