// URI normalization and nginx's proxy_pass URI replacement rules.
#include "yoke/router/uri.h"

#include <gtest/gtest.h>

namespace yoke::router {
namespace {

std::string normalized(std::string_view raw) {
  std::string out;
  return normalize_path(raw, out) ? out : "<rejected>";
}

TEST(NormalizePath, KeepsPlainPaths) {
  EXPECT_EQ(normalized("/"), "/");
  EXPECT_EQ(normalized("/api/items"), "/api/items");
  EXPECT_EQ(normalized("/api/items/"), "/api/items/");
}

TEST(NormalizePath, MergesSlashesAndResolvesDots) {
  EXPECT_EQ(normalized("//api///items"), "/api/items");
  EXPECT_EQ(normalized("/api/./items"), "/api/items");
  EXPECT_EQ(normalized("/api/v1/../v2/x"), "/api/v2/x");
  EXPECT_EQ(normalized("/a/b/.."), "/a/");
  EXPECT_EQ(normalized("/a/."), "/a/");
}

TEST(NormalizePath, DecodesPercentEscapesBeforeMatching) {
  // "/%61pi/" must reach the "/api/" location, and an encoded ".." must not escape it.
  EXPECT_EQ(normalized("/%61pi/x"), "/api/x");
  EXPECT_EQ(normalized("/api/%2e%2e/admin"), "/admin");
  EXPECT_EQ(normalized("/a%20b"), "/a b");
}

TEST(NormalizePath, RejectsWhatNginxRejects) {
  EXPECT_EQ(normalized(""), "<rejected>");
  EXPECT_EQ(normalized("api"), "<rejected>");
  EXPECT_EQ(normalized("/.."), "<rejected>");
  EXPECT_EQ(normalized("/a/../.."), "<rejected>");
  EXPECT_EQ(normalized("/a%00b"), "<rejected>");
  EXPECT_EQ(normalized("/a%zz"), "<rejected>");
  EXPECT_EQ(normalized("/a%4"), "<rejected>");
}

std::string rewritten(std::string_view replacement, std::string_view prefix, std::string_view path,
                      std::string_view query = {}) {
  std::string out;
  rewrite_uri(replacement, prefix, path, query, out);
  return out;
}

// nginx docs, proxy_pass: "If proxy_pass is specified with a URI, then when a request is passed
// to the server, the part of a normalized request URI matching the location is replaced by a
// URI specified in the directive."
TEST(RewriteUri, ReplacesTheMatchedPrefix) {
  EXPECT_EQ(rewritten("/v2/", "/api/", "/api/items"), "/v2/items");
  EXPECT_EQ(rewritten("/", "/api/", "/api/items/7"), "/items/7");
  EXPECT_EQ(rewritten("/v2/", "/api/", "/api/"), "/v2/");
  EXPECT_EQ(rewritten("/v2", "/api", "/api/x"), "/v2/x");
  EXPECT_EQ(rewritten("/v2", "/api/", "/api/x"), "/v2x");  // as nginx: a plain concatenation
}

TEST(RewriteUri, KeepsTheQueryString) {
  EXPECT_EQ(rewritten("/v2/", "/api/", "/api/x", "a=1&b=2"), "/v2/x?a=1&b=2");
}

TEST(RewriteUri, ExactLocationReplacesTheWholePath) {
  EXPECT_EQ(rewritten("/status", "/health", "/health"), "/status");
}

TEST(RewriteUri, EscapesWhatCannotTravelRaw) {
  EXPECT_EQ(rewritten("/v2/", "/api/", "/api/a b"), "/v2/a%20b");
  EXPECT_EQ(rewritten("/v2/", "/api/", "/api/q?x"), "/v2/q%3Fx");
  EXPECT_EQ(rewritten("/v2/", "/api/", "/api/caf\xC3\xA9"), "/v2/caf%C3%A9");
}

}  // namespace
}  // namespace yoke::router
