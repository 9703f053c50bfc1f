#pragma once
// What the admin listener answers, without any I/O: a request (method, path, the fields it
// needs) in, a response out. Authorization comes first (RFC 6750 bearer tokens), then the path
// (404 for an unknown one), then the method (405 with Allow: for a known path). Admin thread
// only; handlers run on it and may block briefly (reading /proc).
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace yoke::admin {

struct AdminRequest {
  std::string_view method;
  std::string_view path;           // without the query
  std::string_view authorization;  // the Authorization field value, empty when absent
  std::string_view accept;         // the Accept field value, empty when absent
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
  // and so cannot send a bearer token; everything it shows comes from token routes).
  enum class Access : std::uint8_t { kToken, kPublic };

  // Serves path (exact match) for GET and HEAD (HEAD answers GET's head without the body).
  void add_get(std::string path, Handler handler, Access access = Access::kToken);
  AdminResponse handle(const AdminRequest& request) const;

 private:
  struct Route {
    std::string path;
    Handler handler;
    Access access = Access::kToken;
  };
  bool authorized(std::string_view authorization) const;

  std::string token_;
  std::vector<Route> routes_;
};

// A small plain-text answer such as 404's.
AdminResponse text_response(int status, std::string body);

}  // namespace yoke::admin
