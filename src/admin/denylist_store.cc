#include "admin/denylist_store.h"

#include <algorithm>
#include <chrono>

#include "yoke/observe/error_log.h"

namespace yoke::admin {
namespace {

// Expired entries leave the table within this long (the brief's "within a second").
constexpr Milliseconds kExpiryTick{1000};

bool same_network(const security::IpPrefix& a, const security::IpPrefix& b) {
  return a.kind == b.kind && a.bits == b.bits && a.high == b.high && a.low == b.low;
}

bool expired(const DenylistEntry& entry, DenyClock now) { return entry.expires <= now.steady; }

}  // namespace

DenyClock DenyClock::now() {
  return DenyClock{Clock::now(), std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count()};
}

TimePoint steady_expiry(std::int64_t expires_at, DenyClock now) {
  if (expires_at == 0) return TimePoint::max();
  return now.steady + std::chrono::seconds(expires_at - now.wall_seconds);
}

DenylistStore::DenylistStore(std::string path, Publish publish)
    : path_(std::move(path)), publish_(std::move(publish)) {
  expiry_timer_.bind(this);
}

DenylistStore::~DenylistStore() { expiry_timer_.cancel(); }

bool DenylistStore::load(DenyClock now, std::string& error) {
  std::vector<StoredDenyEntry> stored;
  if (!path_.empty() && !read_denylist_file(path_, stored, error)) return false;
  entries_.clear();
  for (StoredDenyEntry& entry : stored) {
    DenylistEntry loaded{std::move(entry), TimePoint::max()};
    loaded.expires = steady_expiry(loaded.stored.expires_at, now);
    if (expired(loaded, now)) continue;
    std::erase_if(entries_, [&](const DenylistEntry& other) {
      return same_network(other.stored.prefix, loaded.stored.prefix);  // the last line wins
    });
    entries_.push_back(std::move(loaded));
  }
  // Written back at once: it creates a missing file and drops expired lines, and a path Yoke
  // cannot write to stops the start instead of failing the first API change.
  if (!path_.empty() && !write_denylist_file(path_, format_denylist(stored_entries()), error)) {
    error = "denylist_file: " + error;
    return false;
  }
  if (!entries_.empty()) {
    observe::log_line(
        observe::LogLevel::kNotice,
        std::to_string(entries_.size()) + " deny list entries loaded from \"" + path_ + "\"");
  }
  publish();
  return true;
}

void DenylistStore::attach(EventLoop& loop) {
  loop_ = &loop;
  arm_expiry();
}

void DenylistStore::detach() {
  expiry_timer_.cancel();
  loop_ = nullptr;
}

const DenylistEntry* DenylistStore::find(const security::IpPrefix& prefix) const {
  for (const DenylistEntry& entry : entries_) {
    if (same_network(entry.stored.prefix, prefix)) return &entry;
  }
  return nullptr;
}

std::variant<bool, ApiError> DenylistStore::put(const DenylistAddition& addition, DenyClock now) {
  DenylistEntry entry;
  entry.stored.prefix = addition.prefix;
  entry.stored.added_at = now.wall_seconds;
  entry.stored.expires_at = addition.expires_s ? now.wall_seconds + *addition.expires_s : 0;
  entry.stored.reason = addition.reason;
  entry.expires = addition.expires_s ? now.steady + std::chrono::seconds(*addition.expires_s)
                                     : TimePoint::max();
  std::vector<DenylistEntry> next = entries_;
  auto same = std::find_if(next.begin(), next.end(), [&](const DenylistEntry& other) {
    return same_network(other.stored.prefix, addition.prefix);
  });
  const bool created = same == next.end();
  if (created) {
    next.push_back(std::move(entry));
  } else {
    entry.hits = same->hits;  // the same entry, renewed
    *same = std::move(entry);
  }
  if (std::optional<ApiError> failed = commit(std::move(next))) return *failed;
  observe::log_line(observe::LogLevel::kNotice,
                    "admin API: deny list " + std::string(created ? "added " : "renewed ") +
                        addition.prefix.to_string() +
                        (addition.expires_s ? " for " + std::to_string(*addition.expires_s) + "s"
                                            : " until deleted"));
  return created;
}

std::optional<ApiError> DenylistStore::remove(const security::IpPrefix& prefix, DenyClock now) {
  std::vector<DenylistEntry> next = entries_;
  // An entry that has just expired is gone as far as the caller can tell.
  const std::size_t removed = std::erase_if(next, [&](const DenylistEntry& entry) {
    return same_network(entry.stored.prefix, prefix) || expired(entry, now);
  });
  if (find(prefix) == nullptr || removed == 0) {
    return ApiError{404, "", "the deny list has no entry for " + prefix.to_string()};
  }
  if (std::optional<ApiError> failed = commit(std::move(next))) return failed;
  observe::log_line(observe::LogLevel::kNotice,
                    "admin API: deny list removed " + prefix.to_string());
  return std::nullopt;
}

void DenylistStore::expire(DenyClock now) {
  std::vector<DenylistEntry> next = entries_;
  const std::size_t removed =
      std::erase_if(next, [&](const DenylistEntry& entry) { return expired(entry, now); });
  if (removed == 0) return;
  // A file that cannot be written now keeps the expired lines; load() drops them at start.
  if (std::optional<ApiError> failed = commit(std::move(next))) {
    observe::log_line(observe::LogLevel::kError, failed->message);
  }
}

void DenylistStore::on_timer(Timer& /*timer*/) {
  expire(DenyClock::now());
  arm_expiry();
}

// The file first: a change the file does not hold would be lost at the next start, so it is
// refused instead (the caller gets a 500 naming the file).
std::optional<ApiError> DenylistStore::commit(std::vector<DenylistEntry> next) {
  if (!path_.empty()) {
    std::string error;
    if (!write_denylist_file(path_, format_denylist(stored_entries(next)), error)) {
      return ApiError{500, "", "the deny list was not changed: " + error};
    }
  }
  entries_ = std::move(next);
  publish();
  arm_expiry();
  return std::nullopt;
}

std::vector<StoredDenyEntry> DenylistStore::stored_entries(
    const std::vector<DenylistEntry>& entries) {
  std::vector<StoredDenyEntry> stored;
  stored.reserve(entries.size());
  for (const DenylistEntry& entry : entries) stored.push_back(entry.stored);
  return stored;
}

void DenylistStore::publish() {
  if (entries_.empty()) {
    publish_(nullptr);
    return;
  }
  std::vector<security::DenyEntry> table;
  table.reserve(entries_.size());
  for (const DenylistEntry& entry : entries_) {
    table.push_back(security::DenyEntry{entry.stored.prefix, entry.expires, entry.hits});
  }
  publish_(std::make_shared<const security::DenyTable>(std::move(table)));
}

// Ticks only while some entry has an end.
void DenylistStore::arm_expiry() {
  if (loop_ == nullptr || expiry_timer_.armed()) return;
  const bool any = std::any_of(entries_.begin(), entries_.end(), [](const DenylistEntry& entry) {
    return entry.expires != TimePoint::max();
  });
  if (any) loop_->arm(expiry_timer_, kExpiryTick);
}

}  // namespace yoke::admin
