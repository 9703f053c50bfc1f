#include "balancing/hash/hash_arguments.h"

#include <charconv>

namespace yoke::balancing {
namespace {

constexpr std::string_view kBalanceFactor = "balance_factor=";
// HAProxy's hash-balance-factor is at least 100 (percent); above 100 x the mean the bound no
// longer bounds anything worth having.
constexpr double kMinFactor = 1.0;
constexpr double kMaxFactor = 100.0;

std::optional<std::string> read_factor(const std::string& text, HashArguments& out) {
  const std::string_view value = std::string_view(text).substr(kBalanceFactor.size());
  double factor = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), factor);
  if (value.empty() || error != std::errc() || end != value.data() + value.size() ||
      !(factor >= kMinFactor && factor <= kMaxFactor)) {
    return "invalid \"" + text + "\" in hash: expected a number from 1 to 100, e.g. " +
           "balance_factor=1.25 (no host above 1.25 x the mean of requests in flight)";
  }
  out.balance_factor = factor;
  return std::nullopt;
}

std::optional<std::string> read_option(const std::string& text, HashArguments& out,
                                       bool& mode_set) {
  if (text == "consistent" || text == "maglev") {
    if (mode_set) return "hash takes one of \"consistent\" or \"maglev\", not both or twice";
    mode_set = true;
    out.mode = text == "consistent" ? HashMode::kConsistent : HashMode::kMaglev;
    return std::nullopt;
  }
  if (text.rfind(kBalanceFactor, 0) == 0) {
    if (out.balance_factor != 0) return std::string("hash takes balance_factor= once");
    return read_factor(text, out);
  }
  return "invalid parameter \"" + text +
         "\" in hash: expected \"consistent\", \"maglev\" or \"balance_factor=F\"";
}

}  // namespace

std::optional<std::string> parse_hash_arguments(const std::vector<config::Argument>& args,
                                                HashArguments& out) {
  out = HashArguments{};
  if (args.empty()) {
    return std::string(
        "hash needs a key, e.g. \"hash $remote_addr;\" or \"hash $cookie_session "
        "consistent;\"");
  }
  bool mode_set = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (auto error = read_option(args[i].text, out, mode_set)) return error;
  }
  if (out.balance_factor != 0 && out.mode == HashMode::kModulo) {
    return std::string(
        "balance_factor needs \"consistent\" or \"maglev\": a plain hash has no key order to "
        "walk when a server is full");
  }
  return std::nullopt;
}

}  // namespace yoke::balancing
