#include "top/frame.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "yoke/observe/histogram_quantile.h"

namespace yoke::top {
namespace {

using nlohmann::json;

constexpr const char* kReset = "\x1b[0m";
constexpr int kHistoryShown = 16;  // health checks shown per server, newest last

const char* state_color(const std::string& state) {
  if (state == "up") return "\x1b[32m";
  if (state == "down") return "\x1b[31;1m";
  if (state == "draining") return "\x1b[33m";
  return "\x1b[34m";  // checking
}

int severity(const std::string& state) {
  if (state == "down") return 0;
  if (state == "checking") return 1;
  if (state == "draining") return 2;
  return 3;
}

std::string printf_string(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string rate_text(double value) {
  return printf_string(value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value);
}

std::string seconds_text(std::optional<double> value) {
  if (!value) return "-";
  if (*value < 1e-3) return printf_string("%.0fus", *value * 1e6);
  if (*value < 1) return printf_string(*value < 0.01 ? "%.2fms" : "%.1fms", *value * 1e3);
  return printf_string("%.2fs", *value);
}

std::string percent_text(double ratio) { return printf_string("%.1f%%", ratio * 100); }

std::string pad(const std::string& text, std::size_t width, bool left = false) {
  if (text.size() >= width) return text;
  std::string spaces(width - text.size(), ' ');
  return left ? text + spaces : spaces + text;
}

const json* find_server(const json& stats, const std::string& upstream,
                        const std::string& address) {
  for (const json& u : stats.at("upstreams")) {
    if (u.at("name") != upstream) continue;
    for (const json& s : u.at("servers")) {
      if (s.at("address") == address) return &s;
    }
  }
  return nullptr;
}

std::uint64_t count(const json& value) { return value.get<std::uint64_t>(); }

std::uint64_t delta(const json& now, const json* before, const char* field) {
  const std::uint64_t later = count(now.at(field));
  const std::uint64_t earlier = before == nullptr ? 0 : count(before->at(field));
  return later >= earlier ? later - earlier : 0;
}

// A quantile of the observations between two answers.
std::optional<double> window_quantile(double q, const json& bounds_seconds, const json& now,
                                      const json* before) {
  std::vector<std::int64_t> bounds;
  for (const json& bound : bounds_seconds) {
    bounds.push_back(std::llround(bound.get<double>() * 1e6));
  }
  std::vector<std::uint64_t> buckets;
  const json& later = now.at("buckets");
  for (std::size_t i = 0; i < later.size(); ++i) {
    std::uint64_t earlier = before == nullptr ? 0 : count(before->at("buckets").at(i));
    buckets.push_back(count(later[i]) >= earlier ? count(later[i]) - earlier : 0);
  }
  std::optional<double> micros = observe::estimate_quantile(q, bounds, buckets);
  return micros ? std::optional<double>(*micros / 1e6) : std::nullopt;
}

struct Row {
  const json* server = nullptr;
  double rps = 0;
  std::uint64_t requests = 0;
  double errors_per_second = 0;
  std::optional<double> p50;
  std::optional<double> p99;
};

std::string checks_text(const json& checks) {
  if (checks.is_null()) return "none";
  const json& recent = checks.at("recent");
  std::string text;
  std::size_t first = recent.size() > kHistoryShown ? recent.size() - kHistoryShown : 0;
  for (std::size_t i = first; i < recent.size(); ++i) text += recent[i].get<bool>() ? '+' : 'x';
  return text;
}

struct Context {
  const json& now;
  const json& before;
  double interval;
  const FrameStyle& style;
  std::string out;
};

void write_totals(Context& c) {
  const json& now = c.now.at("totals");
  const json& before = c.before.at("totals");
  const double requests = static_cast<double>(delta(now, &before, "requests"));
  auto class_delta = [&](const char* name) {
    return static_cast<double>(delta(now.at("responses"), &before.at("responses"), name));
  };
  const double handshakes =
      static_cast<double>(delta(now.at("tls"), &before.at("tls"), "handshakes"));
  const double handshake_seconds = now.at("tls").at("handshake_seconds_sum").get<double>() -
                                   before.at("tls").at("handshake_seconds_sum").get<double>();
  c.out += "requests " + rate_text(requests / c.interval) + "/s   5xx " +
           percent_text(requests > 0 ? class_delta("5xx") / requests : 0) + "   4xx " +
           percent_text(requests > 0 ? class_delta("4xx") / requests : 0) + "   connections " +
           std::to_string(count(now.at("connections").at("open"))) + "   TLS " +
           rate_text(handshakes / c.interval) + " handshakes/s, mean " +
           seconds_text(handshakes > 0 ? std::optional<double>(handshake_seconds / handshakes)
                                       : std::nullopt) +
           "\n";
}

void write_upstream(Context& c, const json& upstream) {
  const std::string name = upstream.at("name");
  const json& bounds = c.now.at("latency_bounds_seconds");
  std::vector<Row> rows;
  std::uint64_t requests = 0;
  int healthy = 0;
  for (const json& server : upstream.at("servers")) {
    const json* before = find_server(c.before, name, server.at("address"));
    Row row;
    row.server = &server;
    row.requests = delta(server, before, "requests");
    row.rps = static_cast<double>(row.requests) / c.interval;
    row.errors_per_second =
        static_cast<double>(
            delta(server.at("responses"), before ? &before->at("responses") : nullptr, "5xx")) /
        c.interval;
    const json* earlier = before ? &before->at("response_time") : nullptr;
    row.p50 = window_quantile(0.5, bounds, server.at("response_time"), earlier);
    row.p99 = window_quantile(0.99, bounds, server.at("response_time"), earlier);
    requests += row.requests;
    healthy += server.at("state") == "up" ? 1 : 0;
    rows.push_back(row);
  }
  std::vector<double> p99s;
  for (const Row& row : rows) {
    if (row.p99) p99s.push_back(*row.p99);
  }
  std::sort(p99s.begin(), p99s.end());
  // The (lower) median p99 of the upstream's servers; a server far above it is flagged slow.
  const double typical = p99s.empty() ? -1 : p99s[(p99s.size() - 1) / 2];
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    int sa = severity(a.server->at("state")), sb = severity(b.server->at("state"));
    if (sa != sb) return sa < sb;
    return a.p99.value_or(0) > b.p99.value_or(0);
  });
  c.out += "\nupstream " + name + ": " + std::to_string(healthy) + " of " +
           std::to_string(rows.size()) + " up, " +
           rate_text(static_cast<double>(requests) / c.interval) + " req/s\n";
  c.out += "  " + pad("SERVER", 22, true) + pad("STATE", 9, true) + pad("WEIGHT", 7) +
           pad("REQ/S", 9) + pad("SHARE", 8) + pad("INFLIGHT", 9) + pad("P50", 10) +
           pad("P99", 10) + pad("5XX/S", 8) + "  CHECKS\n";
  for (const Row& row : rows) {
    const json& server = *row.server;
    const std::string state = server.at("state");
    const bool slow = typical >= 0 && row.p99 && rows.size() > 1 && *row.p99 > 2 * typical &&
                      *row.p99 - typical > 0.001;
    // Colours wrap the padded cell, so columns stay aligned.
    std::string state_cell = pad(state, 9, true);
    if (c.style.color) state_cell.insert(0, state_color(state)).append(kReset);
    std::string p99 = pad(seconds_text(row.p99), 10);
    if (slow && c.style.color) p99.insert(0, "\x1b[33;1m").append(kReset);
    if (slow && !c.style.color) p99 += "!";
    const double share = requests > 0 ? static_cast<double>(row.requests) / requests : 0;
    std::string& line = c.out;
    line += "  ";
    line += pad(server.at("address").get<std::string>(), 22, true);
    line += state_cell;
    line += pad(std::to_string(server.at("weight").get<int>()), 7);
    line += pad(rate_text(row.rps), 9);
    line += pad(percent_text(share), 8);
    line += pad(std::to_string(server.at("in_flight").get<std::int64_t>()), 9);
    line += pad(seconds_text(row.p50), 10);
    line += p99;
    line += pad(rate_text(row.errors_per_second), 8);
    line += "  ";
    line += checks_text(server.at("health_checks"));
    line += "\n";
  }
}

}  // namespace

std::string render_frame(const json& now, const json& before, const FrameStyle& style) {
  const double interval = std::max(1e-3, now.at("monotonic_seconds").get<double>() -
                                             before.at("monotonic_seconds").get<double>());
  Context c{now, before, interval, style, {}};
  c.out = "yoke top - " + style.admin + " - version " + now.at("version").get<std::string>() +
          ", " + std::to_string(now.at("workers").get<int>()) + " workers - rates over " +
          printf_string("%.1f", interval) + " s (Ctrl-C quits)\n";
  write_totals(c);
  for (const json& upstream : now.at("upstreams")) write_upstream(c, upstream);
  return c.out;
}

}  // namespace yoke::top
