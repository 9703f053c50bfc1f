#pragma once
// The global sync thread (docs/redis-limits.md): every kSyncPeriod it trades each global zone's
// per-key demand and unused tokens (global_budget.h) for grants from the cluster's buckets in
// Redis, one pipelined round trip per Redis, and sets each zone's mode from whether Redis
// answered: kGlobal, or the zone's redis_fail fallback, with one log line per change. Workers
// never wait for it: they read the budgets' atomic words. Started by the main thread with each
// routing snapshot (src/cli/reload.cc), stopped before the next one starts.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "yoke/limits/global_budget.h"

namespace yoke::limits {

class RedisLink;

// One global limit_req_zone as the sync thread sees it.
struct GlobalZone {
  std::string name;
  std::uint64_t rate_milli = 0;
  std::string host;  // its Redis
  int port = 0;
  std::shared_ptr<GlobalBudget> budget;
};

class GlobalSync {
 public:
  // Main thread. Zones sharing a Redis (host and port) share one connection.
  explicit GlobalSync(std::vector<GlobalZone> zones);
  ~GlobalSync();  // stops the thread if it runs
  GlobalSync(const GlobalSync&) = delete;
  GlobalSync& operator=(const GlobalSync&) = delete;

  // Starts the thread when there is a global zone. Main thread.
  void start();
  // Stops the thread and waits for it (at most one Redis timeout). Main thread.
  void stop();

 private:
  struct Endpoint;

  void run();
  void sync(Endpoint& endpoint, TimePoint now);
  static void collect(Endpoint& endpoint);
  static void settle(Endpoint& endpoint, bool ok);
  static void report(Endpoint& endpoint, bool ok, const std::string& error, TimePoint now);

  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::thread thread_;
  std::mutex mutex_;  // guards stopping_, for the thread's timed wait (never a worker)
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace yoke::limits
