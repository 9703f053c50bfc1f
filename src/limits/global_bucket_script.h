#pragma once
// The Lua script Redis runs for each key of a global zone at every synchronisation
// (docs/redis-limits.md): the cluster's token bucket for that key, refilled at the zone's rate,
// from which a node takes what it asks for (or to which it gives unused tokens back), in one
// atomic step. Redis runs a script without interleaving other commands (EVAL, "Atomicity of
// scripts"), so two nodes asking at once cannot both take the same tokens.
//
// KEYS[1]: the key's bucket. ARGV[1]: the rate in thousandths of a token per second.
// ARGV[2]: the capacity in tokens. ARGV[3]: the ask; positive: tokens wanted, negative: tokens
// given back. ARGV[4]: the asking node's id. Returns the tokens granted (0 for a give-back).
//
// Sharing: when another node asked within the last 100 ms (two sync periods), the nodes are
// competing for the key, and an ask gets at most half (rounded up) of the whole tokens there.
// Without that, the node whose sync comes first after a refill takes nearly all of it and the
// split between nodes follows their sync phases (90/10 for syncs 45 ms apart); with it, each
// leaves part of the refill to the next asker (about 63/37 in the same case, 50/50 for even
// phases). A node alone keeps getting the whole refill.
//
// The bucket holds thousandths of a token (a double: Lua numbers), refilled from Redis' own
// clock (TIME), so the nodes' clocks never need to agree. A bucket unused for as long as it takes
// to fill expires; a missing bucket is a full one, so that costs nothing.
namespace yoke::limits {

inline constexpr const char* kGlobalBucketScript = R"lua(
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2]) * 1000
local ask = tonumber(ARGV[3])
local node = ARGV[4]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'milli', 'at', 'node', 'node_at')
local milli = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
if now > at then milli = math.min(capacity, milli + (now - at) * rate / 1000) end
local granted = 0
if ask > 0 then
  local available = math.floor(milli / 1000)
  if state[3] and state[3] ~= node and now - tonumber(state[4]) < 100 then
    available = math.ceil(available / 2)
  end
  granted = math.min(ask, available)
  milli = milli - granted * 1000
  redis.call('HSET', KEYS[1], 'node', node, 'node_at', tostring(now))
else
  milli = math.min(capacity, milli - ask * 1000)
end
redis.call('HSET', KEYS[1], 'milli', tostring(milli), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.floor(capacity * 1000 / rate) + 1000)
return granted
)lua";

}  // namespace yoke::limits
