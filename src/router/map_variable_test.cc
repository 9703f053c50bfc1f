// map blocks: nginx's matching order (exact, wildcard hostnames, regexes in order, default),
// regex captures in values, maps of maps, one evaluation per request, and config errors.
#include "yoke/router/map_variable.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "config/config_test_util.h"
#include "yoke/router/user_variables.h"

namespace yoke::router {
namespace {

std::string with_maps(const std::string& maps) {
  return "http {\n" + maps +
         "\n  server { listen 127.0.0.1:8080; location / { return 200; } }\n}\n";
}

// Request fields for the maps' sources: $http_NAME from headers, $host; counts the reads.
class FakeRequest final : public VariableSource {
 public:
  std::string_view value(VariableId id, std::string_view name) const override {
    ++reads;
    if (id == VariableId::kHost) return host;
    if (id == VariableId::kHttpField) {
      const auto found = headers.find(std::string(name));
      return found == headers.end() ? std::string_view() : std::string_view(found->second);
    }
    return {};
  }
  std::string_view forwarded_for() const override { return {}; }
  std::string_view user_value(std::uint32_t index) const override {
    return variables->value(index, *this, cache);
  }

  std::string host;
  std::map<std::string, std::string> headers;
  const UserVariables* variables = nullptr;
  mutable UserValueCache cache;
  mutable int reads = 0;
};

class MapTest : public ::testing::Test {
 protected:
  void load(const std::string& maps) {
    config_ = config::load_config_text(with_maps(maps), "t.conf");
    variables_ = std::make_unique<UserVariables>(config_.http);
    request_.variables = variables_.get();
  }
  // $name's value for a new request.
  std::string value(const std::string& name) {
    request_.cache.begin_request(variables_->names().size(), variables_->geoip2_count());
    return std::string(read(name));
  }
  // $name's value in the current request.
  std::string_view read(const std::string& name) {
    for (std::uint32_t i = 0; i < variables_->names().size(); ++i) {
      if (variables_->names()[i] == name) return request_.user_value(i);
    }
    ADD_FAILURE() << "no variable " << name;
    return {};
  }

  config::Config config_;
  std::unique_ptr<UserVariables> variables_;
  FakeRequest request_;
};

TEST_F(MapTest, ExactThenRegexInOrderThenDefault) {
  load(R"(map $http_x_country $region {
    default us;
    DE eu;
    ~^J ap-first;
    ~^JP ap-second;
    ~*^fr eu-fr;
  })");
  request_.headers["x_country"] = "DE";
  EXPECT_EQ(value("region"), "eu");
  request_.headers["x_country"] = "JP";
  EXPECT_EQ(value("region"), "ap-first");  // the first regex that matches wins
  request_.headers["x_country"] = "FRANCE";
  EXPECT_EQ(value("region"), "eu-fr");  // ~* is case-insensitive
  request_.headers["x_country"] = "de";
  EXPECT_EQ(value("region"), "us");  // exact keys are case-sensitive
  request_.headers.clear();
  EXPECT_EQ(value("region"), "us");
}

TEST_F(MapTest, NoDefaultIsEmpty) {
  load("map $http_x $y { a b; }");
  request_.headers["x"] = "z";
  EXPECT_EQ(value("y"), "");
}

TEST_F(MapTest, CapturesInValues) {
  load(R"(map $http_x_path $backend {
    ~^/api/(v[0-9]+)/(\w+) "$2-$1";
    ~^/(?:static)/(.*)$ static:$1:$0;
    default none;
  })");
  request_.headers["x_path"] = "/api/v2/users/7";
  EXPECT_EQ(value("backend"), "users-v2");
  request_.headers["x_path"] = "/static/a.css";
  EXPECT_EQ(value("backend"), "static:a.css:/static/a.css");
}

TEST_F(MapTest, Hostnames) {
  load(R"(map $host $site {
    hostnames;
    default other;
    example.com exact;
    *.example.com sub;
    .example.org org;
    www.example.* www;
  })");
  request_.host = "Example.COM.";
  EXPECT_EQ(value("site"), "exact");
  request_.host = "a.b.example.com";
  EXPECT_EQ(value("site"), "sub");
  request_.host = "example.org";
  EXPECT_EQ(value("site"), "org");
  request_.host = "x.example.org";
  EXPECT_EQ(value("site"), "org");
  request_.host = "www.example.net";
  EXPECT_EQ(value("site"), "www");
  request_.host = "example.net";
  EXPECT_EQ(value("site"), "other");
}

TEST_F(MapTest, MapOfMapAndOncePerRequest) {
  load(R"(map $http_x_country $continent { DE EU; JP AS; default NA; }
  map $continent $region { EU eu; AS ap; default us; }
  map $region $pool { default "pool-$region"; })");
  request_.headers["x_country"] = "JP";
  EXPECT_EQ(value("pool"), "pool-ap");
  const int reads = request_.reads;
  EXPECT_EQ(read("pool"), "pool-ap");
  EXPECT_EQ(read("region"), "ap");
  EXPECT_EQ(request_.reads, reads);  // cached: no field read again in the same request
  request_.headers["x_country"] = "DE";
  EXPECT_EQ(read("region"), "ap");   // still the same request
  EXPECT_EQ(value("region"), "eu");  // a new one
}

TEST_F(MapTest, CycleGivesEmptyInsteadOfRecursing) {
  load(R"(map $b $a { default "x$b"; }
  map $a $b { default "y$a"; })");
  // $a reads $b, which reads $a while it is being computed: "" there, so $b is "y", $a "xy".
  EXPECT_EQ(value("a"), "xy");
}

TEST(MapConfigTest, Errors) {
  using config::testing::load_error;
  EXPECT_EQ(load_error(with_maps("map $http_x y { }")), "t.conf:2:13: invalid variable name \"y\"");
  EXPECT_EQ(load_error(with_maps("map $http_x $y { a 1; a 2; }")),
            "t.conf:2:23: duplicate map key \"a\", first defined at t.conf:2:18");
  EXPECT_EQ(load_error(with_maps("map $http_x $y { a $nope; }")),
            "t.conf:2:20: unknown \"nope\" variable");
  EXPECT_EQ(load_error(with_maps("map $http_x $y { a $1; }")),
            "t.conf:2:20: unknown \"1\" variable");
  EXPECT_EQ(load_error(with_maps("map $http_x $host { a b; }")),
            "t.conf:2:13: duplicate variable \"$host\"");
  EXPECT_EQ(load_error(with_maps("map $http_x $y { a b; }\nmap $http_z $y { c d; }")),
            "t.conf:3:13: duplicate variable \"$y\"");
}

TEST(MapConfigTest, BadRegexNamesItsLine) {
  const config::Config config =
      config::load_config_text(with_maps("map $http_x $y {\n  ~(a b; }"), "t.conf");
  try {
    UserVariables variables(config.http);
    ADD_FAILURE() << "no error";
  } catch (const config::ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), "t.conf:3:3: invalid regex \"(a\": missing ): (a");
  }
}

TEST(MapConfigTest, VariablesUsableBeforeTheirMap) {
  // A map's variable works in directives written before the map, as in nginx.
  EXPECT_EQ(config::testing::load_error(R"(http {
  server { listen 127.0.0.1:8080; location / { proxy_set_header X-Region $region;
      proxy_pass http://127.0.0.1:9000; } }
  map $http_x $region { default us; }
})"),
            "no error");
}

}  // namespace
}  // namespace yoke::router
