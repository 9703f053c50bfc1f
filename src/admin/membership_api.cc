#include "admin/membership_api.h"

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "admin/api_input.h"
#include "admin/api_response.h"
#include "admin/server_input.h"
#include "admin/upstreams_api.h"
#include "yoke/router/route_table.h"

namespace yoke::admin {
namespace {

using nlohmann::ordered_json;
using MetricsPtr = std::shared_ptr<const observe::MetricsRegistry>;
using Members = std::vector<config::UpstreamServer>;

// The upstream block named in the path, as the running snapshot has it, or the error to answer.
std::variant<const router::UpstreamEntry*, ApiError> find_block(const router::RouteTable& routes,
                                                                std::string_view name) {
  for (const router::UpstreamEntry& entry : routes.upstreams()) {
    if (entry.hosts->upstream != name) continue;
    if (entry.config->implicit) {
      return ApiError{409, "",
                      "\"" + std::string(name) +
                          "\" is a proxy_pass address, not an upstream block; its one server "
                          "cannot change at run time"};
    }
    return &entry;
  }
  return ApiError{404, "", "no upstream named \"" + std::string(name) + "\""};
}

bool has_address(const config::UpstreamServer& server, const SocketAddress& address) {
  for (const SocketAddress& own : server.addresses) {
    if (own == address) return true;
  }
  return false;
}

// change_members' refusal as an API error: 404 when the upstream went away meanwhile (a
// reload), else 400 with the configuration checker's words.
ApiError change_error(const membership::ChangeResult& result) {
  const int status =
      result.outcome == membership::ChangeResult::Outcome::kUnknownUpstream ? 404 : 400;
  return ApiError{status, "", result.error};
}

// The new server's object in the snapshot now published (found by its address).
ordered_json added_view(const observe::MetricsRegistry& metrics, std::string_view upstream,
                        const config::UpstreamServer& server) {
  std::optional<ordered_json> view = upstream_view(metrics, upstream);
  if (view) {
    for (const ordered_json& member : (*view)["servers"]) {
      if (member["address"] == server.addresses.front().to_string()) return member;
    }
  }
  return ordered_json::object();
}

std::optional<ApiError> refuse_duplicate(const Members& members,
                                         const config::UpstreamServer& server) {
  for (const config::UpstreamServer& member : members) {
    for (const SocketAddress& address : server.addresses) {
      if (!has_address(member, address)) continue;
      return ApiError{409, "address",
                      "the upstream already has a server at " + address.to_string() + " (\"" +
                          member.name + "\")"};
    }
  }
  return std::nullopt;
}

AdminResponse add_server(const MetricsPtr& metrics, membership::SnapshotSwap& swap,
                         const AdminRequest& request) {
  if (!is_json_content_type(request.content_type)) {
    return error_response(ApiError{415, "", "send the body as Content-Type: application/json"});
  }
  auto parsed = parse_new_server(request.body);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return error_response(*error);
  const config::UpstreamServer& server = std::get<config::UpstreamServer>(parsed);
  const std::shared_ptr<const router::RouteTable> routes = metrics->routes();
  auto block = find_block(*routes, request.params[0]);
  if (const auto* error = std::get_if<ApiError>(&block)) return error_response(*error);
  Members members = std::get<const router::UpstreamEntry*>(block)->config->servers;
  if (auto duplicate = refuse_duplicate(members, server)) return error_response(*duplicate);
  members.push_back(server);
  const membership::ChangeResult result =
      membership::change_members(swap, request.params[0], std::move(members));
  if (result.outcome != membership::ChangeResult::Outcome::kApplied) {
    return error_response(change_error(result));
  }
  ordered_json body = added_view(*metrics, request.params[0], server);
  if (!result.state_error.empty()) body["state_error"] = result.state_error;
  AdminResponse response = json_response(201, body);
  response.headers.emplace_back("Location", "/api/v1/upstreams/" + std::string(request.params[0]) +
                                                "/servers/" + server.addresses.front().to_string());
  return response;
}

// The host the path's ID names (its index, or its address) in entry, or the 404.
std::variant<const balancing::Host*, ApiError> find_member(const router::UpstreamEntry& entry,
                                                           const AdminRequest& request) {
  const balancing::HostSet& set = *entry.hosts;
  const std::string_view id = request.params[1];
  if (std::optional<std::size_t> index = parse_server_index(id)) {
    if (*index < set.hosts.size()) return &set.hosts[*index];
  } else {
    for (const balancing::Host& host : set.hosts) {
      if (host.address.to_string() == id) return &host;
    }
  }
  return ApiError{404, "",
                  "upstream \"" + set.upstream + "\" has no server \"" + std::string(id) +
                      "\" (an ID is the server's index or its address)"};
}

// The members without the one holding address; an error when it cannot go alone.
std::variant<Members, ApiError> members_without(const Members& members,
                                                const SocketAddress& address) {
  Members kept;
  for (const config::UpstreamServer& member : members) {
    if (!has_address(member, address)) {
      kept.push_back(member);
    } else if (member.addresses.size() > 1) {
      return ApiError{409, "",
                      "server \"" + member.name + "\" resolved to " +
                          std::to_string(member.addresses.size()) +
                          " addresses, which come and go together; remove it from the "
                          "configuration (or its state file) and reload"};
    }
  }
  if (kept.empty()) {
    return ApiError{409, "", "an upstream keeps at least one server; add another one first"};
  }
  return kept;
}

// Stops new requests to the host at once on every worker (its admin drain bit, as PATCH
// {"drain": true}), before the snapshot without it exists; returns the drain it had.
bool drain_now(const observe::MetricsRegistry& metrics, std::string_view upstream,
               const SocketAddress& address, bool drain) {
  return metrics.with_routes([&](const router::RouteTable& routes) {
    for (const router::UpstreamEntry& entry : routes.upstreams()) {
      if (entry.hosts->upstream != upstream || entry.hosts->runtime == nullptr) continue;
      for (const balancing::Host& host : entry.hosts->hosts) {
        if (host.address != address) continue;
        balancing::HostRuntime& runtime = (*entry.hosts->runtime)[host.index];
        const bool before = runtime.admin_drain();
        runtime.set_admin_state(runtime.admin_down(), drain, runtime.admin_weight(), Clock::now());
        return before;
      }
    }
    return false;
  });
}

AdminResponse remove_server(const MetricsPtr& metrics, membership::SnapshotSwap& swap,
                            const AdminRequest& request) {
  const std::shared_ptr<const router::RouteTable> routes = metrics->routes();
  auto block = find_block(*routes, request.params[0]);
  if (const auto* error = std::get_if<ApiError>(&block)) return error_response(*error);
  const router::UpstreamEntry& entry = *std::get<const router::UpstreamEntry*>(block);
  auto member = find_member(entry, request);
  if (const auto* error = std::get_if<ApiError>(&member)) return error_response(*error);
  const SocketAddress address = std::get<const balancing::Host*>(member)->address;
  auto kept = members_without(entry.config->servers, address);
  if (const auto* error = std::get_if<ApiError>(&kept)) return error_response(*error);
  const bool was_draining = drain_now(*metrics, request.params[0], address, true);
  const membership::ChangeResult result =
      membership::change_members(swap, request.params[0], std::get<Members>(std::move(kept)));
  if (result.outcome != membership::ChangeResult::Outcome::kApplied) {
    drain_now(*metrics, request.params[0], address, was_draining);
    return error_response(change_error(result));
  }
  std::optional<ordered_json> view = upstream_view(*metrics, request.params[0]);
  ordered_json body = view.value_or(ordered_json::object());
  if (!result.state_error.empty()) body["state_error"] = result.state_error;
  return json_response(200, body);
}

}  // namespace

void add_membership_routes(AdminRouter& router, const MetricsPtr& metrics,
                           membership::SnapshotSwap& swap) {
  router.add_route(
      "POST", "/api/v1/upstreams/{name}/servers",
      [metrics, &swap](const AdminRequest& request) { return add_server(metrics, swap, request); });
  router.add_route("DELETE", "/api/v1/upstreams/{name}/servers/{id}",
                   [metrics, &swap](const AdminRequest& request) {
                     return remove_server(metrics, swap, request);
                   });
}

}  // namespace yoke::admin
