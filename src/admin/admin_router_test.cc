#include "admin/admin_router.h"

#include <gtest/gtest.h>

#include "admin/admin_response.h"

namespace yoke::admin {
namespace {

AdminRouter router_with_token(std::string token) {
  AdminRouter router(std::move(token));
  router.add_get("/healthz", [](const AdminRequest&) { return text_response(200, "ok\n"); });
  router.add_get("/metrics", [](const AdminRequest&) { return text_response(200, "m\n"); });
  return router;
}

std::string header(const AdminResponse& response, const std::string& name) {
  for (const auto& [field, value] : response.headers) {
    if (field == name) return value;
  }
  return "(none)";
}

TEST(AdminRouter, TokenRequiredWhenConfigured) {
  AdminRouter router = router_with_token("abc");
  AdminResponse missing = router.handle({"GET", "/healthz", "", ""});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(header(missing, "WWW-Authenticate"), "Bearer realm=\"yoke\"");
  AdminResponse wrong = router.handle({"GET", "/healthz", "Bearer abd", ""});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(header(wrong, "WWW-Authenticate"), "Bearer realm=\"yoke\", error=\"invalid_token\"");
  EXPECT_EQ(router.handle({"GET", "/healthz", "Bearer ab", ""}).status, 401);
  EXPECT_EQ(router.handle({"GET", "/healthz", "Bearer abcd", ""}).status, 401);
  EXPECT_EQ(router.handle({"GET", "/healthz", "Basic abc", ""}).status, 401);
  // The scheme is case-insensitive (RFC 9110 §11.1), the token is not.
  EXPECT_EQ(router.handle({"GET", "/healthz", "bearer abc", ""}).status, 200);
  EXPECT_EQ(router.handle({"GET", "/healthz", "Bearer ABC", ""}).status, 401);
  // Unknown paths are not revealed before authorization.
  EXPECT_EQ(router.handle({"GET", "/nope", "", ""}).status, 401);
}

TEST(AdminRouter, NoTokenMeansOpen) {
  AdminRouter router = router_with_token("");
  EXPECT_EQ(router.handle({"GET", "/healthz", "", ""}).body, "ok\n");
  EXPECT_EQ(router.handle({"GET", "/healthz", "Bearer anything", ""}).status, 200);
}

TEST(AdminRouter, UnknownPathAndMethod) {
  AdminRouter router = router_with_token("");
  AdminResponse missing = router.handle({"GET", "/metrics/", "", ""});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "404 Not Found: the admin listener serves /healthz, /metrics\n");
  AdminResponse post = router.handle({"POST", "/metrics", "", ""});
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(header(post, "Allow"), "GET, HEAD");
  EXPECT_EQ(router.handle({"HEAD", "/metrics", "", ""}).status, 200);
}

TEST(AdminRouter, PatternsHandTheirSegmentsToTheHandler) {
  std::vector<std::string_view> params;
  EXPECT_TRUE(match_path("/api/v1/upstreams/{name}/servers/{id}",
                         "/api/v1/upstreams/api/servers/127.0.0.1:8080", params));
  ASSERT_EQ(params.size(), 2U);
  EXPECT_EQ(params[0], "api");
  EXPECT_EQ(params[1], "127.0.0.1:8080");
  params.clear();
  // A parameter is one whole, non-empty segment; nothing may follow or be missing.
  EXPECT_FALSE(match_path("/a/{x}", "/a/", params));
  EXPECT_FALSE(match_path("/a/{x}", "/a", params));
  EXPECT_FALSE(match_path("/a/{x}", "/a/b/", params));
  EXPECT_FALSE(match_path("/a/{x}", "/a/b/c", params));
  EXPECT_FALSE(match_path("/a/{x}/c", "/a/b/d", params));
  EXPECT_TRUE(params.empty());  // a failed match leaves nothing behind
  EXPECT_TRUE(match_path("/a/{x}/c", "/a/b/c", params));
  EXPECT_EQ(params, std::vector<std::string_view>{"b"});
  // Without braces a pattern is an exact path.
  params.clear();
  EXPECT_TRUE(match_path("/metrics", "/metrics", params));
  EXPECT_FALSE(match_path("/metrics", "/metrics/", params));
}

TEST(AdminRouter, MethodsPerPatternAndAllow) {
  AdminRouter router("t");
  router.add_get("/healthz", [](const AdminRequest&) { return text_response(200, "ok\n"); });
  router.add_get("/items/{id}", [](const AdminRequest& request) {
    return text_response(200, "get " + std::string(request.params.at(0)));
  });
  router.add_route("PATCH", "/items/{id}", [](const AdminRequest& request) {
    return text_response(
        200, "patch " + std::string(request.params.at(0)) + " " + std::string(request.body));
  });
  AdminRequest get{"GET", "/items/7", "Bearer t", ""};
  EXPECT_EQ(router.handle(get).body, "get 7");
  AdminRequest patch{"PATCH", "/items/7", "Bearer t", "", "{}", "application/json"};
  EXPECT_EQ(router.handle(patch).body, "patch 7 {}");
  AdminResponse remove = router.handle({"DELETE", "/items/7", "Bearer t", ""});
  EXPECT_EQ(remove.status, 405);
  EXPECT_EQ(header(remove, "Allow"), "GET, HEAD, PATCH");
  // The token is checked before any method or path.
  EXPECT_EQ(router.handle({"PATCH", "/items/7", "", ""}).status, 401);
  EXPECT_EQ(router.handle({"GET", "/items", "Bearer t", ""}).status, 404);
}

TEST(AdminResponse, HeadOmitsTheBodyAndCloseIsAnnounced) {
  std::string get;
  append_response(get, text_response(200, "ok\n"), false, false);
  EXPECT_EQ(get.substr(0, 17), "HTTP/1.1 200 OK\r\n");
  EXPECT_NE(get.find("\r\nContent-Length: 3\r\n"), std::string::npos);
  EXPECT_EQ(get.find("Connection: close"), std::string::npos);
  EXPECT_EQ(get.substr(get.size() - 7), "\r\n\r\nok\n");
  std::string head;
  append_response(head, text_response(200, "ok\n"), true, true);
  EXPECT_NE(head.find("\r\nContent-Length: 3\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 21), "Connection: close\r\n\r\n");
}

TEST(AdminRouter, PublicRoutesNeedNoTokenOthersStillDo) {
  AdminRouter router = router_with_token("abc");
  router.add_get(
      "/page", [](const AdminRequest&) { return text_response(200, "page\n"); },
      AdminRouter::Access::kPublic);
  EXPECT_EQ(router.handle({"GET", "/page", "", ""}).status, 200);
  EXPECT_EQ(router.handle({"HEAD", "/page", "Bearer wrong", ""}).status, 200);
  EXPECT_EQ(router.handle({"POST", "/page", "", ""}).status, 401);
  EXPECT_EQ(router.handle({"GET", "/metrics", "", ""}).status, 401);
}

}  // namespace
}  // namespace yoke::admin
