#include "admin/server_input.h"

#include <string>
#include <vector>

#include "yoke/config/ast.h"
#include "yoke/config/upstream_members.h"

namespace yoke::admin {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kSource = "request body";
constexpr std::string_view kFields =
    "\"address\", \"weight\", \"max_fails\", \"fail_timeout\", \"max_conns\", \"slow_start\", "
    "\"zone\", \"priority\", \"backup\" and \"down\"";

enum class FieldKind : std::uint8_t { kInteger, kText, kFlag };

struct FieldRule {
  std::string_view name;
  FieldKind kind;
};

// Each field is the `server` parameter of the same name (config/upstream_server.cc).
constexpr FieldRule kRules[] = {
    {"weight", FieldKind::kInteger},    {"max_fails", FieldKind::kInteger},
    {"max_conns", FieldKind::kInteger}, {"priority", FieldKind::kInteger},
    {"fail_timeout", FieldKind::kText}, {"slow_start", FieldKind::kText},
    {"zone", FieldKind::kText},         {"backup", FieldKind::kFlag},
    {"down", FieldKind::kFlag},
};

ApiError field_error(std::string field, std::string message) {
  return ApiError{400, std::move(field), std::move(message)};
}

const FieldRule* rule_of(const std::string& name) {
  for (const FieldRule& rule : kRules) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

// The `server` parameter a field stands for ("weight=2", "backup"), empty for `false` flags,
// or the error when the JSON type is wrong.
std::variant<std::string, ApiError> parameter_of(const FieldRule& rule, const Json& value) {
  const std::string name(rule.name);
  switch (rule.kind) {
    case FieldKind::kInteger:
      if (!value.is_number_integer())
        return field_error(name, "\"" + name + "\" must be an integer");
      return name + "=" + value.dump();
    case FieldKind::kText:
      if (!value.is_string()) {
        return field_error(name, "\"" + name + "\" must be a string" +
                                     (name == "zone" ? "" : " such as \"10s\" or \"500ms\""));
      }
      return name + "=" + value.get<std::string>();
    case FieldKind::kFlag:
      if (!value.is_boolean()) return field_error(name, "\"" + name + "\" must be true or false");
      return value.get<bool>() ? name : std::string();
  }
  return std::string();
}

// The configuration's reader on `server ADDRESS PARAMETERS;`; its message without the
// "request body:1:N: " prefix, which means nothing to an API client.
std::variant<config::UpstreamServer, std::string> read_line(
    const std::string& address, const std::vector<std::string>& params) {
  config::UpstreamServer draft;
  draft.name = address;
  for (const std::string& text : params) {
    config::Argument parameter;
    parameter.text = text;
    draft.parameters.push_back(std::move(parameter));
  }
  try {
    return config::parse_server_line(config::server_line(draft), std::string(kSource));
  } catch (const config::ConfigError& error) {
    const std::string what = error.what();
    const std::size_t prefix = error.where().to_string().size() + 2;
    return what.size() > prefix ? what.substr(prefix) : what;
  }
}

// The "address" field, checked alone, or the error naming it.
std::variant<std::string, ApiError> read_address(const Json& document) {
  std::optional<std::string> address;
  for (const auto& [name, value] : document.items()) {
    if (name != "address") continue;
    if (!value.is_string() || value.get<std::string>().empty()) {
      return field_error("address", "\"address\" must be a string such as \"127.0.0.1:8080\"");
    }
    address = value.get<std::string>();
  }
  if (!address) return field_error("address", "\"address\" is required");
  auto read = read_line(*address, {});
  if (const auto* message = std::get_if<std::string>(&read)) {
    return field_error("address",
                       "\"address\" must be IP:PORT, [IPv6]:PORT or unix:PATH (names "
                       "are not resolved at run time): " +
                           *message);
  }
  return *address;
}

}  // namespace

std::variant<config::UpstreamServer, ApiError> parse_new_server(std::string_view body) {
  std::string error;
  std::optional<Json> document = parse_json_body(body, error);
  if (!document) return field_error("", "the body is not valid JSON: " + error);
  if (!document->is_object()) {
    return field_error("", "the body must be a JSON object with " + std::string(kFields));
  }
  auto checked = read_address(*document);
  if (const auto* problem = std::get_if<ApiError>(&checked)) return *problem;
  const std::string address = std::get<std::string>(std::move(checked));
  std::vector<std::string> params;
  for (const auto& [name, value] : document->items()) {
    if (name == "address") continue;
    const FieldRule* rule = rule_of(name);
    if (rule == nullptr) {
      return field_error(
          name, "unknown field \"" + name + "\"; a new server takes " + std::string(kFields));
    }
    auto parameter = parameter_of(*rule, value);
    if (const auto* problem = std::get_if<ApiError>(&parameter)) return *problem;
    const std::string& text = std::get<std::string>(parameter);
    if (text.empty()) continue;
    // Checked alone first, so the error names this field.
    auto alone = read_line(address, {text});
    if (const auto* message = std::get_if<std::string>(&alone)) {
      return field_error(name, "\"" + name + "\" " + value.dump() + ": " + *message);
    }
    params.push_back(text);
  }
  auto server = read_line(address, params);
  if (const auto* message = std::get_if<std::string>(&server)) return field_error("", *message);
  return std::get<config::UpstreamServer>(std::move(server));
}

}  // namespace yoke::admin
