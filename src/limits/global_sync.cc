#include "yoke/limits/global_sync.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "limits/reconnect_backoff.h"
#include "limits/redis_link.h"
#include "yoke/observe/error_log.h"

namespace yoke::limits {

struct GlobalSync::Endpoint {
  enum class State : std::uint8_t { kUnknown, kUp, kDown };

  std::unique_ptr<RedisLink> link;
  std::vector<GlobalZone> zones;
  ReconnectBackoff backoff;
  State state = State::kUnknown;
  // One round's asks and the slots they were made for (reused: no allocation per round).
  std::vector<BucketAsk> asks;
  std::vector<KeyedSlot*> slots;
  std::vector<std::int64_t> granted;
};

namespace {

// "yoke:rl:ZONE:TAG": every node hashes a key to the same tag (XXH3, seed 0), so nodes meet in
// one bucket without sending the key itself (which may be a client address) to Redis.
std::string bucket_key(const std::string& zone, std::uint64_t tag) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(tag));
  return "yoke:rl:" + zone + ":" + hex;
}

std::string fallback_text(const GlobalZone& zone) {
  return "zone \"" + zone.name + "\" " +
         (zone.budget->fail_open() ? "falls back to its local limit (redis_fail=open)"
                                   : "refuses its requests (redis_fail=closed)");
}

std::string zone_names(const std::vector<GlobalZone>& zones) {
  std::string names;
  for (const GlobalZone& zone : zones) names += (names.empty() ? "\"" : ", \"") + zone.name + "\"";
  return names;
}

// A random id per sync thread: only "another node asked" matters to the script, so an id that
// changes with each reload costs one halved grant at most.
std::string random_node_id() {
  std::random_device random;
  char id[17];
  std::snprintf(id, sizeof id, "%08x%08x", random(), random());
  return id;
}

}  // namespace

GlobalSync::GlobalSync(std::vector<GlobalZone> zones) {
  const std::string node_id = random_node_id();
  for (GlobalZone& zone : zones) {
    Endpoint* endpoint = nullptr;
    for (const auto& known : endpoints_) {
      if (known->zones.front().host == zone.host && known->zones.front().port == zone.port) {
        endpoint = known.get();
      }
    }
    if (endpoint == nullptr) {
      endpoints_.push_back(std::make_unique<Endpoint>());
      endpoint = endpoints_.back().get();
      endpoint->link = std::make_unique<RedisLink>(zone.host, zone.port, node_id);
    }
    endpoint->zones.push_back(std::move(zone));
  }
}

GlobalSync::~GlobalSync() { stop(); }

void GlobalSync::start() {
  if (endpoints_.empty() || thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void GlobalSync::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

// A fixed cadence: when a round took longer than the period (Redis timing out), the next starts
// at once rather than bunching up the missed ones.
void GlobalSync::run() {
  TimePoint next = Clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const TimePoint now = Clock::now();
    for (const auto& endpoint : endpoints_) sync(*endpoint, now);
    next = std::max(next + kSyncPeriod, Clock::now());
    lock.lock();
    wake_.wait_until(lock, next, [this] { return stopping_; });
  }
}

void GlobalSync::sync(Endpoint& endpoint, TimePoint now) {
  if (!endpoint.backoff.due(now)) return;  // Redis failed lately: the zones stay in fallback
  collect(endpoint);
  std::string error;
  const bool ok = endpoint.link->exchange(endpoint.asks, endpoint.granted, error);
  settle(endpoint, ok);
  report(endpoint, ok, error, now);
}

// Each key's ask from its demand since the previous round (plan_ask).
void GlobalSync::collect(Endpoint& endpoint) {
  endpoint.asks.clear();
  endpoint.slots.clear();
  for (GlobalZone& zone : endpoint.zones) {
    const std::int64_t capacity = global_capacity(zone.rate_milli);
    zone.budget->for_each_key([&](std::uint64_t tag, KeyedSlot& slot) {
      const GlobalBudget::Synced seen = GlobalBudget::take_demand(slot);
      const std::int64_t ask = plan_ask(seen.attempts, seen.balance, capacity);
      if (ask == 0) return;
      // Tokens given back leave the balance first, so no worker spends them meanwhile.
      if (ask < 0) GlobalBudget::credit(slot, ask);
      endpoint.asks.push_back(
          BucketAsk{bucket_key(zone.name, tag), zone.rate_milli, capacity, ask});
      endpoint.slots.push_back(&slot);
    });
  }
}

// Grants go to the balances; after a failure the tokens meant to be given back return to them.
// Then every zone of the endpoint takes the mode the outcome calls for.
void GlobalSync::settle(Endpoint& endpoint, bool ok) {
  for (std::size_t i = 0; i < endpoint.asks.size(); ++i) {
    const std::int64_t ask = endpoint.asks[i].ask;
    if (ok && ask > 0) GlobalBudget::credit(*endpoint.slots[i], endpoint.granted[i]);
    if (!ok && ask < 0) GlobalBudget::credit(*endpoint.slots[i], -ask);
  }
  for (GlobalZone& zone : endpoint.zones) {
    zone.budget->count_sync(ok);
    if (ok) {
      zone.budget->set_mode(GlobalMode::kGlobal);
    } else {
      zone.budget->set_mode(zone.budget->fail_open() ? GlobalMode::kLocalOnly
                                                     : GlobalMode::kRefuseAll);
    }
  }
}

// Back-off, and one log line when the endpoint's state changes (not one per failed round).
void GlobalSync::report(Endpoint& endpoint, bool ok, const std::string& error, TimePoint now) {
  if (ok) {
    endpoint.backoff.succeeded();
    if (endpoint.state != Endpoint::State::kUp) {
      observe::log_line(observe::LogLevel::kNotice,
                        "global rate limits: Redis " + endpoint.link->endpoint() + " answers" +
                            (endpoint.state == Endpoint::State::kDown ? " again" : "") +
                            ", zones " + zone_names(endpoint.zones) + " hold across nodes");
    }
    endpoint.state = Endpoint::State::kUp;
    return;
  }
  endpoint.backoff.failed(now);
  if (endpoint.state != Endpoint::State::kDown) {
    std::string line = "global rate limits: Redis " + endpoint.link->endpoint() +
                       " cannot be reached (" + error + "): ";
    for (std::size_t i = 0; i < endpoint.zones.size(); ++i) {
      line += (i == 0 ? "" : ", ") + fallback_text(endpoint.zones[i]);
    }
    observe::log_line(observe::LogLevel::kError, line + "; retrying with back-off");
  }
  endpoint.state = Endpoint::State::kDown;
}

}  // namespace yoke::limits
