#pragma once
// A worker thread's world: its event loop, its SO_REUSEPORT listeners, its client connections
// and the pool of sessions serving them, and the generation built from the newest routing
// snapshot (worker_generation.h: per upstream its balancer and keep-alive pool, TLS contexts,
// counters). Nothing here is shared with other workers; the only inputs from outside are the
// immutable RouteTable and loop.post() tasks (stop, TLS ticket keys, a reload's new generation).
#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "access_log.h"
#include "session_pool.h"
#include "upstream_pool.h"
#include "worker_generation.h"
#include "yoke/core/buffer.h"
#include "yoke/core/event_loop.h"
#include "yoke/http1/message.h"
#include "yoke/observe/worker_metrics.h"
#include "yoke/router/route_table.h"
#include "yoke/security/deny_table.h"
#include "yoke/tls/worker_contexts.h"
#include "yoke/upstream/upstream_balancer.h"

namespace yoke::proxy {

class ClientConnection;
class Listener;

// $connection: the next connection serial number. One relaxed atomic increment per accepted
// connection (nginx's ngx_connection_counter is shared the same way), never per request.
std::uint64_t next_connection_number();

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
  // inherited (binary upgrade; may be empty): a socket already bound to an address, or -1.
  using InheritedSocket = std::function<int(const SocketAddress&)>;
  bool open_listeners(std::string& error, const InheritedSocket& inherited = {});
  // Before run(): one more listening socket for listener index (an inherited socket beyond one
  // per worker). False with error when it cannot be watched.
  bool add_listener(std::size_t index, int fd, std::string& error);
  // Thread-safe (binary upgrade): duplicates of this worker's listening sockets, made on its
  // thread; the caller owns them.
  std::future<std::vector<int>> request_listener_copies();
  // Runs the event loop on the calling thread until stopped.
  void run();
  // Thread-safe: stop accepting, let sessions finish; the loop ends when none remain or
  // after grace. immediate: close everything now.
  void request_stop(bool immediate);
  // Thread-safe (main thread, `yoke -s drain`): keep accepting, but every connection, open or
  // new, closes after its next response (Connection: close), so that clients reconnect to
  // whichever node holds the virtual IP by then (cli/drain.h).
  void request_node_drain();
  // Worker thread: whether request_node_drain() has been applied.
  bool node_draining() const { return node_draining_; }
  // Thread-safe (main thread, reload): serve new requests from next. opened holds, per
  // listener of next's routes, a new socket for an address the current generation does not
  // listen on, or -1 where the current socket is kept. Listeners whose address next lacks are
  // closed and their connections drain (answer one more request with Connection: close, or
  // close after kDrainIdleGrace idle).
  void request_reload(WorkerGenerationPtr next, std::vector<int> opened);

  EventLoop& loop() { return loop_; }
  BufferPool& buffers() { return buffers_; }
  Scratch& scratch() { return scratch_; }
  // The newest generation: what a new connection or request starts on. A request in
  // progress uses its connection's generation instead (ClientConnection::generation()).
  const WorkerGenerationPtr& generation() const { return current_; }
  const router::RouteTable& routes() const { return current_->routes(); }
  // This worker's TLS contexts of the newest generation (src/tls/).
  tls::WorkerContexts& tls() { return current_->tls(); }
  // Thread-safe: flush every access log and open its path anew (SIGUSR1, logrotate).
  void reopen_logs();
  // This worker's counters of the newest generation (written only here; the admin thread reads
  // them through the handle).
  observe::WorkerMetrics& metrics() { return current_->metrics(); }
  std::shared_ptr<const observe::WorkerMetrics> metrics_handle() const {
    return current_->metrics_handle();
  }
  int id() const { return id_; }
  bool stopping() const { return stopping_; }

  SessionPool& sessions() { return sessions_; }
  void add_connection(ClientConnection* connection);
  std::size_t connection_count() const { return connection_count_; }
  // worker_connections, or fewer when RLIMIT_NOFILE cannot hold them (cli/fd_budget.h). Set
  // before run().
  int connection_limit() const {
    return connection_limit_ >= 0 ? connection_limit_ : routes().config().worker_connections;
  }
  void set_connection_limit(int limit) { connection_limit_ = limit; }
  // The runtime deny list (admin/denylist_store.h), null while it is empty: the accept path's
  // check is then this load and a branch. Set on the worker's thread (a task the admin thread
  // posts), or before run().
  const security::DenyTable* deny_table() const { return deny_table_.get(); }
  void set_deny_table(std::shared_ptr<const security::DenyTable> table) {
    deny_table_ = std::move(table);
  }
  // The entry of table holding address now, counted as a hit, or null. Worker thread.
  const security::DenyEntry* denied(const security::DenyTable& table, const sockaddr* address);
  void remove_connection(ClientConnection* connection);

 private:
  void begin_stop();
  void check_stopped();
  void adopt(WorkerGenerationPtr next, const std::vector<int>& opened);  // worker_reload.cc
  bool watch_listener(std::unique_ptr<Listener> listener, std::string& error);
  void open_log_files();  // for current_ (worker_log_files.cc)
  void flush_log_files();

  int id_;
  WorkerGenerationPtr current_;
  EventLoop loop_;
  BufferPool buffers_;
  Scratch scratch_;
  SessionPool sessions_{*this};  // after buffers_: spare sessions are deleted first
  std::vector<std::unique_ptr<Listener>> listeners_;
  // One per path, kept across reloads (paths a reload dropped stay open until the worker
  // ends); each generation maps its RouteTable::log_files() indexes onto these.
  std::vector<std::unique_ptr<AccessLogFile>> log_files_;
  ClientConnection* connections_ = nullptr;  // intrusive list of open client connections
  std::size_t connection_count_ = 0;
  int connection_limit_ = -1;  // -1: the configuration's worker_connections
  std::shared_ptr<const security::DenyTable> deny_table_;
  bool stopping_ = false;
  bool node_draining_ = false;
  Timer grace_timer_;
  class GraceHandler;
  std::unique_ptr<GraceHandler> grace_handler_;
};

}  // namespace yoke::proxy
