#pragma once
// An immutable snapshot of an upstream's members. Built off the hot path when the
// configuration (later: discovery, health) changes, shared read-only by every worker.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "yoke/core/clock.h"
#include "yoke/core/socket_address.h"

namespace yoke::balancing {

struct Host {
  std::size_t index = 0;  // position in HostSet::hosts; indexes per-worker state arrays
  std::string name;       // as configured, e.g. "api1.example.com:80"
  SocketAddress address;
  int weight = 1;
  int max_fails = 1;
  Milliseconds fail_timeout{10000};
  bool backup = false;
  bool down = false;
  int max_conns = 0;  // 0 = unlimited
};

struct HostSet {
  std::string upstream;     // the upstream's name
  std::vector<Host> hosts;  // every member; a name that resolved to N addresses is N hosts
};

using HostSetPtr = std::shared_ptr<const HostSet>;

}  // namespace yoke::balancing
