// `sticky cookie` in an upstream block: every parameter, and an error at the offending token
// for each kind of mistake.
#include <gtest/gtest.h>

#include "config/config_test_util.h"
#include "yoke/config/model.h"

namespace yoke::config {
namespace {

using testing::load_error;

std::string with_upstream(const std::string& body) {
  return "http {\n  upstream up {\n" + body +
         "\n  }\n  server { location / { proxy_pass http://up; } }\n}\n";
}

StickyCookie load_sticky(const std::string& directive) {
  Config config = load_config_text(with_upstream("server 10.0.0.1;\n" + directive), "t.conf");
  const Upstream& upstream = config.http.upstreams.at(0);
  EXPECT_TRUE(upstream.sticky.has_value());
  return upstream.sticky.value_or(StickyCookie{});
}

// The error for one sticky directive on line 4 of the test file.
std::string sticky_error(const std::string& directive) {
  return load_error(with_upstream("server 10.0.0.1;\n" + directive));
}

TEST(ConfigModelSticky, AbsentByDefault) {
  Config config = load_config_text(with_upstream("server 10.0.0.1;"), "t.conf");
  EXPECT_FALSE(config.http.upstreams.at(0).sticky.has_value());
}

TEST(ConfigModelSticky, NameOnlyIsASessionCookieWithoutAttributes) {
  StickyCookie sticky = load_sticky("sticky cookie srv_id;");
  EXPECT_EQ(sticky.name, "srv_id");
  EXPECT_EQ(sticky.expiry, StickyCookie::Expiry::kSession);
  EXPECT_TRUE(sticky.domain.empty());
  EXPECT_TRUE(sticky.path.empty());
  EXPECT_FALSE(sticky.httponly);
  EXPECT_FALSE(sticky.secure);
  EXPECT_EQ(sticky.samesite, StickyCookie::SameSite::kUnset);
  EXPECT_EQ(sticky.where.line, 4);
  EXPECT_EQ(sticky.where.column, 1);
}

TEST(ConfigModelSticky, EveryParameter) {
  StickyCookie sticky = load_sticky(
      "sticky cookie srv_id expires=1h domain=.example.com path=/app httponly secure "
      "samesite=None;");
  EXPECT_EQ(sticky.expiry, StickyCookie::Expiry::kRelative);
  EXPECT_EQ(sticky.expires, std::chrono::hours(1));
  EXPECT_EQ(sticky.domain, ".example.com");
  EXPECT_EQ(sticky.path, "/app");
  EXPECT_TRUE(sticky.httponly);
  EXPECT_TRUE(sticky.secure);
  EXPECT_EQ(sticky.samesite, StickyCookie::SameSite::kNone);
}

TEST(ConfigModelSticky, ExpiresMaxAndSameSiteValues) {
  EXPECT_EQ(load_sticky("sticky cookie a expires=max;").expiry, StickyCookie::Expiry::kMax);
  EXPECT_EQ(load_sticky("sticky cookie a samesite=strict;").samesite,
            StickyCookie::SameSite::kStrict);
  EXPECT_EQ(load_sticky("sticky cookie a samesite=LAX;").samesite, StickyCookie::SameSite::kLax);
  EXPECT_EQ(load_sticky("sticky cookie a expires=1d12h;").expires, std::chrono::hours(36));
}

TEST(ConfigModelSticky, StickyMayStandAnywhereInTheBlock) {
  Config config =
      load_config_text(with_upstream("sticky cookie a;\nserver 10.0.0.1;\nkeepalive 4;"), "t.conf");
  ASSERT_TRUE(config.http.upstreams.at(0).sticky.has_value());
  EXPECT_EQ(config.http.upstreams.at(0).sticky->name, "a");
}

TEST(ConfigModelSticky, Duplicate) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nsticky cookie a;\n  sticky cookie b;")),
            "t.conf:5:3: \"sticky\" directive is duplicate, first set at t.conf:4:1");
}

TEST(ConfigModelSticky, MethodsOtherThanCookie) {
  EXPECT_EQ(sticky_error("sticky route $route_cookie;"),
            "t.conf:4:8: sticky method \"route\" is not supported, only \"sticky cookie NAME "
            "...\"");
  EXPECT_EQ(sticky_error("sticky learn create=$a lookup=$b zone=z:1m;"),
            "t.conf:4:8: sticky method \"learn\" is not supported, only \"sticky cookie NAME "
            "...\"");
  EXPECT_EQ(sticky_error("sticky cookies a;"),
            "t.conf:4:8: invalid method \"cookies\" in \"sticky\" directive, expected "
            "\"cookie\"");
  EXPECT_EQ(sticky_error("sticky cookie;"),
            "t.conf:4:1: invalid number of arguments in \"sticky\" directive");
}

