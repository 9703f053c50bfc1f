#include "yoke/core/poller_kind.h"

#include <array>

namespace yoke {
namespace {

// Indexed by PollerKind.
constexpr std::array<std::string_view, 2> kNames = {"epoll", "io_uring"};

}  // namespace

std::string_view poller_name(PollerKind kind) { return kNames.at(static_cast<std::size_t>(kind)); }

std::optional<PollerKind> find_poller(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<PollerKind>(i);
  }
  return std::nullopt;
}

std::span<const std::string_view> poller_names() { return kNames; }

}  // namespace yoke
