// yoke-loadgen: an open-loop (fixed-rate) or fixed-count HTTP/1.1 keep-alive load generator for
// bench/compare scenario (e) and bench/profile. Prints key=value lines on stdout.
#include <sys/prctl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "load_generator.h"
#include "load_plan.h"

namespace {

// The q-quantile by the nearest-rank method on sorted values, in microseconds.
double quantile_us(const std::vector<std::uint64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<size_t>(q * static_cast<double>(sorted.size()));
  return static_cast<double>(sorted[std::min(rank, sorted.size() - 1)]) / 1000.0;
}

void print_result(yoke::loadgen::LoadResult& result) {
  auto& latencies = result.latencies_ns;
  std::sort(latencies.begin(), latencies.end());
  double sum = 0;
  for (auto value : latencies) sum += static_cast<double>(value);
  std::printf("requests=%zu\nsent=%llu\nerrors=%llu\nnon_2xx=%llu\nunfinished=%llu\n",
              latencies.size(), static_cast<unsigned long long>(result.sent),
              static_cast<unsigned long long>(result.errors),
              static_cast<unsigned long long>(result.non_2xx),
              static_cast<unsigned long long>(result.unfinished));
  std::printf("queued=%llu\nmax_backlog=%zu\nrps=%.1f\n",
              static_cast<unsigned long long>(result.queued), result.max_backlog,
              static_cast<double>(latencies.size()) / result.counted_seconds);
  std::printf("mean_us=%.1f\np50_us=%.1f\np90_us=%.1f\np99_us=%.1f\np999_us=%.1f\nmax_us=%.1f\n",
              latencies.empty() ? 0 : sum / static_cast<double>(latencies.size()) / 1000.0,
              quantile_us(latencies, 0.50), quantile_us(latencies, 0.90),
              quantile_us(latencies, 0.99), quantile_us(latencies, 0.999),
              quantile_us(latencies, 1.0));
  if (!result.first_error.empty()) std::printf("first_error=%s\n", result.first_error.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::fputs(yoke::loadgen::load_plan_usage(), stdout);
    return 0;
  }
  std::string error;
  auto plan = yoke::loadgen::parse_load_plan(argc, argv, error);
  if (!plan) {
    std::fprintf(stderr, "yoke-loadgen: %s\n%s", error.c_str(), yoke::loadgen::load_plan_usage());
    return 2;
  }
  // Timers wake us within 1 µs instead of the default 50 µs slack: requests leave on schedule.
  prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  yoke::loadgen::LoadGenerator generator(*plan);
  if (!generator.open(error)) {
    std::fprintf(stderr, "yoke-loadgen: %s\n", error.c_str());
    return 1;
  }
  auto result = generator.run();
  print_result(result);
  return result.errors == 0 && result.unfinished == 0 && result.non_2xx == 0 ? 0 : 1;
}
