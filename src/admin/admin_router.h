#pragma once
// What the admin listener answers, without any I/O: a request (method, path, the fields it
// needs, its body) in, a response out. Authorization comes first (RFC 6750 bearer tokens), then
// the path (404 for an unknown one), then the method (405 with Allow: for a known path).
// Paths are exact, or patterns whose `{name}` segments match one whole non-empty segment each
// and are handed to the handler in order (AdminRequest::params). Admin thread only; handlers
// run on it and may block briefly (reading /proc).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace yoke::admin {

struct AdminRequest {
  AdminRequest() = default;
  // Positional, so that {method, path, authorization, accept} keeps working as fields are added.
  AdminRequest(std::string_view method_in, std::string_view path_in,
               std::string_view authorization_in = {}, std::string_view accept_in = {},
               std::string_view body_in = {}, std::string_view content_type_in = {})
      : method(method_in),
        path(path_in),
        authorization(authorization_in),
        accept(accept_in),
        body(body_in),
        content_type(content_type_in) {}

  std::string_view method;
  std::string_view path;           // without the query
  std::string_view authorization;  // the Authorization field value, empty when absent
  std::string_view accept;         // the Accept field value, empty when absent
  std::string_view body;           // the request body (Content-Length framed), empty if none
  std::string_view content_type;   // the Content-Type field value, empty when absent
  // The path's `{name}` segments, in pattern order (filled by the router).
  std::vector<std::string_view> params;
};

struct AdminResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields (Allow, …)
};

class AdminRouter {
 public:
  using Handler = std::function<AdminResponse(const AdminRequest&)>;

  // token: the bearer token every request must present; empty = none needed.
  explicit AdminRouter(std::string token) : token_(std::move(token)) {}

  // Who may fetch a route: kToken needs the bearer token (when one is configured); kPublic is
  // for pages that hold no data (the dashboard's HTML, which a browser fetches by navigating
  // and so cannot send a bearer token; everything it shows comes from token routes). Public
  // routes are exact GET paths.
  enum class Access : std::uint8_t { kToken, kPublic };

  // Serves path (exact match, or a pattern) for GET and HEAD (HEAD answers GET's head without
  // the body).
  void add_get(std::string path, Handler handler, Access access = Access::kToken);
  // Serves pattern for method ("GET" also answers HEAD; "POST", "PATCH", "DELETE", …).
  void add_route(std::string method, std::string pattern, Handler handler,
                 Access access = Access::kToken);
  AdminResponse handle(const AdminRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    Access access = Access::kToken;
  };
  bool authorized(std::string_view authorization) const;

  std::string token_;
  std::vector<Route> routes_;
};

// Whether path matches pattern; each `{name}` segment's value is appended to params.
bool match_path(std::string_view pattern, std::string_view path,
                std::vector<std::string_view>& params);

// A small plain-text answer such as 404's.
AdminResponse text_response(int status, std::string body);

}  // namespace yoke::admin
