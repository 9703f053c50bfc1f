#pragma once
// What one policy did in one scenario. Latencies are client-observed (arrival to the final
// answer, retries included), of successful requests only, in units of the scenario's mean
// service time.
#include <cstdint>
#include <string>
#include <vector>

namespace yoke::sim {

struct Percentile {
  double quantile;    // e.g. 0.99
  const char* label;  // e.g. "p99"
};

// The percentiles every result carries; the table prints p50, p99, p99.9, the SVG all of them.
inline constexpr Percentile kPercentiles[] = {
    {0.5, "p50"}, {0.9, "p90"}, {0.99, "p99"}, {0.999, "p99.9"}, {0.9999, "p99.99"}};
inline constexpr std::size_t kPercentileCount = std::size(kPercentiles);

struct PolicyResult {
  std::string label;          // policy name and arguments
  std::int64_t measured = 0;  // requests after the warm-up
  std::int64_t succeeded = 0;
  std::vector<double> latency;  // one per kPercentiles entry; empty when nothing succeeded
  double mean_latency = 0;
  // Max over non-backup servers of the time-averaged number of requests at the server (queued
  // + in service), divided by the mean over them. 1 is perfect balance of queues.
  double max_mean_load = 0;
  double error_rate = 0;      // requests whose final answer was an error / measured
  double retry_rate = 0;      // attempts beyond the first / measured
  std::vector<double> share;  // per server: attempts it received / all attempts
  // Per server: time-averaged requests at it (queued + in service) over the measured window.
  std::vector<double> load;
};

}  // namespace yoke::sim
