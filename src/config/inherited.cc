// Merging inherited settings down the levels, like nginx's ngx_conf_merge_*_value macros.
#include "config/inherited.h"

#include "config/directive_checks.h"

namespace yoke::config {
namespace {

template <typename T>
void inherit(std::optional<T>& child, const std::optional<T>& parent) {
  if (!child) child = parent;
}

RealIp apply_real_ip(const InheritedSettings& settings) {
  RealIp real_ip;
  real_ip.trusted = settings.real_ip_from.value_or(real_ip.trusted);
  real_ip.proxy_protocol = settings.real_ip_proxy_protocol.value_or(real_ip.proxy_protocol);
  real_ip.header = settings.real_ip_header.value_or(real_ip.header);
  real_ip.recursive = settings.real_ip_recursive.value_or(real_ip.recursive);
  return real_ip;
}

}  // namespace

bool read_inherited_directive(const Directive& directive, Level level,
                              InheritedSettings& settings) {
  bool server_only = directive.name == "client_header_timeout" ||
                     directive.name == "large_client_header_buffers" ||
                     directive.name == "limit_accept";
  if (server_only && level == Level::kLocation) reject_directive(directive);
  return read_proxy_directive(directive, settings) || read_client_directive(directive, settings) ||
         read_limit_directive(directive, settings) || read_access_directive(directive, settings) ||
         read_log_directive(directive, settings) ||
         read_ssl_directive(directive, level, settings.ssl);
}

InheritedSettings merge_settings(const InheritedSettings& parent, const InheritedSettings& child) {
  InheritedSettings merged = child;
  inherit(merged.proxy_set_headers, parent.proxy_set_headers);
  inherit(merged.proxy_http_version_minor, parent.proxy_http_version_minor);
  inherit(merged.proxy_connect_timeout, parent.proxy_connect_timeout);
  inherit(merged.proxy_read_timeout, parent.proxy_read_timeout);
  inherit(merged.proxy_send_timeout, parent.proxy_send_timeout);
  inherit(merged.next_upstream, parent.next_upstream);
  inherit(merged.next_upstream_tries, parent.next_upstream_tries);
  inherit(merged.next_upstream_timeout, parent.next_upstream_timeout);
  inherit(merged.client_max_body_size, parent.client_max_body_size);
  inherit(merged.client_body_timeout, parent.client_body_timeout);
  inherit(merged.send_timeout, parent.send_timeout);
  inherit(merged.keepalive_timeout, parent.keepalive_timeout);
  inherit(merged.keepalive_requests, parent.keepalive_requests);
  inherit(merged.access_logs, parent.access_logs);
  inherit(merged.trace_context, parent.trace_context);
  inherit(merged.limit_req, parent.limit_req);
  inherit(merged.limit_req_status, parent.limit_req_status);
  inherit(merged.limit_req_dry_run, parent.limit_req_dry_run);
  inherit(merged.limit_conn, parent.limit_conn);
  inherit(merged.limit_conn_status, parent.limit_conn_status);
  inherit(merged.limit_conn_dry_run, parent.limit_conn_dry_run);
  inherit(merged.access, parent.access);
  inherit(merged.real_ip_from, parent.real_ip_from);
  inherit(merged.real_ip_proxy_protocol, parent.real_ip_proxy_protocol);
  inherit(merged.real_ip_header, parent.real_ip_header);
  inherit(merged.real_ip_recursive, parent.real_ip_recursive);
  inherit(merged.client_min_rate, parent.client_min_rate);
  inherit(merged.limit_accept, parent.limit_accept);
  inherit(merged.client_header_timeout, parent.client_header_timeout);
  inherit(merged.large_header_buffers, parent.large_header_buffers);
  merged.ssl = merge_ssl(parent.ssl, child.ssl);
  return merged;
}

// Defaults come from the model's own initialisers, so they are stated in one place (model.h).
void apply_settings(const InheritedSettings& settings, Location& location) {
  const Location defaults;
  location.proxy_set_headers = settings.proxy_set_headers.value_or(defaults.proxy_set_headers);
  location.proxy_http_version_minor =
      settings.proxy_http_version_minor.value_or(defaults.proxy_http_version_minor);
  location.proxy_connect_timeout =
      settings.proxy_connect_timeout.value_or(defaults.proxy_connect_timeout);
  location.proxy_read_timeout = settings.proxy_read_timeout.value_or(defaults.proxy_read_timeout);
  location.proxy_send_timeout = settings.proxy_send_timeout.value_or(defaults.proxy_send_timeout);
  location.next_upstream = settings.next_upstream.value_or(defaults.next_upstream);
  location.next_upstream_tries =
      settings.next_upstream_tries.value_or(defaults.next_upstream_tries);
  location.next_upstream_timeout =
      settings.next_upstream_timeout.value_or(defaults.next_upstream_timeout);
  location.client_max_body_size =
      settings.client_max_body_size.value_or(defaults.client_max_body_size);
  location.client_body_timeout =
      settings.client_body_timeout.value_or(defaults.client_body_timeout);
  location.send_timeout = settings.send_timeout.value_or(defaults.send_timeout);
  location.keepalive_timeout = settings.keepalive_timeout.value_or(defaults.keepalive_timeout);
  location.keepalive_requests = settings.keepalive_requests.value_or(defaults.keepalive_requests);
  location.access_logs = settings.access_logs.value_or(defaults.access_logs);
  location.trace_context = settings.trace_context.value_or(defaults.trace_context);
  location.limit_req = settings.limit_req.value_or(defaults.limit_req);
  location.limit_req_status = settings.limit_req_status.value_or(defaults.limit_req_status);
  location.limit_req_dry_run = settings.limit_req_dry_run.value_or(defaults.limit_req_dry_run);
  location.limit_conn = settings.limit_conn.value_or(defaults.limit_conn);
  location.limit_conn_status = settings.limit_conn_status.value_or(defaults.limit_conn_status);
  location.limit_conn_dry_run = settings.limit_conn_dry_run.value_or(defaults.limit_conn_dry_run);
  location.access = settings.access.value_or(defaults.access);
  location.real_ip = apply_real_ip(settings);
  location.client_min_rate = settings.client_min_rate.value_or(defaults.client_min_rate);
}

void apply_settings(const InheritedSettings& settings, Server& server) {
  const Server defaults;
  server.client_header_timeout =
      settings.client_header_timeout.value_or(defaults.client_header_timeout);
  LargeHeaderBuffers buffers{defaults.large_header_buffers, defaults.large_header_buffer_size};
  buffers = settings.large_header_buffers.value_or(buffers);
  server.large_header_buffers = buffers.count;
  server.large_header_buffer_size = buffers.size;
  server.ssl = apply_ssl(settings.ssl);
  server.access_logs = settings.access_logs.value_or(defaults.access_logs);
  server.real_ip = apply_real_ip(settings);
  server.client_min_rate = settings.client_min_rate.value_or(defaults.client_min_rate);
  server.limit_accept = settings.limit_accept;
}

}  // namespace yoke::config
