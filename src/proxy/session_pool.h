#pragma once
// The worker's spare ClientSessions. A session is attached to a connection only while the
// connection has a request in progress, so the number of sessions follows the number of
// concurrent requests, not the number of open connections; reusing them also spares a
// malloc/free and a constructor per connection. Worker thread only.
#include <cstddef>
#include <vector>

namespace yoke::proxy {

class ClientSession;
class Worker;

class SessionPool {
 public:
  explicit SessionPool(Worker& worker) : worker_(worker) {}
  ~SessionPool();
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  ClientSession* acquire();
  // Takes back a session that has nothing in progress. A closed session may be in any state,
  // so it is rebuilt (reset) before it is kept. Sessions beyond the spare limit are deleted,
  // so a burst of concurrent requests does not pin its memory.
  void release(ClientSession* session, bool reset);
  std::size_t spare() const { return spare_.size(); }

 private:
  static constexpr std::size_t kMaxSpare = 64;
  Worker& worker_;
  std::vector<ClientSession*> spare_;
};

}  // namespace yoke::proxy
