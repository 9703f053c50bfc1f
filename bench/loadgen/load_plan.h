#pragma once
// What yoke-loadgen is asked to do, parsed from its flags.
#include <cstdint>
#include <optional>
#include <string>

namespace yoke::loadgen {

struct LoadPlan {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/";
  int connections = 50;
  // Open loop: requests are due at a fixed rate whatever the answers do (rate > 0).
  double rate = 0;
  double warmup_seconds = 1;  // due in this first period: sent, not counted
  double duration_seconds = 10;
  // Fixed count (rate == 0): exactly `requests` requests, each connection sending its next
  // request when the previous answer has arrived (a deterministic client for bench/profile).
  std::uint64_t requests = 0;
  double drain_seconds = 5;  // how long answers may still arrive after the last request is due
};

// Parses argv; on failure returns nullopt and fills error.
std::optional<LoadPlan> parse_load_plan(int argc, char** argv, std::string& error);

const char* load_plan_usage();

}  // namespace yoke::loadgen
