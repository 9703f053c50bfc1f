#pragma once
// The readiness backends an EventLoop can run on, named as in `events { use NAME; }` (nginx's
// "connection processing methods"). Kept apart from the Poller interface so that the config
// model can name a backend without seeing the event loop.
#include <optional>
#include <span>
#include <string_view>

namespace yoke {

enum class PollerKind {
  kEpoll,    // epoll(7), edge-triggered: the default
  kIoUring,  // io_uring(7) multishot poll requests, one batched io_uring_enter per iteration
};

// "epoll" or "io_uring".
std::string_view poller_name(PollerKind kind);
// The kind called name, or nullopt for an unknown name.
std::optional<PollerKind> find_poller(std::string_view name);
// Every name find_poller accepts, in documentation order.
std::span<const std::string_view> poller_names();

}  // namespace yoke
