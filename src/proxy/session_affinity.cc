// Session affinity (`sticky cookie`, include/yoke/upstream/session_affinity.h) in the phases
// "choose upstream" and "read response head": which host the request's cookie names, and the
// Set-Cookie that binds the client to the host that answered. The request's Cookie field is
// forwarded unchanged (nginx Plus does not hide its sticky cookie from the server either).
#include <ctime>

#include "client_session.h"

namespace yoke::proxy {

// Once per request, before the first attempt; retries keep the answer (the named host is then
// in tried_ and the policy picks).
const balancing::Host* ClientSession::find_affinity_host() const {
  // $cookie_NAME's reading: the first pair named NAME in the first Cookie field holding one.
  std::string_view value = this->value(router::VariableId::kCookie, affinity_->cookie_name());
  return value.empty() ? nullptr : affinity_->find(value);
}

// A response passed on from a host: Set-Cookie when the client is not yet bound to that host
// (no cookie, an unknown one, or one naming a host that could not take the request), or always
// with expires=TIME. Returns false when the head buffer had no room.
bool ClientSession::append_affinity_cookie(Buffer& out) const {
  if (upstream_ == nullptr) return true;
  const balancing::Host& host = upstream_->host();
  if (!affinity_->sets_cookie(host, affinity_host_)) return true;
  return affinity_->append_set_cookie(host, std::time(nullptr), out);
}

}  // namespace yoke::proxy
