// Access logs in the routing snapshot: every log_format compiled once, every file named once,
// and each server's and location's access_log directives resolved to them, so a request's
// log line needs no lookup by name.
#include <algorithm>

#include "yoke/router/route_table.h"

namespace yoke::router {

const observe::CompiledLogFormat* RouteTable::compiled_format(std::string_view name) const {
  for (const auto& format : log_formats_) {
    if (format->name == name) return format.get();
  }
  return nullptr;
}

std::size_t RouteTable::log_file_index(const config::AccessLog& log) {
  for (std::size_t i = 0; i < log_files_.size(); ++i) {
    LogFile& file = log_files_[i];
    if (file.path != log.path) continue;
    file.buffer = std::max(file.buffer, log.buffer);
    file.flush = std::min(file.flush, log.flush);
    return i;
  }
  log_files_.push_back(LogFile{log.path, log.buffer, log.flush});
  return log_files_.size() - 1;
}

AccessLogs RouteTable::build_access_logs(const std::vector<config::AccessLog>& logs) {
  AccessLogs built;
  for (const config::AccessLog& log : logs) {
    RouteAccessLog entry;
    // The loader checked that the format exists (config/log_format.cc).
    entry.format = compiled_format(log.format);
    entry.file = log_file_index(log);
    entry.capture_base = built.capture_count;
    built.capture_count += static_cast<std::uint32_t>(entry.format->captures.size());
    if (log.condition) {
      config::LogFormat condition;
      condition.name = "if=" + log.condition->source;
      condition.escape = config::LogEscape::kNone;
      condition.text = *log.condition;
      log_formats_.push_back(
          std::make_unique<observe::CompiledLogFormat>(observe::compile_log_format(condition)));
      entry.condition = log_formats_.back().get();
      built.capture_count += static_cast<std::uint32_t>(entry.condition->captures.size());
    }
    built.logs.push_back(entry);
  }
  return built;
}

void RouteTable::attach_access_logs() {
  for (const config::LogFormat& format : config_->http.log_formats) {
    log_formats_.push_back(
        std::make_unique<observe::CompiledLogFormat>(observe::compile_log_format(format)));
  }
  for (auto& server : servers_) {
    server->access_logs = build_access_logs(server->config->access_logs);
    for (Route& route : server->routes) {
      route.access_logs = build_access_logs(route.config->access_logs);
    }
  }
}

}  // namespace yoke::router
