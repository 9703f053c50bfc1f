#include "admin/api_input.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "admin/denylist_file.h"
#include "config/durations.h"

namespace yoke::admin {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kPatchFields = "\"weight\", \"down\" and \"drain\"";

ApiError field_error(std::string field, std::string message) {
  return ApiError{400, std::move(field), std::move(message)};
}

// nlohmann's SAX-filtered parse: refuses objects and arrays nested deeper than kMaxJsonDepth
// while parsing, so a hostile body cannot build a deep tree (or recurse deeply destroying it).
std::optional<Json> parse_bounded(std::string_view body, std::string& error) {
  try {
    Json parsed = Json::parse(
        body.begin(), body.end(), [](int depth, Json::parse_event_t /*event*/, Json& /*value*/) {
          if (static_cast<std::size_t>(depth) > kMaxJsonDepth) {
            throw std::out_of_range("JSON nested deeper than " + std::to_string(kMaxJsonDepth));
          }
          return true;
        });
    return parsed;
  } catch (const Json::exception& failure) {
    // parse_error names the byte ("parse error at line 1, column 7: …"); out_of_range (406) is
    // a number too large for a double, such as 12e2212 (found by api_input_fuzz). Every
    // nlohmann exception derives from Json::exception, so none can escape to the admin thread.
    error = failure.what();
  } catch (const std::out_of_range& failure) {
    error = failure.what();
  }
  return std::nullopt;
}

std::optional<ApiError> read_weight(const Json& value, ServerPatch& patch) {
  if (value.is_null()) {
    patch.weight = std::optional<std::int32_t>();
    return std::nullopt;
  }
  if (!value.is_number_integer()) {
    return field_error("weight", "\"weight\" must be an integer from 0 to " +
                                     std::to_string(kMaxApiWeight) + ", or null");
  }
  const auto weight = value.get<std::int64_t>();
  if (value.is_number_unsigned() ? value.get<std::uint64_t>() > kMaxApiWeight
                                 : weight < 0 || weight > kMaxApiWeight) {
    return field_error("weight", "\"weight\" must be from 0 to " + std::to_string(kMaxApiWeight) +
                                     ", not " + value.dump());
  }
  patch.weight = static_cast<std::int32_t>(weight);
  return std::nullopt;
}

std::optional<ApiError> read_flag(const std::string& name, const Json& value,
                                  std::optional<bool>& flag) {
  if (!value.is_boolean()) return field_error(name, "\"" + name + "\" must be true or false");
  flag = value.get<bool>();
  return std::nullopt;
}

constexpr std::string_view kDenylistFields = "\"address\", \"expires\" and \"reason\"";

// "expires": whole seconds, or nginx's time syntax ("10m", "1h30m"; config/durations.h).
std::optional<ApiError> read_expiry(const Json& value, DenylistAddition& addition) {
  const std::string expected = "\"expires\" must be a number of seconds from 1 to " +
                               std::to_string(kMaxDenyExpirySeconds) +
                               " or a time such as \"10m\" or \"2h\"";
  std::int64_t seconds = 0;
  if (value.is_number_unsigned()) {
    seconds = value.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxDenyExpirySeconds)
                  ? 0
                  : static_cast<std::int64_t>(value.get<std::uint64_t>());
  } else if (value.is_number_integer()) {
    seconds = 0;  // negative
  } else if (value.is_string()) {
    config::Duration duration{};
    if (config::parse_duration(value.get<std::string>(), duration) != config::ParseStatus::kOk) {
      return field_error("expires", expected + ", not " + value.dump());
    }
    seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  } else {
    return field_error("expires", expected);
  }
  if (seconds < 1 || seconds > kMaxDenyExpirySeconds) {
    return field_error("expires", expected + ", not " + value.dump());
  }
  addition.expires_s = seconds;
  return std::nullopt;
}

std::optional<ApiError> read_reason(const Json& value, DenylistAddition& addition) {
  if (!value.is_string() || !is_valid_reason(value.get<std::string>())) {
    return field_error("reason", "\"reason\" must be a string of at most " +
                                     std::to_string(kMaxReasonBytes) +
                                     " bytes without control characters");
  }
  addition.reason = value.get<std::string>();
  return std::nullopt;
}

