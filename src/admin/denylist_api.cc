#include "admin/denylist_api.h"

#include <algorithm>
#include <string>

#include "admin/api_response.h"

namespace yoke::admin {
namespace {

using nlohmann::ordered_json;
using StorePtr = std::shared_ptr<DenylistStore>;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

ordered_json entry_json(const DenylistEntry& entry, DenyClock now) {
  ordered_json json;
  json["address"] = entry.stored.prefix.to_string();
  if (entry.expires == TimePoint::max()) {
    json["expires_in"] = nullptr;
    json["expires_at"] = nullptr;
  } else {
    // Whole seconds left, rounded up: an entry that still holds never shows 0.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::max(entry.expires - now.steady, TimePoint::duration::zero()));
    json["expires_in"] = (left.count() + 999) / 1000;
    json["expires_at"] = entry.stored.expires_at;
  }
  json["added_at"] = entry.stored.added_at;
  json["reason"] = entry.stored.reason;
  json["hits"] = entry.hits->load(std::memory_order_relaxed);
  return json;
}

AdminResponse list_entries(const DenylistStore& store) {
  const DenyClock now = DenyClock::now();
  ordered_json entries = ordered_json::array();
  for (const DenylistEntry& entry : store.entries()) {
    if (entry.expires > now.steady) entries.push_back(entry_json(entry, now));
  }
  ordered_json body;
  body["entries"] = std::move(entries);
  return json_response(200, body);
}

// The network named by the path's {entry} segment, or the 400 to answer.
std::variant<security::IpPrefix, ApiError> path_prefix(const AdminRequest& request) {
  std::optional<std::string> decoded = percent_decode(request.params[0]);
  if (!decoded) {
    return ApiError{400, "path", "the entry in the path is not a valid URL-encoded address"};
  }
  return parse_deny_prefix(*decoded, "path");
}

AdminResponse show_entry(const DenylistStore& store, const AdminRequest& request) {
  auto prefix = path_prefix(request);
  if (const auto* error = std::get_if<ApiError>(&prefix)) return error_response(*error);
  const security::IpPrefix& network = std::get<security::IpPrefix>(prefix);
  const DenyClock now = DenyClock::now();
  const DenylistEntry* entry = store.find(network);
  if (entry == nullptr || entry->expires <= now.steady) {
    return error_response(
        ApiError{404, "", "the deny list has no entry for " + network.to_string()});
  }
  return json_response(200, entry_json(*entry, now));
}

AdminResponse add_entry(DenylistStore& store, const AdminRequest& request) {
  if (!is_json_content_type(request.content_type)) {
    return error_response(ApiError{415, "", "send the body as Content-Type: application/json"});
  }
  auto parsed = parse_denylist_addition(request.body);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return error_response(*error);
  const DenylistAddition& addition = std::get<DenylistAddition>(parsed);
  const DenyClock now = DenyClock::now();
  auto result = store.put(addition, now);
  if (const auto* error = std::get_if<ApiError>(&result)) return error_response(*error);
  // 201 for a new entry, 200 when an entry of the same network was renewed.
  return json_response(std::get<bool>(result) ? 201 : 200,
                       entry_json(*store.find(addition.prefix), now));
}

AdminResponse delete_entry(DenylistStore& store, const AdminRequest& request) {
  auto prefix = path_prefix(request);
  if (const auto* error = std::get_if<ApiError>(&prefix)) return error_response(*error);
  const security::IpPrefix& network = std::get<security::IpPrefix>(prefix);
  const DenyClock now = DenyClock::now();
  const DenylistEntry* entry = store.find(network);
  ordered_json removed = entry != nullptr ? entry_json(*entry, now) : ordered_json();
  if (std::optional<ApiError> error = store.remove(network, now)) return error_response(*error);
  return json_response(200, removed);
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view segment) {
  std::string decoded;
  decoded.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      decoded += segment[i];
      continue;
    }
    if (i + 2 >= segment.size()) return std::nullopt;
    const int high = hex_value(segment[i + 1]);
    const int low = hex_value(segment[i + 2]);
    if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

void add_denylist_routes(AdminRouter& router, const StorePtr& store) {
  router.add_get("/api/v1/denylist", [store](const AdminRequest&) { return list_entries(*store); });
  router.add_route("POST", "/api/v1/denylist",
                   [store](const AdminRequest& request) { return add_entry(*store, request); });
  router.add_get("/api/v1/denylist/{entry}",
                 [store](const AdminRequest& request) { return show_entry(*store, request); });
  router.add_route("DELETE", "/api/v1/denylist/{entry}",
                   [store](const AdminRequest& request) { return delete_entry(*store, request); });
}

}  // namespace yoke::admin
