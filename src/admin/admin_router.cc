#include "admin/admin_router.h"

#include <cctype>

namespace yoke::admin {
namespace {

// RFC 9110 §11.1: the auth-scheme is case-insensitive.
bool starts_with_bearer(std::string_view value) {
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return false;
  }
  return true;
}

// Compares in time that depends only on the lengths, so response timing does not reveal how
// much of a guessed token was right.
bool same_secret(std::string_view given, std::string_view expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    unsigned char byte = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    difference |= static_cast<unsigned char>(byte ^ static_cast<unsigned char>(expected[i]));
  }
  return difference == 0;
}

}  // namespace

AdminResponse text_response(int status, std::string body) {
  AdminResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

void AdminRouter::add_get(std::string path, Handler handler, Access access) {
  routes_.push_back(Route{std::move(path), std::move(handler), access});
}

bool AdminRouter::authorized(std::string_view authorization) const {
  if (token_.empty()) return true;
  if (!starts_with_bearer(authorization)) return false;
  std::string_view given = authorization.substr(7);
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  return same_secret(given, token_);
}

AdminResponse AdminRouter::handle(const AdminRequest& request) const {
  const bool read = request.method == "GET" || request.method == "HEAD";
  for (const Route& route : routes_) {
    if (read && route.access == Access::kPublic && route.path == request.path) {
      return route.handler(request);
    }
  }
  if (!authorized(request.authorization)) {
    // RFC 6750 §3: a challenge, and error="invalid_token" when a token was presented.
    AdminResponse response = text_response(
        401,
        "401 Unauthorized: send \"Authorization: Bearer TOKEN\" with the token from the "
        "admin block's token_file\n");
    std::string challenge = "Bearer realm=\"yoke\"";
    if (!request.authorization.empty()) challenge += ", error=\"invalid_token\"";
    response.headers.emplace_back("WWW-Authenticate", challenge);
    return response;
  }
  for (const Route& route : routes_) {
    if (route.path != request.path) continue;
    if (request.method == "GET" || request.method == "HEAD") return route.handler(request);
    AdminResponse response =
        text_response(405, "405 Method Not Allowed: " + route.path + " answers GET and HEAD\n");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  std::string known;
  for (const Route& route : routes_) known += (known.empty() ? "" : ", ") + route.path;
  return text_response(404, "404 Not Found: the admin listener serves " + known + "\n");
}

}  // namespace yoke::admin
