// Session affinity (`sticky cookie`, include/yoke/upstream/session_affinity.h) in the phases
// "choose upstream" and "read response head": which host the request's cookie names, and the
// Set-Cookie that binds the client to the host that answered. The request's Cookie field is
// forwarded unchanged (nginx Plus does not hide its sticky cookie from the server either).
#include <ctime>

#include "client_session.h"
#include "worker.h"

namespace yoke::proxy {

// Once per request, before the first attempt; retries keep the answer (the named host is then
// in tried_ and the policy picks).
void ClientSession::find_affinity_host(const router::UpstreamEntry& entry) {
  affinity_host_ = nullptr;
  if (entry.affinity == nullptr) return;
  // $cookie_NAME's reading: the first pair named NAME in the first Cookie field holding one.
  std::string_view value = this->value(router::VariableId::kCookie, entry.affinity->cookie_name());
  if (!value.empty()) affinity_host_ = entry.affinity->find(value);
}

// A response passed on from a host: Set-Cookie when the client is not yet bound to that host
// (no cookie, an unknown one, or one naming a host that could not take the request), or always
// with expires=TIME. Returns false when the head buffer had no room.
bool ClientSession::append_affinity_cookie(Buffer& out) const {
  const router::UpstreamEntry& entry = worker_.routes().upstreams()[route_->upstream];
  if (entry.affinity == nullptr || upstream_ == nullptr) return true;
  const balancing::Host& host = upstream_->host();
  if (!entry.affinity->sets_cookie(host, affinity_host_)) return true;
  return entry.affinity->append_set_cookie(host, std::time(nullptr), out);
}

}  // namespace yoke::proxy
