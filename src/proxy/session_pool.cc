#include "session_pool.h"

#include <memory>

#include "client_session.h"

namespace yoke::proxy {

SessionPool::~SessionPool() {
  for (ClientSession* session : spare_) delete session;
}

ClientSession* SessionPool::acquire() {
  if (spare_.empty()) return new ClientSession(worker_);
  ClientSession* session = spare_.back();
  spare_.pop_back();
  return session;
}

void SessionPool::release(ClientSession* session, bool reset) {
  if (spare_.size() >= kMaxSpare) {
    delete session;
    return;
  }
  if (reset) {
    std::destroy_at(session);
    std::construct_at(session, worker_);
  }
  spare_.push_back(session);
}

}  // namespace yoke::proxy
