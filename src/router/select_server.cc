// Virtual server selection by Host, in nginx's order (ngx_http_find_virtual_server):
// exact name, longest wildcard starting with "*.", longest wildcard ending with ".*", the first
// matching regular expression, then the default server of the address.
#include <re2/re2.h>

#include "yoke/http1/message.h"
#include "yoke/router/route_table.h"

namespace yoke::router {
namespace {

// Host without port, as nginx compares it (lowercase comparison done by iequals).
std::string_view host_name(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    std::size_t end = host.find(']');
    return end == std::string_view::npos ? host : host.substr(0, end + 1);
  }
  std::size_t colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

bool ends_with_nocase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         http1::iequals(text.substr(text.size() - suffix.size()), suffix);
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && http1::iequals(text.substr(0, prefix.size()), prefix);
}

enum class Rank { kNone, kRegex, kTrailing, kLeading, kExact };

// How well name (a server_name entry) matches host, and the wildcard length for ties.
Rank rank_name(std::string_view name, const re2::RE2* pattern, std::string_view host,
               std::size_t& length) {
  length = name.size();
  if (pattern != nullptr) {
    return RE2::PartialMatch(re2::StringPiece(host.data(), host.size()), *pattern) ? Rank::kRegex
                                                                                   : Rank::kNone;
  }
  if (name.starts_with("*."))
    return ends_with_nocase(host, name.substr(1)) ? Rank::kLeading : Rank::kNone;
  if (name.starts_with(".")) {
    bool match = http1::iequals(host, name.substr(1)) || ends_with_nocase(host, name);
    return match ? Rank::kLeading : Rank::kNone;
  }
  if (name.ends_with(".*")) {
    return starts_with_nocase(host, name.substr(0, name.size() - 1)) ? Rank::kTrailing
                                                                     : Rank::kNone;
  }
  return http1::iequals(name, host) ? Rank::kExact : Rank::kNone;
}

}  // namespace

const VirtualServer& RouteTable::select_server(std::size_t listener_index,
                                               std::string_view host) const {
  const ListenerSpec& listener = listeners_[listener_index];
  if (listener.servers.size() == 1 || host.empty()) return *listener.default_server;
  std::string_view name = host_name(host);
  const VirtualServer* best = nullptr;
  Rank best_rank = Rank::kNone;
  std::size_t best_length = 0;
  for (const VirtualServer* server : listener.servers) {
    const auto& names = server->config->server_names;
    for (std::size_t i = 0; i < names.size(); ++i) {
      std::size_t length = 0;
      Rank rank = rank_name(names[i], server->name_patterns[i].get(), name, length);
      bool better = rank > best_rank || (rank == best_rank && rank != Rank::kRegex &&
                                         rank != Rank::kNone && length > best_length);
      if (better) {
        best = server;
        best_rank = rank;
        best_length = length;
      }
    }
  }
  return best != nullptr ? *best : *listener.default_server;
}

}  // namespace yoke::router
