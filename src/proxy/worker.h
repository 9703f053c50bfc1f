#pragma once
// A worker thread's world: its event loop, its SO_REUSEPORT listeners, its client connections
// and the pool of sessions serving them, and per upstream its balancer and keep-alive pool. Nothing
// here is shared with other workers; the only inputs from outside are the immutable RouteTable and
// loop.post() tasks.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "access_log.h"
#include "session_pool.h"
#include "upstream_pool.h"
#include "yoke/core/buffer.h"
#include "yoke/core/event_loop.h"
#include "yoke/http1/message.h"
#include "yoke/observe/worker_metrics.h"
#include "yoke/router/route_table.h"
#include "yoke/tls/worker_contexts.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::proxy {

class ClientConnection;
class Listener;

struct UpstreamRuntime {
  std::unique_ptr<upstream::UpstreamBalancer> balancer;
  std::unique_ptr<UpstreamPool> pool;
  upstream::RetryBudget::Local retry_budget;  // this worker's requests not yet deposited
};

// Parse results shared by one worker's sessions: a head is parsed and used within one call,
// so one scratch copy per worker replaces a 3 KiB array per connection.
struct Scratch {
  http1::RequestHead request;
  http1::ResponseHead response;
  std::string text;  // for building URIs and log lines
  std::string key;   // a hashing policy's key, expanded (variables may use `text`)
};

class Worker {
 public:
  Worker(int id, std::shared_ptr<const router::RouteTable> routes);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens this worker's listeners; returns false with error set (e.g. port in use).
  bool open_listeners(std::string& error);
  // Runs the event loop on the calling thread until stopped.
  void run();
  // Thread-safe: stop accepting, let sessions finish; the loop ends when none remain or
  // after grace. immediate: close everything now.
  void request_stop(bool immediate);

  EventLoop& loop() { return loop_; }
  BufferPool& buffers() { return buffers_; }
  Scratch& scratch() { return scratch_; }
  const router::RouteTable& routes() const { return *routes_; }
  UpstreamRuntime& upstream(std::size_t index) { return upstreams_[index]; }
  // This worker's TLS contexts and handshake counters (src/tls/).
  tls::WorkerContexts& tls() { return *tls_; }
  AccessLogWriter* access_log(const std::string& path);
  bool logs_access() const { return !access_logs_.empty(); }
  // This worker's counters (written only here; the admin thread reads them through the handle).
  observe::WorkerMetrics& metrics() { return *metrics_; }
  std::shared_ptr<const observe::WorkerMetrics> metrics_handle() const { return metrics_; }
  int id() const { return id_; }
  bool stopping() const { return stopping_; }

  SessionPool& sessions() { return sessions_; }
  void add_connection(ClientConnection* connection);
  std::size_t connection_count() const { return connection_count_; }
  // worker_connections, or fewer when RLIMIT_NOFILE cannot hold them (cli/fd_budget.h). Set
  // before run().
  int connection_limit() const { return connection_limit_; }
  void set_connection_limit(int limit) { connection_limit_ = limit; }
  void remove_connection(ClientConnection* connection);
  // A connection accepted on listener `listener` closed (its listen … max_conns count).
  void connection_closed(std::uint32_t listener);

 private:
  void begin_stop();
  void check_stopped();

  int id_;
  std::shared_ptr<const router::RouteTable> routes_;
  EventLoop loop_;
  BufferPool buffers_;
  Scratch scratch_;
  SessionPool sessions_{*this};  // after buffers_: spare sessions are deleted first
  std::unique_ptr<tls::WorkerContexts> tls_;
  std::vector<UpstreamRuntime> upstreams_;
  std::shared_ptr<observe::WorkerMetrics> metrics_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::unique_ptr<AccessLogWriter>> access_logs_;
  ClientConnection* connections_ = nullptr;  // intrusive list of open client connections
  std::size_t connection_count_ = 0;
  int connection_limit_;
  bool stopping_ = false;
  Timer grace_timer_;
  class GraceHandler;
  std::unique_ptr<GraceHandler> grace_handler_;
};

}  // namespace yoke::proxy
