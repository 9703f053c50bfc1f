#pragma once
// One connection to the Redis of global rate limits (docs/redis-limits.md), used only by the
// global sync thread. hiredis' blocking API on a thread of its own, bounded by our timeouts:
// connecting waits at most kConnectTimeout and each reply at most kCommandTimeout (hiredis
// sets SO_RCVTIMEO / SO_SNDTIMEO), so Redis being slow or gone delays the next sync, never a
// request. (An adapter of hiredis' async API to the workers' EventLoop would save the thread,
// but one round trip per 50 ms does not need an event loop; hiredis 0.14 has no timeouts of
// its own for the async API either.)
#include <cstdint>
#include <string>
#include <vector>

#include "yoke/core/clock.h"

struct redisContext;

namespace yoke::limits {

inline constexpr Milliseconds kConnectTimeout{500};
inline constexpr Milliseconds kCommandTimeout{250};

// One key's exchange with the shared bucket (global_bucket_script.h).
struct BucketAsk {
  std::string key;  // the Redis key of the bucket
  std::uint64_t rate_milli = 0;
  std::int64_t capacity = 0;
  std::int64_t ask = 0;  // positive: tokens wanted; negative: tokens given back
};

class RedisLink {
 public:
  // node_id: this process's id in the buckets (global_bucket_script.h, "Sharing").
  RedisLink(std::string host, int port, std::string node_id);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // "host:port", for log lines.
  const std::string& endpoint() const { return endpoint_; }

  // Runs the bucket script for every ask in one pipeline (one round trip), connecting first when
  // there is no connection; with no asks, a PING checks that Redis answers. granted[i] is what
  // ask i got. False, with the reason in error, when Redis could not be reached or answered an
  // error; the connection is then dropped and the next call connects again. The caller decides
  // when to call again (reconnect_backoff.h).
  bool exchange(const std::vector<BucketAsk>& asks, std::vector<std::int64_t>& granted,
                std::string& error);

 private:
  bool connect(std::string& error);
  bool load_script(std::string& error);
  bool run_pipeline(const std::vector<BucketAsk>& asks, std::vector<std::size_t>& which,
                    std::vector<std::int64_t>& granted, std::string& error);
  bool ping(std::string& error);
  void drop();

  std::string host_;
  int port_;
  std::string node_id_;
  std::string endpoint_;
  redisContext* context_ = nullptr;
  std::string sha_;  // the script's SHA-1, from SCRIPT LOAD
};

}  // namespace yoke::limits
