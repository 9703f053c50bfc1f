#include "admin/upstreams_api.h"

#include <optional>
#include <string>
#include <utility>

#include "admin/api_input.h"
#include "admin/api_response.h"
#include "admin/server_view.h"
#include "yoke/observe/error_log.h"
#include "yoke/router/route_table.h"

namespace yoke::admin {
namespace {

using nlohmann::ordered_json;
using MetricsPtr = std::shared_ptr<const observe::MetricsRegistry>;

// An upstream of the registry's route table, by name, with its position (the metrics index).
struct FoundUpstream {
  std::size_t index = 0;
  const router::UpstreamEntry* entry = nullptr;
};

std::optional<FoundUpstream> find_upstream(const router::RouteTable& routes,
                                           std::string_view name) {
  const auto& upstreams = routes.upstreams();
  for (std::size_t i = 0; i < upstreams.size(); ++i) {
    if (upstreams[i].hosts->upstream == name) return FoundUpstream{i, &upstreams[i]};
  }
  return std::nullopt;
}

ApiError unknown_upstream(std::string_view name) {
  return ApiError{404, "", "no upstream named \"" + std::string(name) + "\""};
}

// A server ID is its index in the upstream (docs/admin-api.md) or its address as listed.
const balancing::Host* find_host(const balancing::HostSet& set, std::string_view id) {
  if (std::optional<std::size_t> index = parse_server_index(id)) {
    return *index < set.hosts.size() ? &set.hosts[*index] : nullptr;
  }
  for (const balancing::Host& host : set.hosts) {
    if (host.address.to_string() == id) return &host;
  }
  return nullptr;
}

ordered_json upstream_json(const router::RouteTable& routes, const FoundUpstream& found,
                           const observe::MetricsRegistry& metrics, TimePoint now) {
  const balancing::HostSet& set = *found.entry->hosts;
  ordered_json upstream;
  upstream["name"] = set.upstream;
  upstream["policy"] = found.entry->config->policy;
  upstream["implicit"] = found.entry->config->implicit;
  ordered_json servers = ordered_json::array();
  for (const balancing::Host& host : set.hosts) {
    servers.push_back(server_json(host, metrics.in_flight(routes, found.index, host.index), now));
  }
  upstream["servers"] = std::move(servers);
  return upstream;
}

AdminResponse list_upstreams(const MetricsPtr& metrics) {
  // Our own reference: a reload may replace the registry's snapshot meanwhile.
  const std::shared_ptr<const router::RouteTable> held = metrics->routes();
  const router::RouteTable& routes = *held;
  const TimePoint now = Clock::now();
  ordered_json upstreams = ordered_json::array();
  for (std::size_t i = 0; i < routes.upstreams().size(); ++i) {
    upstreams.push_back(
        upstream_json(routes, FoundUpstream{i, &routes.upstreams()[i]}, *metrics, now));
  }
  ordered_json body;
  body["upstreams"] = std::move(upstreams);
  return json_response(200, body);
}

AdminResponse show_upstream(const MetricsPtr& metrics, const AdminRequest& request) {
  std::optional<ordered_json> view = upstream_view(*metrics, request.params[0]);
  if (!view) return error_response(unknown_upstream(request.params[0]));
  return json_response(200, *view);
}

// What the upstream and server named in the path resolve to, or the 404 to answer.
struct Target {
  FoundUpstream upstream;
  const balancing::Host* host = nullptr;
};

std::variant<Target, ApiError> find_target(const router::RouteTable& routes,
                                           const AdminRequest& request) {
  const std::optional<FoundUpstream> found = find_upstream(routes, request.params[0]);
  if (!found) return unknown_upstream(request.params[0]);
  const balancing::Host* host = find_host(*found->entry->hosts, request.params[1]);
  if (host == nullptr || host->runtime == nullptr) {
    return ApiError{404, "",
                    "upstream \"" + std::string(request.params[0]) + "\" has no server \"" +
                        std::string(request.params[1]) +
                        "\" (an ID is the server's index or its address)"};
  }
  return Target{*found, host};
}

AdminResponse show_server(const MetricsPtr& metrics, const AdminRequest& request) {
  const std::shared_ptr<const router::RouteTable> routes = metrics->routes();
  auto target = find_target(*routes, request);
  if (const auto* error = std::get_if<ApiError>(&target)) return error_response(*error);
  const Target& found = std::get<Target>(target);
  return json_response(
      200,
      server_json(*found.host, metrics->in_flight(*routes, found.upstream.index, found.host->index),
                  Clock::now()));
}

// What a patch may not do to this server, checked before anything changes.
std::optional<ApiError> refuse_patch(const Target& target, const ServerPatch& patch) {
  if (patch.weight && !target.upstream.entry->policy->runtime_weights) {
    return ApiError{409, "weight",
                    "balancing policy \"" + target.upstream.entry->config->policy +
                        "\" builds its choices from the configured weights; change them with a "
                        "reload"};
  }
  if (patch.down == false && target.host->down) {
    return ApiError{409, "down",
                    "the server is marked down in the configuration; remove \"down\" there and "
                    "reload"};
  }
  return std::nullopt;
}

void log_change(const Target& target, const balancing::HostRuntime& runtime) {
  const std::int32_t weight = runtime.admin_weight();
  observe::log_line(observe::LogLevel::kNotice,
                    "admin API: upstream \"" + target.upstream.entry->hosts->upstream +
                        "\" server " + target.host->address.to_string() +
                        " down=" + (runtime.admin_down() ? "true" : "false") +
                        " drain=" + (runtime.admin_drain() ? "true" : "false") +
                        " weight=" + (weight >= 0 ? std::to_string(weight) : "configured"));
}

// Validates and applies one patch to the registry's snapshot, under its lock (see
// patch_server); an error when it refuses, and nothing changed then.
std::optional<ApiError> apply_patch(const router::RouteTable& routes, const AdminRequest& request,
                                    const ServerPatch& patch) {
  auto target = find_target(routes, request);
  if (const auto* error = std::get_if<ApiError>(&target)) return *error;
  const Target& found = std::get<Target>(target);
  if (std::optional<ApiError> refusal = refuse_patch(found, patch)) return refusal;
  // The admin thread is the one writer of these fields: read, merge, write back whole.
  balancing::HostRuntime& runtime = (*found.upstream.entry->hosts->runtime)[found.host->index];
  const std::int32_t weight = !patch.weight   ? runtime.admin_weight()
                              : *patch.weight ? **patch.weight
                                              : balancing::HostRuntime::kNoAdminWeight;
  runtime.set_admin_state(patch.down.value_or(runtime.admin_down()),
                          patch.drain.value_or(runtime.admin_drain()), weight, Clock::now());
  log_change(found, runtime);
  return std::nullopt;
}

AdminResponse patch_server(const MetricsPtr& metrics, const AdminRequest& request) {
  if (!is_json_content_type(request.content_type)) {
    return error_response(ApiError{415, "", "send the body as Content-Type: application/json"});
  }
  auto parsed = parse_server_patch(request.body);
  if (const auto* error = std::get_if<ApiError>(&parsed)) return error_response(*error);
  const ServerPatch& patch = std::get<ServerPatch>(parsed);
  // Under the lock a reload's swap takes (MetricsRegistry::with_routes): the change lands on
  // the snapshot the workers are about to use, or is carried over to it (router/carry_over.h).
  const std::optional<ApiError> refused = metrics->with_routes(
      [&](const router::RouteTable& routes) { return apply_patch(routes, request, patch); });
  if (refused) return error_response(*refused);
  return show_server(metrics, request);
}

}  // namespace

std::optional<ordered_json> upstream_view(const observe::MetricsRegistry& metrics,
                                          std::string_view name) {
  const std::shared_ptr<const router::RouteTable> routes = metrics.routes();
  const std::optional<FoundUpstream> found = find_upstream(*routes, name);
  if (!found) return std::nullopt;
  return upstream_json(*routes, *found, metrics, Clock::now());
}

void add_upstream_routes(AdminRouter& router, const MetricsPtr& metrics) {
  router.add_get("/api/v1/upstreams",
                 [metrics](const AdminRequest&) { return list_upstreams(metrics); });
  router.add_get("/api/v1/upstreams/{name}", [metrics](const AdminRequest& request) {
    return show_upstream(metrics, request);
  });
  router.add_get("/api/v1/upstreams/{name}/servers/{id}",
                 [metrics](const AdminRequest& request) { return show_server(metrics, request); });
  router.add_route(
      "PATCH", "/api/v1/upstreams/{name}/servers/{id}",
      [metrics](const AdminRequest& request) { return patch_server(metrics, request); });
}

}  // namespace yoke::admin