TEST(ConfigModelSticky, CookieNameMustBeAToken) {
  for (const char* name : {"\"a b\"", "\"a;b\"", "a=b", "\"\"", "\"a\\\"b\"", "caf\xC3\xA9"}) {
    std::string error = sticky_error(std::string("sticky cookie ") + name + ";");
    EXPECT_EQ(error.rfind("t.conf:4:15: invalid cookie name ", 0), 0u) << name << ": " << error;
    EXPECT_NE(error.find("expected a token"), std::string::npos) << error;
  }
}

TEST(ConfigModelSticky, BadExpires) {
  for (const char* value : {"expires=", "expires=0", "expires=500ms", "expires=1500ms",
                            "expires=forever", "expires=2y", "expires=-1"}) {
    std::string error = sticky_error(std::string("sticky cookie a ") + value + ";");
    EXPECT_EQ(error, "t.conf:4:17: invalid value \"" + std::string(value) +
                         "\" in \"sticky\" directive, expected \"max\" or a time in whole "
                         "seconds from 1s to 365d, such as \"1h\"")
        << value;
  }
}

TEST(ConfigModelSticky, BadSameSite) {
  EXPECT_EQ(sticky_error("sticky cookie a samesite=sometimes;"),
            "t.conf:4:17: invalid value \"samesite=sometimes\" in \"sticky\" directive, expected "
            "samesite=strict, samesite=lax or samesite=none");
  EXPECT_EQ(sticky_error("sticky cookie a samesite=;"),
            "t.conf:4:17: invalid value \"samesite=\" in \"sticky\" directive, expected "
            "samesite=strict, samesite=lax or samesite=none");
  EXPECT_EQ(sticky_error("sticky cookie a samesite=none;"),
            "t.conf:4:1: \"sticky\" directive with samesite=none needs \"secure\": browsers "
            "ignore a SameSite=None cookie without the Secure attribute");
}

TEST(ConfigModelSticky, BadDomainOrPath) {
  EXPECT_EQ(sticky_error("sticky cookie a \"path=/a;b\";"),
            "t.conf:4:17: invalid value \"path=/a;b\" in \"sticky\" directive, expected a path "
            "without spaces, control characters, quotes, \\ or \";\"");
  EXPECT_EQ(sticky_error("sticky cookie a \"domain=a b\";"),
            "t.conf:4:17: invalid value \"domain=a b\" in \"sticky\" directive, expected a "
            "domain without spaces, control characters, quotes, \\ or \";\"");
  EXPECT_EQ(sticky_error("sticky cookie a path=;"),
            "t.conf:4:17: invalid value \"path=\" in \"sticky\" directive, expected a path "
            "without spaces, control characters, quotes, \\ or \";\"");
  EXPECT_EQ(sticky_error("sticky cookie a domain=$host;"),
            "t.conf:4:17: invalid parameter \"domain=$host\" in \"sticky\" directive: variables "
            "are not supported in domain=");
}

TEST(ConfigModelSticky, UnknownAndDuplicateParameters) {
  EXPECT_EQ(sticky_error("sticky cookie a httponly max_age=10;"),
            "t.conf:4:26: invalid parameter \"max_age=10\" in \"sticky\" directive, expected "
            "expires=, domain=, path=, httponly, secure or samesite=");
  EXPECT_EQ(sticky_error("sticky cookie a secure=yes;"),
            "t.conf:4:17: invalid parameter \"secure=yes\" in \"sticky\" directive, expected "
            "expires=, domain=, path=, httponly, secure or samesite=");
  EXPECT_EQ(sticky_error("sticky cookie a expires=1h path=/ expires=max;"),
            "t.conf:4:35: duplicate parameter \"expires=max\" in \"sticky\" directive");
  EXPECT_EQ(sticky_error("sticky cookie a secure secure;"),
            "t.conf:4:24: duplicate parameter \"secure\" in \"sticky\" directive");
}

TEST(ConfigModelSticky, NotAllowedOutsideUpstream) {
  EXPECT_EQ(load_error(testing::http_with_server("sticky cookie a;")),
            "t.conf:3:1: \"sticky\" directive is not allowed here");
}

}  // namespace
}  // namespace yoke::config
