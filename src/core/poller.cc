// make_poller: the one place that knows every backend.
#include "yoke/core/poller.h"

#include "core/epoll_poller.h"
#include "core/io_uring_poller.h"

namespace yoke {

std::unique_ptr<Poller> make_poller(PollerKind kind, std::string& error) {
  switch (kind) {
    case PollerKind::kEpoll:
      return EpollPoller::create(error);
    case PollerKind::kIoUring:
      return IoUringPoller::create(error);
  }
  error = "unknown event method";
  return nullptr;
}

}  // namespace yoke
