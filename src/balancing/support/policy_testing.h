#pragma once
// Helpers for the policies' unit tests and benchmarks (never linked into yoke itself: only
// *_test.cc and *_bench.cc include this header).
#include <cstddef>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "yoke/balancing/policy.h"
#include "yoke/core/socket_address.h"

namespace yoke::balancing::testing {

// Hosts named a, b, c … (then h26, h27 …) at 10.0.x.y:80, with the given weights.
class TestHosts {
 public:
  explicit TestHosts(const std::vector<int>& weights) {
    hosts_.reserve(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i) {
      Host host;
      host.index = i;
      host.name = i < 26 ? std::string(1, static_cast<char>('a' + i)) : "h" + std::to_string(i);
      const std::string address =
          "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + ":80";
      SocketAddress::parse_numeric(address, host.address);
      host.weight = weights[i];
      hosts_.push_back(host);
    }
    group_.reserve(hosts_.size());
    for (const Host& host : hosts_) group_.push_back(&host);
  }
  // group() points into hosts_: not copyable.
  TestHosts(const TestHosts&) = delete;
  TestHosts& operator=(const TestHosts&) = delete;
  TestHosts(TestHosts&&) = default;  // a moved vector keeps its elements where they are

  static TestHosts equal(std::size_t count) { return TestHosts(std::vector<int>(count, 1)); }

  Host& operator[](std::size_t i) { return hosts_[i]; }
  const std::vector<const Host*>& group() const { return group_; }
  std::size_t size() const { return hosts_.size(); }

 private:
  std::vector<Host> hosts_;
  std::vector<const Host*> group_;
};

class SetEligibility final : public Eligibility {
 public:
  bool eligible(const Host& host) const override { return !ineligible.contains(host.index); }
  std::set<std::size_t> ineligible;
};

class AllEligible final : public Eligibility {
 public:
  bool eligible(const Host& /*host*/) const override { return true; }
};

// Directive arguments from words: arguments("two least_conn").
inline std::vector<config::Argument> arguments(const std::string& words) {
  std::vector<config::Argument> out;
  std::istringstream stream(words);
  std::string word;
  while (stream >> word) {
    config::Argument argument;
    argument.text = word;
    out.push_back(argument);
  }
  return out;
}

// The registered policy `directive` with arguments `words` over hosts.
inline std::unique_ptr<Policy> make_policy(const std::string& directive, const std::string& words,
                                           const TestHosts& hosts) {
  const PolicyFactory* factory = find_policy(directive);
  if (factory == nullptr) return nullptr;
  return factory->create(arguments(words), hosts.group());
}

// The message validate() returns for words, or "ok".
inline std::string validation(const std::string& directive, const std::string& words) {
  const PolicyFactory* factory = find_policy(directive);
  if (factory == nullptr) return "not registered";
  auto error = factory->validate(arguments(words));
  return error ? *error : "ok";
}

inline AttemptOutcome outcome(TimePoint now, Microseconds latency, bool failed = false) {
  AttemptOutcome result;
  result.failed = failed;
  result.latency = latency;
  result.header_latency = failed ? Microseconds(-1) : latency;
  result.status = failed ? 0 : 200;
  result.now = now;
  return result;
}

}  // namespace yoke::balancing::testing
