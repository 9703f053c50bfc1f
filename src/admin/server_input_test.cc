// The body of POST /api/v1/upstreams/NAME/servers: a server line's parameters as JSON fields.
#include "admin/server_input.h"

#include <gtest/gtest.h>

#include "yoke/config/upstream_members.h"

namespace yoke::admin {
namespace {

ApiError error_of(std::string_view body) {
  auto parsed = parse_new_server(body);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return *error;
  return ApiError{0, "", "accepted"};
}

TEST(NewServerInput, EveryFieldBecomesItsParameter) {
  auto parsed = parse_new_server(
      R"({"address": "127.0.0.1:8081", "weight": 2, "backup": false, "zone": "a",
          "max_fails": 3, "fail_timeout": "5s", "max_conns": 10, "priority": 1,
          "slow_start": "10s", "down": true})");
  ASSERT_TRUE(std::holds_alternative<config::UpstreamServer>(parsed))
      << std::get<ApiError>(parsed).message;
  const auto& server = std::get<config::UpstreamServer>(parsed);
  // nlohmann::json keeps an object's fields sorted by name.
  EXPECT_EQ(config::server_line(server),
            "server 127.0.0.1:8081 down fail_timeout=5s max_conns=10 max_fails=3 priority=1 "
            "slow_start=10s weight=2 zone=a;");
  EXPECT_EQ(server.addresses.front().to_string(), "127.0.0.1:8081");
}

TEST(NewServerInput, OnlyTheAddressIsRequired) {
  auto parsed = parse_new_server(R"({"address": "[::1]:9000"})");
  ASSERT_TRUE(std::holds_alternative<config::UpstreamServer>(parsed));
  EXPECT_EQ(std::get<config::UpstreamServer>(parsed).weight, 1);
}

TEST(NewServerInput, ErrorsNameTheField) {
  EXPECT_EQ(error_of("{}").field, "address");
  EXPECT_EQ(error_of(R"({"address": 8081})").field, "address");
  EXPECT_EQ(error_of(R"({"address": "backend.example:80"})").field, "address");
  EXPECT_EQ(error_of(R"({"address": "127.0.0.1:99999"})").field, "address");
  EXPECT_EQ(error_of(R"({"address": "127.0.0.1:1", "weight": 0})").field, "weight");
  EXPECT_EQ(error_of(R"({"address": "127.0.0.1:1", "weight": "2"})").field, "weight");
  EXPECT_EQ(error_of(R"({"address": "127.0.0.1:1", "slow_start": "soon"})").field, "slow_start");
  EXPECT_EQ(error_of(R"({"address": "127.0.0.1:1", "slow_start": 10})").field, "slow_start");
  EXPECT_EQ(error_of(R"({"address": "127.0.0.1:1", "backup": "yes"})").field, "backup");
  EXPECT_EQ(error_of(R"({"address": "127.0.0.1:1", "zone": ""})").field, "zone");
  EXPECT_EQ(error_of(R"({"address": "127.0.0.1:1", "priority": 101})").field, "priority");
  EXPECT_EQ(error_of(R"({"address": "127.0.0.1:1", "drain": true})").field, "drain");
  EXPECT_EQ(error_of("[1]").status, 400);
  EXPECT_EQ(error_of("{\"address\": ").status, 400);
}

TEST(NewServerInput, MessagesDoNotCarryAConfigurationLocation) {
  const ApiError error = error_of(R"({"address": "127.0.0.1:1", "weight": 0})");
  EXPECT_EQ(error.message.find("request body:"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("weight"), std::string::npos) << error.message;
}

}  // namespace
}  // namespace yoke::admin
