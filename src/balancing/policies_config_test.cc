// The issue-4 policies as a configuration file spells them: accepted forms, the errors nginx
// users would expect (ip_hash, hash and random have no backup servers; least_pending has no
// weights), and messages at file:line:column.
#include <gtest/gtest.h>

#include <string>

#include "config/config_test_util.h"
#include "yoke/config/model.h"

namespace yoke::balancing {
namespace {

using config::testing::load_error;

std::string with_upstream(const std::string& body) {
  return "http {\n  upstream up {\n" + body +
         "\n  }\n  server { location / { proxy_pass http://up; } }\n}\n";
}

TEST(PolicyDirectives, AcceptedForms) {
  for (const char* policy :
       {"least_conn;", "least_pending;", "ip_hash;", "hash $remote_addr;",
        "hash $http_x_user consistent;", "hash $cookie_session maglev;",
        "hash \"$request_uri:$arg_id\" maglev balance_factor=1.25;",
        "hash $remote_addr consistent balance_factor=2;", "random;", "random two;",
        "random two least_conn;", "random two least_time=header;",
        "random two least_time=last_byte;", "least_time header;", "least_time last_byte inflight;",
        "ewma;", "ewma decay=5s penalty=200ms;"}) {
    const bool weighted = std::string(policy) != "least_pending;";
    EXPECT_EQ(load_error(with_upstream(std::string(policy) + "\nserver 10.0.0.1" +
                                       (weighted ? " weight=2;" : ";") + "\nserver 10.0.0.2;")),
              "no error")
        << policy;
  }
}

TEST(PolicyDirectives, BackupServersFollowNginx) {
  for (const char* policy :
       {"ip_hash;", "hash $remote_addr;", "hash $remote_addr maglev;", "random two;"}) {
    const std::string error =
        load_error(with_upstream(std::string(policy) + "\nserver 10.0.0.1;\nserver 10.0.0.2 "
                                                       "backup;"));
    EXPECT_NE(error.find("t.conf:5:17: parameter \"backup\" is not supported by balancing "
                         "policy"),
              std::string::npos)
        << error;
  }
  for (const char* policy : {"least_conn;", "least_pending;", "least_time header;", "ewma;"}) {
    EXPECT_EQ(load_error(with_upstream(std::string(policy) + "\nserver 10.0.0.1;\nserver "
                                                             "10.0.0.2 backup;")),
              "no error")
        << policy;
  }
}

TEST(PolicyDirectives, IpHashWithBackupNamesBoth) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nserver 10.0.0.2 backup;\nip_hash;")),
            "t.conf:4:17: parameter \"backup\" is not supported by balancing policy \"ip_hash\" "
            "set at t.conf:5:1, which has no backup servers");
}

TEST(PolicyDirectives, LeastPendingRejectsWeights) {
  EXPECT_EQ(load_error(with_upstream("least_pending;\nserver 10.0.0.1 weight=5;")),
            "t.conf:4:17: parameter \"weight=5\" is not supported by balancing policy "
            "\"least_pending\" set at t.conf:3:1, which ignores weights");
}

TEST(PolicyDirectives, ArgumentErrorsAtTheDirective) {
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhash;")),
            "t.conf:4:1: hash needs a key, e.g. \"hash $remote_addr;\" or \"hash $cookie_session "
            "consistent;\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhash $remote_addr balance_factor=1.5;")),
            "t.conf:4:1: balance_factor needs \"consistent\" or \"maglev\": a plain hash has no "
            "key order to walk when a server is full");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nleast_time;")),
            "t.conf:4:1: least_time takes \"header\" or \"last_byte\", then optionally "
            "\"inflight\" (e.g. \"least_time header inflight;\")");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhash $http_x_user $nope;")),
            "t.conf:4:1: invalid parameter \"$nope\" in hash: expected \"consistent\", "
            "\"maglev\" or \"balance_factor=F\"");
  EXPECT_EQ(load_error(with_upstream("server 10.0.0.1;\nhash $nope consistent;")),
            "t.conf:4:6: unknown \"nope\" variable");
}

}  // namespace
}  // namespace yoke::balancing
