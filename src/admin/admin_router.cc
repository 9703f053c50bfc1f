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

// The segment at the start of text, up to the next '/' (which stays in text).
std::string_view take_segment(std::string_view& text) {
  const std::string_view segment = text.substr(0, text.find('/'));
  text.remove_prefix(segment.size());
  return segment;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

bool match_path(std::string_view pattern, std::string_view path,
                std::vector<std::string_view>& params) {
  if (pattern.find('{') == std::string_view::npos) return pattern == path;
  const std::size_t first_param = params.size();
  bool same = true;
  while (same && !pattern.empty() && !path.empty() && pattern.front() == '/' &&
         path.front() == '/') {
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const std::string_view want = take_segment(pattern);
    const std::string_view have = take_segment(path);
    if (!is_parameter(want)) {
      same = want == have;
    } else if (have.empty()) {
      same = false;
    } else {
      params.push_back(have);
    }
  }
  if (same && pattern.empty() && path.empty()) return true;
  params.resize(first_param);
  return false;
}

AdminResponse text_response(int status, std::string body) {
  AdminResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

void AdminRouter::add_get(std::string path, Handler handler, Access access) {
  add_route("GET", std::move(path), std::move(handler), access);
}

void AdminRouter::add_route(std::string method, std::string pattern, Handler handler,
                            Access access) {
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler), access});
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
    if (read && route.access == Access::kPublic && route.method == "GET" &&
        route.pattern == request.path) {
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
  // HEAD is GET without the body (RFC 9110 §9.3.2); the connection drops the body.
  const std::string_view method = request.method == "HEAD" ? "GET" : request.method;
  std::string allowed;
  AdminRequest matched = request;
  for (const Route& route : routes_) {
    matched.params.clear();
    if (!match_path(route.pattern, request.path, matched.params)) continue;
    if (route.method == method) return route.handler(matched);
    if (allowed.find(route.method) == std::string::npos) {
      allowed += (allowed.empty() ? "" : ", ") + route.method;
      if (route.method == "GET") allowed += ", HEAD";
    }
  }
  if (!allowed.empty()) {
    AdminResponse response = text_response(
        405, "405 Method Not Allowed: " + std::string(request.path) + " answers " + allowed + "\n");
    response.headers.emplace_back("Allow", allowed);
    return response;
  }
  std::string known;
  for (const Route& route : routes_) {
    if (known.find(route.pattern) != std::string::npos) continue;
    known += (known.empty() ? "" : ", ") + route.pattern;
  }
  return text_response(404, "404 Not Found: the admin listener serves " + known + "\n");
}

}  // namespace yoke::admin
