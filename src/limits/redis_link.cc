#include "limits/redis_link.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <memory>
#include <string_view>

#include "limits/global_bucket_script.h"

namespace yoke::limits {
namespace {

timeval to_timeval(Milliseconds duration) {
  timeval value{};
  value.tv_sec = static_cast<time_t>(duration.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return value;
}

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// The next reply of the pipeline; null with error set when the connection failed or timed out.
Reply next_reply(redisContext* context, std::string& error) {
  void* raw = nullptr;
  if (redisGetReply(context, &raw) != REDIS_OK || raw == nullptr) {
    error = context->errstr[0] != '\0' ? context->errstr : "no reply";
    return nullptr;
  }
  return Reply(static_cast<redisReply*>(raw));
}

}  // namespace

RedisLink::RedisLink(std::string host, int port, std::string node_id)
    : host_(std::move(host)),
      port_(port),
      node_id_(std::move(node_id)),
      endpoint_((host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_) + ":" +
                std::to_string(port_)) {}

RedisLink::~RedisLink() { drop(); }

void RedisLink::drop() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

bool RedisLink::connect(std::string& error) {
  context_ = redisConnectWithTimeout(host_.c_str(), port_, to_timeval(kConnectTimeout));
  if (context_ == nullptr) {
    error = "cannot allocate a connection";
    return false;
  }
  if (context_->err != 0) {
    error = context_->errstr;
    drop();
    return false;
  }
  if (redisSetTimeout(context_, to_timeval(kCommandTimeout)) != REDIS_OK) {
    error = context_->errstr;
    drop();
    return false;
  }
  return load_script(error);
}

// SCRIPT LOAD on every new connection: Redis forgets scripts when it restarts.
bool RedisLink::load_script(std::string& error) {
  const char* argv[] = {"SCRIPT", "LOAD", kGlobalBucketScript};
  const std::size_t lengths[] = {6, 4, std::string_view(kGlobalBucketScript).size()};
  Reply reply(static_cast<redisReply*>(redisCommandArgv(context_, 3, argv, lengths)));
  if (reply == nullptr || reply->type != REDIS_REPLY_STRING) {
    error = reply == nullptr
                ? std::string(context_->errstr)
                : "SCRIPT LOAD failed: " + std::string(reply->str != nullptr ? reply->str : "");
    drop();
    return false;
  }
  sha_.assign(reply->str, reply->len);
  return true;
}

bool RedisLink::ping(std::string& error) {
  Reply reply(static_cast<redisReply*>(redisCommand(context_, "PING")));
  if (reply == nullptr || reply->type == REDIS_REPLY_ERROR) {
    error = reply == nullptr ? std::string(context_->errstr) : std::string(reply->str);
    return false;
  }
  return true;
}

// Sends ask `which[k]` for each k, then reads the replies in order. Asks answered NOSCRIPT
// (a SCRIPT FLUSH since we connected) are left in `which` for a retry; the others are removed.
bool RedisLink::run_pipeline(const std::vector<BucketAsk>& asks, std::vector<std::size_t>& which,
                             std::vector<std::int64_t>& granted, std::string& error) {
  for (const std::size_t i : which) {
    const std::string rate = std::to_string(asks[i].rate_milli);
    const std::string capacity = std::to_string(asks[i].capacity);
    const std::string ask = std::to_string(asks[i].ask);
    const char* argv[] = {"EVALSHA",    sha_.c_str(),     "1",         asks[i].key.c_str(),
                          rate.c_str(), capacity.c_str(), ask.c_str(), node_id_.c_str()};
    const std::size_t lengths[] = {7,           sha_.size(),     1,          asks[i].key.size(),
                                   rate.size(), capacity.size(), ask.size(), node_id_.size()};
    if (redisAppendCommandArgv(context_, 8, argv, lengths) != REDIS_OK) {
      error = context_->errstr;
      return false;
    }
  }
  std::vector<std::size_t> unknown_script;
  for (const std::size_t i : which) {
    Reply reply = next_reply(context_, error);
    if (reply == nullptr) return false;
    if (reply->type == REDIS_REPLY_INTEGER) {
      granted[i] = reply->integer;
    } else if (reply->type == REDIS_REPLY_ERROR &&
               std::string_view(reply->str, reply->len).substr(0, 8) == "NOSCRIPT") {
      unknown_script.push_back(i);
    } else {
      error = reply->type == REDIS_REPLY_ERROR ? std::string(reply->str, reply->len)
                                               : "unexpected reply to EVALSHA";
      return false;
    }
  }
  which = std::move(unknown_script);
  return true;
}

bool RedisLink::exchange(const std::vector<BucketAsk>& asks, std::vector<std::int64_t>& granted,
                         std::string& error) {
  if (context_ == nullptr && !connect(error)) return false;
  granted.assign(asks.size(), 0);
  bool ok = true;
  if (asks.empty()) {
    ok = ping(error);
  } else {
    std::vector<std::size_t> which(asks.size());
    for (std::size_t i = 0; i < asks.size(); ++i) which[i] = i;
    ok = run_pipeline(asks, which, granted, error);
    // Once more after loading the script again; a second NOSCRIPT is an error.
    if (ok && !which.empty()) ok = load_script(error) && run_pipeline(asks, which, granted, error);
    if (ok && !which.empty()) {
      error = "Redis keeps answering NOSCRIPT";
      ok = false;
    }
  }
  if (!ok) drop();
  return ok;
}

}  // namespace yoke::limits
