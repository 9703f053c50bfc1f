#pragma once
// Collects what the result reports while a simulation runs: latencies of measured requests,
// errors, attempts per server, and the servers' load integrals over the measured window.
#include <cstdint>
#include <vector>

#include "result.h"
#include "sim_server.h"
#include "sim_time.h"

namespace yoke::sim {

class Measurements {
 public:
  explicit Measurements(std::size_t servers) : attempts_(servers, 0) {}

  // An attempt of a measured request went to server; retry: it is not the request's first.
  void attempt(std::size_t server, bool retry) {
    ++attempts_[server];
    retries_ += retry ? 1 : 0;
  }
  void request_done(bool measured, bool succeeded, SimTime latency);
  // The measured window of the load integrals: from the first measured arrival to the last.
  void open_window(SimTime now, std::vector<SimServer>& servers);
  void close_window(SimTime now, std::vector<SimServer>& servers);

  // latency_unit: the mean service time; backup: which servers are backups.
  PolicyResult finish(double latency_unit, const std::vector<bool>& backup);

 private:
  std::vector<SimTime> latencies_;
  std::int64_t measured_ = 0;
  std::int64_t errors_ = 0;
  std::int64_t retries_ = 0;
  std::vector<std::int64_t> attempts_;
  std::vector<double> area_start_;
  std::vector<double> area_end_;
  SimTime window_start_ = 0;
  SimTime window_end_ = 0;
};

// Nearest-rank percentile (Hyndman & Fan definition 1) of sorted values; values not empty.
SimTime nearest_rank(const std::vector<SimTime>& sorted, double quantile);

}  // namespace yoke::sim
