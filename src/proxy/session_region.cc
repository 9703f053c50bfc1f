// Phase "choose upstream": the client's region for region_policy nearest (docs/global.md),
// evaluated once per request before the first attempt from the upstream's region_key (typically
// a map of a geoip2 variable); retries reuse it.
#include "client_session.h"
#include "worker.h"

namespace yoke::proxy {

void ClientSession::compute_client_region(const router::UpstreamEntry& entry) {
  client_region_.clear();
  if (entry.region_key.parts.empty()) return;
  router::expand(entry.region_key, *this,
                 [this](std::string_view part) { client_region_.append(part); });
}

}  // namespace yoke::proxy
