#pragma once
// yoke-loadgen's event loop: one thread, epoll, keep-alive connections opened up front, one
// request in flight per connection (no pipelining). Open loop: requests fall due on a fixed
// schedule; a due request waits in a backlog when every connection is busy, and its latency runs
// from the moment it was due — the coordinated-omission correction of Gil Tene's wrk2, which
// h2load --rps lacks (it times a request from when it was finally sent).
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "load_plan.h"
#include "response_reader.h"

namespace yoke::loadgen {

struct LoadResult {
  std::vector<std::uint64_t> latencies_ns;  // counted requests that got a 2xx answer
  std::uint64_t sent = 0;                   // every request written, warm-up included
  std::uint64_t errors = 0;                 // broken connections and unreadable answers
  std::uint64_t non_2xx = 0;
  std::uint64_t unfinished = 0;  // counted requests still unanswered when the drain ended
  std::uint64_t queued = 0;      // counted requests that had to wait for a free connection
  std::size_t max_backlog = 0;
  double counted_seconds = 0;  // span the counted requests fell due in (or the whole run)
  std::string first_error;
};

class LoadGenerator {
 public:
  explicit LoadGenerator(LoadPlan plan);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Opens every connection; false (and error) when one cannot be opened.
  bool open(std::string& error);
  LoadResult run();

 private:
  struct Connection {
    int fd = -1;
    bool busy = false;
    std::uint64_t due_ns = 0;  // when the request in flight fell due (or was sent)
    ResponseReader reader;
  };

  bool connect(Connection& connection, std::string& error);
  void send(Connection& connection, std::uint64_t due_ns);
  void on_readable(Connection& connection);
  void on_answer(Connection& connection);
  void on_failure(Connection& connection, const std::string& why);
  void make_idle(Connection& connection);
  void dispatch(std::uint64_t due_ns);
  bool counts(std::uint64_t due_ns) const;
  int wait_events(std::uint64_t timeout_ns);
  void run_open_loop();
  void run_fixed_count();

  LoadPlan plan_;
  std::string request_;
  int epoll_fd_ = -1;
  std::vector<Connection> connections_;
  std::deque<Connection*> idle_;
  std::deque<std::uint64_t> backlog_;  // due times of requests waiting for a connection
  std::uint64_t in_flight_ = 0;
  std::uint64_t count_from_ns_ = 0;  // counted window [count_from_ns_, count_until_ns_)
  std::uint64_t count_until_ns_ = 0;
  LoadResult result_;
};

std::uint64_t monotonic_ns();

}  // namespace yoke::loadgen
