// Location selection in nginx's order (ngx_http_core_find_location and the "location"
// directive docs): an exact match wins at once; otherwise the longest matching prefix is
// remembered; if it is a "^~" prefix the search stops; otherwise regular expressions are
// tried in configuration order and the first match wins; failing that, the longest prefix.
#include <re2/re2.h>

#include "yoke/router/route_table.h"

namespace yoke::router {

const Route* RouteTable::select_route(const VirtualServer& server, std::string_view path) const {
  const Route* longest = nullptr;
  std::size_t longest_length = 0;
  for (const Route& route : server.routes) {
    const config::Location& location = *route.config;
    switch (location.match) {
      case config::LocationMatch::kExact:
        if (path == location.pattern) return &route;
        break;
      case config::LocationMatch::kPrefix:
      case config::LocationMatch::kPreferPrefix:
        if (path.starts_with(location.pattern) &&
            (longest == nullptr || location.pattern.size() > longest_length)) {
          longest = &route;
          longest_length = location.pattern.size();
        }
        break;
      default:
        break;
    }
  }
  if (longest != nullptr && longest->config->match == config::LocationMatch::kPreferPrefix) {
    return longest;
  }
  for (const Route& route : server.routes) {
    if (route.regex &&
        RE2::PartialMatch(re2::StringPiece(path.data(), path.size()), *route.regex)) {
      return &route;
    }
  }
  return longest;
}

}  // namespace yoke::router
