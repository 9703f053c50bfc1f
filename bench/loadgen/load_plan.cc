#include "load_plan.h"

#include <charconv>
#include <string_view>

namespace yoke::loadgen {
namespace {

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool apply_flag(std::string_view flag, std::string_view value, LoadPlan& plan) {
  if (flag == "--host") {
    plan.host = std::string(value);
    return true;
  }
  if (flag == "--path") {
    plan.path = std::string(value);
    return value.starts_with("/");
  }
  if (flag == "--port") return parse_number(value, plan.port) && plan.port != 0;
  if (flag == "--connections") return parse_number(value, plan.connections);
  if (flag == "--rate") return parse_number(value, plan.rate) && plan.rate > 0;
  if (flag == "--warmup") return parse_number(value, plan.warmup_seconds);
  if (flag == "--duration") return parse_number(value, plan.duration_seconds);
  if (flag == "--requests") return parse_number(value, plan.requests) && plan.requests > 0;
  if (flag == "--drain") return parse_number(value, plan.drain_seconds);
  return false;
}

}  // namespace

const char* load_plan_usage() {
  return "usage: yoke-loadgen --port P [--host H] [--path /p] [--connections C]\n"
         "         (--rate R [--warmup S] [--duration S] | --requests N) [--drain S]\n"
         "--rate: open loop, R requests/s due on a fixed schedule; latency is measured from the\n"
         "        time a request was due, so waiting for a free connection counts.\n"
         "--requests: exactly N requests, each connection sending after its previous answer.\n";
}

std::optional<LoadPlan> parse_load_plan(int argc, char** argv, std::string& error) {
  LoadPlan plan;
  for (int i = 1; i < argc; i += 2) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc || !apply_flag(flag, argv[i + 1], plan)) {
      error = "bad or incomplete flag: " + std::string(flag);
      return std::nullopt;
    }
  }
  if (plan.port == 0 || plan.connections < 1 || (plan.rate > 0) == (plan.requests > 0) ||
      plan.warmup_seconds < 0 || plan.duration_seconds <= 0 || plan.drain_seconds < 0) {
    error = "need --port, --connections >= 1, and exactly one of --rate and --requests";
    return std::nullopt;
  }
  return plan;
}

}  // namespace yoke::loadgen
