#include "admin/api_input.h"

#include <gtest/gtest.h>

#include <string>

namespace yoke::admin {
namespace {

ApiError error_of(std::string_view body) {
  auto parsed = parse_server_patch(body);
  EXPECT_TRUE(std::holds_alternative<ApiError>(parsed)) << body;
  return std::holds_alternative<ApiError>(parsed) ? std::get<ApiError>(parsed) : ApiError{};
}

ServerPatch patch_of(std::string_view body) {
  auto parsed = parse_server_patch(body);
  EXPECT_TRUE(std::holds_alternative<ServerPatch>(parsed))
      << body << ": " << std::get<ApiError>(parsed).message;
  return std::holds_alternative<ServerPatch>(parsed) ? std::get<ServerPatch>(parsed)
                                                     : ServerPatch{};
}

TEST(ApiInput, ServerPatchFields) {
  ServerPatch patch = patch_of(R"({"weight": 5, "down": false, "drain": true})");
  ASSERT_TRUE(patch.weight.has_value());
  EXPECT_EQ(*patch.weight, 5);
  EXPECT_EQ(patch.down, false);
  EXPECT_EQ(patch.drain, true);
  ServerPatch only_drain = patch_of(R"({"drain": false})");
  EXPECT_FALSE(only_drain.weight.has_value());
  EXPECT_FALSE(only_drain.down.has_value());
  EXPECT_EQ(only_drain.drain, false);
  // null restores the configured weight; 0 and the maximum are weights.
  ServerPatch reset = patch_of(R"({"weight": null})");
  ASSERT_TRUE(reset.weight.has_value());
  EXPECT_FALSE(reset.weight->has_value());
  EXPECT_EQ(*patch_of(R"({"weight": 0})").weight, 0);
  EXPECT_EQ(*patch_of(R"({"weight": 1000000})").weight, 1000000);
}

TEST(ApiInput, ServerPatchErrorsNameTheField) {
  EXPECT_EQ(error_of(R"({"weight": -1})").field, "weight");
  EXPECT_EQ(error_of(R"({"weight": 1000001})").field, "weight");
  EXPECT_EQ(error_of(R"({"weight": 18446744073709551615})").field, "weight");
  EXPECT_EQ(error_of(R"({"weight": 1.5})").field, "weight");
  EXPECT_EQ(error_of(R"({"weight": "3"})").field, "weight");
  EXPECT_EQ(error_of(R"({"down": 1})").field, "down");
  EXPECT_EQ(error_of(R"({"drain": "yes"})").field, "drain");
  const ApiError unknown = error_of(R"({"drain": true, "backup": true})");
  EXPECT_EQ(unknown.field, "backup");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.message.find("unknown field \"backup\""), std::string::npos);
}

TEST(ApiInput, ServerPatchErrorsOfTheWholeBody) {
  for (const char* body : {"", "{", "[1]", "5", "null", "{}", R"({"weight": 1,})", "{} {}"}) {
    const ApiError error = error_of(body);
    EXPECT_EQ(error.status, 400) << body;
    EXPECT_EQ(error.field, "") << body;
    EXPECT_FALSE(error.message.empty()) << body;
  }
  EXPECT_NE(error_of("{").message.find("not valid JSON"), std::string::npos);
  // Deep nesting is refused while parsing, not after building the tree.
  std::string deep = R"({"weight": )" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_NE(error_of(deep).message.find("nested deeper"), std::string::npos);
  // A number beyond a double is nlohmann's out_of_range, an error like any other (fuzzer find).
  EXPECT_EQ(error_of("12e2212e2").status, 400);
  EXPECT_EQ(error_of(R"({"weight": 1e999})").status, 400);
}

TEST(ApiInput, JsonContentType) {
  EXPECT_TRUE(is_json_content_type(""));
  EXPECT_TRUE(is_json_content_type("application/json"));
  EXPECT_TRUE(is_json_content_type("Application/JSON; charset=utf-8"));
  EXPECT_FALSE(is_json_content_type("text/plain"));
  EXPECT_FALSE(is_json_content_type("application/jsonx"));
}

TEST(ApiInput, ServerIndex) {
  EXPECT_EQ(parse_server_index("0"), 0U);
  EXPECT_EQ(parse_server_index("12"), 12U);
  EXPECT_FALSE(parse_server_index("012").has_value());
  EXPECT_FALSE(parse_server_index("-1").has_value());
  EXPECT_FALSE(parse_server_index("1a").has_value());
  EXPECT_FALSE(parse_server_index("").has_value());
  EXPECT_FALSE(parse_server_index("1234567890").has_value());
  EXPECT_FALSE(parse_server_index("127.0.0.1:80").has_value());
}

DenylistAddition addition_of(std::string_view body) {
  auto parsed = parse_denylist_addition(body);
  EXPECT_TRUE(std::holds_alternative<DenylistAddition>(parsed))
      << body << ": " << std::get<ApiError>(parsed).message;
  return std::holds_alternative<DenylistAddition>(parsed) ? std::get<DenylistAddition>(parsed)
                                                          : DenylistAddition{};
}

std::string denylist_error_field(std::string_view body) {
  auto parsed = parse_denylist_addition(body);
  EXPECT_TRUE(std::holds_alternative<ApiError>(parsed)) << body;
  if (!std::holds_alternative<ApiError>(parsed)) return "(accepted)";
  EXPECT_EQ(std::get<ApiError>(parsed).status, 400) << body;
  return std::get<ApiError>(parsed).field;
}

TEST(ApiInput, DenylistAddition) {
  DenylistAddition full =
      addition_of(R"({"address": "203.0.113.0/24", "expires": "10m", "reason": "scan"})");
  EXPECT_EQ(full.prefix.to_string(), "203.0.113.0/24");
  EXPECT_EQ(full.expires_s, 600);
  EXPECT_EQ(full.reason, "scan");
  EXPECT_EQ(addition_of(R"({"address": "::1", "expires": 90})").expires_s, 90);
  EXPECT_EQ(addition_of(R"({"address": "10.0.0.1", "expires": "1h30m"})").expires_s, 5400);
  DenylistAddition bare = addition_of(R"({"address": "2001:db8::/32"})");
  EXPECT_FALSE(bare.expires_s.has_value());
  EXPECT_EQ(bare.prefix.kind, security::IpPrefix::Kind::kIpv6);
}

TEST(ApiInput, DenylistAdditionErrorsNameTheField) {
  EXPECT_EQ(denylist_error_field(R"({"expires": 5})"), "address");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1/8"})"), "address");
  EXPECT_EQ(denylist_error_field(R"({"address": "all"})"), "address");
  EXPECT_EQ(denylist_error_field(R"({"address": "unix:"})"), "address");
  EXPECT_EQ(denylist_error_field(R"({"address": ["10.0.0.1"]})"), "address");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1", "expires": 0})"), "expires");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1", "expires": -1})"), "expires");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1", "expires": 1.5})"), "expires");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1", "expires": "500ms"})"), "expires");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1", "expires": "2y"})"), "expires");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1", "expires": 99999999999})"), "expires");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1", "reason": "a\nb"})"), "reason");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1", "reason": 5})"), "reason");
  EXPECT_EQ(denylist_error_field(R"({"address": "10.0.0.1", "why": "x"})"), "why");
  EXPECT_EQ(denylist_error_field("[1]"), "");
  EXPECT_EQ(denylist_error_field("{"), "");
}

}  // namespace
}  // namespace yoke::admin
