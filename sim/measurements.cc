#include "measurements.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace yoke::sim {

SimTime nearest_rank(const std::vector<SimTime>& sorted, double quantile) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void Measurements::request_done(bool measured, bool succeeded, SimTime latency) {
  if (!measured) return;
  ++measured_;
  if (succeeded) {
    latencies_.push_back(latency);
  } else {
    ++errors_;
  }
}

void Measurements::open_window(SimTime now, std::vector<SimServer>& servers) {
  area_start_.clear();
  for (SimServer& server : servers) {
    server.change_load(now, 0);
    area_start_.push_back(server.area);
  }
  window_start_ = now;
}

void Measurements::close_window(SimTime now, std::vector<SimServer>& servers) {
  area_end_.clear();
  for (SimServer& server : servers) {
    server.change_load(now, 0);
    area_end_.push_back(server.area);
  }
  window_end_ = now;
}

namespace {

// Max over non-backup servers of the mean queue length, over its mean.
double max_over_mean(const std::vector<double>& loads, const std::vector<bool>& backup) {
  double total = 0;
  double most = 0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < loads.size(); ++i) {
    if (backup[i]) continue;
    total += loads[i];
    most = std::max(most, loads[i]);
    ++count;
  }
  return total > 0 ? most / (total / static_cast<double>(count)) : 0;
}

}  // namespace

PolicyResult Measurements::finish(double latency_unit, const std::vector<bool>& backup) {
  PolicyResult result;
  result.measured = measured_;
  result.succeeded = static_cast<std::int64_t>(latencies_.size());
  std::sort(latencies_.begin(), latencies_.end());
  if (!latencies_.empty()) {
    for (const Percentile& percentile : kPercentiles) {
      result.latency.push_back(static_cast<double>(nearest_rank(latencies_, percentile.quantile)) /
                               latency_unit);
    }
    const double sum =
        std::accumulate(latencies_.begin(), latencies_.end(), 0.0,
                        [](double a, SimTime b) { return a + static_cast<double>(b); });
    result.mean_latency = sum / static_cast<double>(latencies_.size()) / latency_unit;
  }
  const std::int64_t attempts =
      std::accumulate(attempts_.begin(), attempts_.end(), std::int64_t{0});
  for (const std::int64_t count : attempts_) {
    result.share.push_back(attempts > 0 ? static_cast<double>(count) / static_cast<double>(attempts)
                                        : 0);
  }
  if (measured_ > 0) {
    result.error_rate = static_cast<double>(errors_) / static_cast<double>(measured_);
    result.retry_rate = static_cast<double>(retries_) / static_cast<double>(measured_);
  }
  std::vector<double> loads;
  const auto window = static_cast<double>(std::max<SimTime>(window_end_ - window_start_, 1));
  for (std::size_t i = 0; i < area_end_.size(); ++i)
    loads.push_back((area_end_[i] - area_start_[i]) / window);
  result.max_mean_load = max_over_mean(loads, backup);
  result.load = std::move(loads);
  return result;
}

}  // namespace yoke::sim
