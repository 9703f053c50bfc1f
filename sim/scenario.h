#pragma once
// The typed model of a scenario file (sim/scenarios/*.scn, format in docs/balancing.md). Times
// are SimTime nanoseconds; moments during the run ("at=50%") are fractions of the expected run
// length, requests / arrival rate.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim_time.h"
#include "yoke/config/ast.h"

namespace yoke::sim {

struct ServerSpec {
  std::string name;
  int slots = 1;       // requests served at once; the rest wait in the server's FIFO queue
  double speed = 1.0;  // service time = demand / speed
  int weight = 1;      // balancing::Host fields, as `server` parameters in yoke.conf
  bool backup = false;
  int max_fails = 1;
  SimTime fail_timeout = 10 * kNanosPerSecond;
  int max_conns = 0;
};

enum class ServiceKind { kExponential, kDeterministic, kLognormal, kPareto, kBoundedPareto };

struct ServiceSpec {
  ServiceKind kind = ServiceKind::kExponential;
  double sigma = 1.0;     // lognormal: standard deviation of the logarithm
  double alpha = 1.5;     // (bounded) Pareto shape
  double ratio = 1000.0;  // bounded Pareto: largest / smallest demand
};

enum class ArrivalKind { kPoisson, kBursty };

struct ArrivalSpec {
  ArrivalKind kind = ArrivalKind::kPoisson;
  double factor = 4.0;                   // bursty: rate during a burst / rate when calm
  SimTime burst = 100 * kNanosPerMilli;  // bursty: mean length of a burst
  SimTime calm = 400 * kNanosPerMilli;   // bursty: mean time between bursts
};

enum class KeyKind { kNone, kUniform, kZipf };

struct KeySpec {
  KeyKind kind = KeyKind::kNone;
  std::size_t count = 0;
  double exponent = 1.0;  // Zipf: P(key k) ∝ 1 / k^exponent
};

// Which failed attempts go to another server: nginx's proxy_next_upstream (default
// "error timeout") and proxy_next_upstream_tries (0 = no limit).
struct RetryRule {
  bool on_error = true;
  bool on_http_5xx = false;
  int tries = 0;
};

struct SlowdownEvent {
  std::size_t server = 0;
  double factor = 1.0;  // the server's speed is divided by factor
  double at = 0.0;
};

struct PauseSpec {
  std::size_t server = 0;
  SimTime duration = 0;
  SimTime period = 0;
};

enum class FailKind {
  kStatus,  // answers 503: a failure for the balancer only when proxy_next_upstream has http_5xx
  kReset,   // resets the connection: always a failure (proxy_next_upstream "error")
};

struct FailSpec {
  std::size_t server = 0;
  double probability = 0.0;
  FailKind kind = FailKind::kStatus;
  SimTime latency = kNanosPerMilli;
  double from = 0.0;
};

struct MembershipEvent {
  std::size_t server = 0;
  bool add = false;  // false: removed from the upstream
  double at = 0.0;
  config::SourceLocation where;
};

struct PolicySpec {
  std::string name;
  std::vector<config::Argument> args;
  config::SourceLocation where;
  // "random two least_conn": the name and arguments as written, for tables.
  std::string label() const;
};

struct Scenario {
  std::string name;
  std::string title;
  config::SourceLocation where;
  std::int64_t requests = 200000;
  double warmup = 0.05;  // leading fraction of requests left out of every statistic
  double load = 0.5;     // arrival rate / total capacity of the non-backup servers at the start
  SimTime service_mean = 10 * kNanosPerMilli;
  ServiceSpec service;
  ArrivalSpec arrivals;
  int nodes = 1;
  SimTime shared_info_refresh = 0;  // 0: every node sees the others' counts at once
  KeySpec keys;
  RetryRule retry;
  std::vector<ServerSpec> servers;
  std::vector<SlowdownEvent> slowdowns;
  std::vector<PauseSpec> pauses;
  std::vector<FailSpec> failures;
  std::vector<MembershipEvent> membership;
  std::vector<PolicySpec> policies;
};

// Reads every `scenario NAME { … }` block of a file. Throws config::ConfigError naming
// file:line:column.
std::vector<Scenario> load_scenarios(const std::string& path);
std::vector<Scenario> parse_scenarios(const std::string& text, const std::string& file_name);

}  // namespace yoke::sim
