// SessionAffinity: the Set-Cookie field line for each configuration, the cookie date, and when
// a response carries Set-Cookie at all.
#include "yoke/upstream/session_affinity.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace yoke::upstream {
namespace {

using balancing::Host;
using balancing::HostSet;

class SessionAffinityTest : public ::testing::Test {
 protected:
  SessionAffinityTest() : hosts_(std::make_shared<HostSet>()) {
    for (const char* address : {"10.0.0.1:80", "10.0.0.2:80"}) {
      Host host;
      host.index = hosts_->hosts.size();
      host.name = address;
      EXPECT_TRUE(SocketAddress::parse_numeric(address, host.address));
      hosts_->hosts.push_back(host);
    }
  }

  // The field line for host 0 at now, as the response head would carry it.
  std::string field(const config::StickyCookie& config, std::time_t now = 0) {
    SessionAffinity affinity(config, hosts_);
    char storage[1024];
    Buffer out(storage, sizeof storage);
    EXPECT_TRUE(affinity.append_set_cookie(hosts_->hosts[0], now, out));
    return std::string(out.readable());
  }

  std::string value() const { return std::string(StickyTable(*hosts_).value_of(hosts_->hosts[0])); }

  std::shared_ptr<HostSet> hosts_;
};

config::StickyCookie cookie(const std::string& name) {
  config::StickyCookie config;
  config.name = name;
  return config;
}

std::string libc_date(std::time_t time) {
  std::tm parts{};
  gmtime_r(&time, &parts);
  char text[64];
  std::size_t length = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return {text, length};
}

TEST(CookieDate, MatchesRfcExampleAndLibc) {
  char date[kCookieDateLength];
  // RFC 9110 §5.6.7's example date.
  format_cookie_date(784111777, date);
  EXPECT_EQ(std::string(date, sizeof date), "Sun, 06 Nov 1994 08:49:37 GMT");
  // A spread of times from 1970 to 2100, against the C library (C locale).
  for (std::time_t time = 0; time < 4102444800; time += 86399 * 37 + 13) {
    format_cookie_date(time, date);
    ASSERT_EQ(std::string(date, sizeof date), libc_date(time)) << time;
  }
}

TEST_F(SessionAffinityTest, SessionCookieCarriesNoAttributes) {
  EXPECT_EQ(field(cookie("srv")), "Set-Cookie: srv=" + value() + "\r\n");
}

TEST_F(SessionAffinityTest, EveryAttributeInOrder) {
  config::StickyCookie config = cookie("route");
  config.expiry = config::StickyCookie::Expiry::kRelative;
  config.expires = std::chrono::hours(1);
  config.domain = ".example.com";
  config.path = "/app";
  config.httponly = true;
  config.secure = true;
  config.samesite = config::StickyCookie::SameSite::kNone;
  EXPECT_EQ(field(config, 784111777),
            "Set-Cookie: route=" + value() +
                "; Expires=Sun, 06 Nov 1994 09:49:37 GMT; Max-Age=3600; Domain=.example.com; "
                "Path=/app; HttpOnly; Secure; SameSite=None\r\n");
}

TEST_F(SessionAffinityTest, ExpiresMaxIsNginxsFixedDate) {
  config::StickyCookie config = cookie("srv");
  config.expiry = config::StickyCookie::Expiry::kMax;
  // The date does not depend on now.
  std::string expected = "Set-Cookie: srv=" + value() +
                         "; Expires=Thu, 31 Dec 2037 23:55:55 GMT; Max-Age=315360000\r\n";
  EXPECT_EQ(field(config, 0), expected);
  EXPECT_EQ(field(config, 1900000000), expected);
  EXPECT_EQ(libc_date(SessionAffinity::kMaxExpires), "Thu, 31 Dec 2037 23:55:55 GMT");
}

TEST_F(SessionAffinityTest, SameSiteSpellings) {
  config::StickyCookie config = cookie("s");
  config.samesite = config::StickyCookie::SameSite::kStrict;
  EXPECT_EQ(field(config), "Set-Cookie: s=" + value() + "; SameSite=Strict\r\n");
  config.samesite = config::StickyCookie::SameSite::kLax;
  config.path = "/";
  EXPECT_EQ(field(config), "Set-Cookie: s=" + value() + "; Path=/; SameSite=Lax\r\n");
}

TEST_F(SessionAffinityTest, RelativeExpiryFollowsNow) {
  config::StickyCookie config = cookie("s");
  config.expiry = config::StickyCookie::Expiry::kRelative;
  config.expires = std::chrono::seconds(90);
  const std::time_t now = 1800000000;
  EXPECT_EQ(field(config, now),
            "Set-Cookie: s=" + value() + "; Expires=" + libc_date(now + 90) + "; Max-Age=90\r\n");
}

TEST_F(SessionAffinityTest, SetCookieOnlyWhenTheClientIsNotBoundToTheHostThatAnswered) {
  SessionAffinity session(cookie("s"), hosts_);
  const Host& a = hosts_->hosts[0];
  const Host& b = hosts_->hosts[1];
  EXPECT_FALSE(session.sets_cookie(a, &a));      // stuck, and it answered
  EXPECT_TRUE(session.sets_cookie(a, nullptr));  // no cookie, or an unknown one
  EXPECT_TRUE(session.sets_cookie(b, &a));       // a could not take it: re-stick to b

  config::StickyCookie sliding = cookie("s");
  sliding.expiry = config::StickyCookie::Expiry::kRelative;
  sliding.expires = std::chrono::hours(1);
  SessionAffinity refreshing(sliding, hosts_);
  EXPECT_TRUE(refreshing.sets_cookie(a, &a));  // expires=TIME slides with every response

  config::StickyCookie fixed = cookie("s");
  fixed.expiry = config::StickyCookie::Expiry::kMax;
  EXPECT_FALSE(SessionAffinity(fixed, hosts_).sets_cookie(a, &a));
}

TEST_F(SessionAffinityTest, FindsTheHostByValue) {
  SessionAffinity session(cookie("s"), hosts_);
  EXPECT_EQ(session.cookie_name(), "s");
  EXPECT_EQ(session.find(session.table().value_of(hosts_->hosts[1])), &hosts_->hosts[1]);
  EXPECT_EQ(session.find("nonsense"), nullptr);
}

TEST_F(SessionAffinityTest, ReportsAFullBuffer) {
  config::StickyCookie config = cookie("srv");
  config.domain = "a-rather-long-domain.example.com";
  SessionAffinity session(config, hosts_);
  const std::size_t full_length = field(config).size();
  for (std::size_t capacity : {std::size_t{0}, std::size_t{10}, full_length - 1}) {
    std::string storage(capacity, '\0');
    Buffer out(storage.data(), capacity);
    EXPECT_FALSE(session.append_set_cookie(hosts_->hosts[0], 0, out)) << capacity;
  }
  std::string storage(full_length, '\0');
  Buffer out(storage.data(), full_length);
  EXPECT_TRUE(session.append_set_cookie(hosts_->hosts[0], 0, out));
}

}  // namespace
}  // namespace yoke::upstream