std::optional<ApiError> read_address(const Json& value, DenylistAddition& addition) {
  if (!value.is_string()) {
    return field_error("address",
                       "\"address\" must be a string such as \"203.0.113.7\" or "
                       "\"2001:db8::/32\"");
  }
  auto parsed = parse_deny_prefix(value.get<std::string>(), "address");
  if (const auto* error = std::get_if<ApiError>(&parsed)) return *error;
  addition.prefix = std::get<security::IpPrefix>(parsed);
  return std::nullopt;
}

}  // namespace

std::variant<security::IpPrefix, ApiError> parse_deny_prefix(std::string_view text,
                                                             const std::string& field) {
  security::IpPrefix prefix;
  std::string error;
  // "all" and "unix:" are access-list words, not addresses: denying everyone at run time is
  // what stopping the listener is for.
  if (text == "all" || text == "unix:" || !security::IpPrefix::parse(text, prefix, error)) {
    return field_error(field, "\"" + std::string(text) +
                                  "\" is not an IPv4 or IPv6 address or CIDR network" +
                                  (error.empty() ? "" : ": " + error));
  }
  return prefix;
}

std::variant<DenylistAddition, ApiError> parse_denylist_addition(std::string_view body) {
  std::string error;
  std::optional<Json> document = parse_bounded(body, error);
  if (!document) return field_error("", "the body is not valid JSON: " + error);
  if (!document->is_object()) {
    return field_error("", "the body must be a JSON object with " + std::string(kDenylistFields));
  }
  DenylistAddition addition;
  bool has_address = false;
  for (const auto& [name, value] : document->items()) {
    std::optional<ApiError> problem;
    if (name == "address") {
      problem = read_address(value, addition);
      has_address = true;
    } else if (name == "expires") {
      problem = read_expiry(value, addition);
    } else if (name == "reason") {
      problem = read_reason(value, addition);
    } else {
      problem = field_error(
          name, "unknown field \"" + name + "\"; an entry takes " + std::string(kDenylistFields));
    }
    if (problem) return *problem;
  }
  if (!has_address) return field_error("address", "\"address\" is required");
  return addition;
}

std::variant<ServerPatch, ApiError> parse_server_patch(std::string_view body) {
  std::string error;
  std::optional<Json> document = parse_bounded(body, error);
  if (!document) return field_error("", "the body is not valid JSON: " + error);
  if (!document->is_object()) {
    return field_error("", "the body must be a JSON object with " + std::string(kPatchFields));
  }
  if (document->empty()) {
    return field_error("", "nothing to change: give at least one of " + std::string(kPatchFields));
  }
  ServerPatch patch;
  for (const auto& [name, value] : document->items()) {
    std::optional<ApiError> problem;
    if (name == "weight") {
      problem = read_weight(value, patch);
    } else if (name == "down") {
      problem = read_flag(name, value, patch.down);
    } else if (name == "drain") {
      problem = read_flag(name, value, patch.drain);
    } else {
      problem = field_error(
          name, "unknown field \"" + name + "\"; a server takes " + std::string(kPatchFields));
    }
    if (problem) return *problem;
  }
  return patch;
}

bool is_json_content_type(std::string_view content_type) {
  if (content_type.empty()) return true;
  const std::string_view media = content_type.substr(0, content_type.find(';'));
  constexpr std::string_view kJson = "application/json";
  std::size_t end = media.size();
  while (end > 0 && (media[end - 1] == ' ' || media[end - 1] == '\t')) --end;
  if (end != kJson.size()) return false;
  // RFC 9110 §8.3.1: type and subtype are case-insensitive.
  for (std::size_t i = 0; i < end; ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != kJson[i]) return false;
  }
  return true;
}

std::optional<std::size_t> parse_server_index(std::string_view text) {
  if (text.empty() || text.size() > 9 || (text.size() > 1 && text.front() == '0')) {
    return std::nullopt;
  }
  std::size_t index = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index;
}

}  // namespace yoke::admin
