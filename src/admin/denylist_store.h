#pragma once
// The runtime deny list's entries (docs/admin-api.md, "Deny list"), owned by the admin thread:
// the API adds and removes entries here, and every change rebuilds an immutable
// security::DenyTable that `publish` hands to the workers (server.cc posts it to each worker's
// loop, so a worker sees it within its next loop iteration) and rewrites the denylist_file.
// A timer on the admin loop drops expired entries once a second, without a request needing to
// arrive; until then the table itself ignores them (DenyEntry::expires).
// load() on the main thread before the admin thread starts; everything else on the admin
// thread. No locks: one thread owns it.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "admin/api_input.h"
#include "admin/denylist_file.h"
#include "yoke/core/event_loop.h"
#include "yoke/core/timer.h"
#include "yoke/security/deny_table.h"

namespace yoke::admin {

// The two clocks a change needs: the steady one the workers compare expiries with, the wall
// one the file keeps (Unix seconds).
struct DenyClock {
  TimePoint steady;
  std::int64_t wall_seconds = 0;
  static DenyClock now();
};

struct DenylistEntry {
  StoredDenyEntry stored;
  TimePoint expires = TimePoint::max();  // steady clock; max() = never
  std::shared_ptr<std::atomic<std::uint64_t>> hits =
      std::make_shared<std::atomic<std::uint64_t>>(0);
};

class DenylistStore final : public TimerHandler {
 public:
  // publish gets the new table, or null when the list is empty (a worker's check is then one
  // null test). path: the denylist_file, or empty to keep the list in memory only.
  using Publish = std::function<void(std::shared_ptr<const security::DenyTable>)>;
  DenylistStore(std::string path, Publish publish);
  ~DenylistStore();
  DenylistStore(const DenylistStore&) = delete;
  DenylistStore& operator=(const DenylistStore&) = delete;

  // Reads path (a missing file is an empty list), drops entries that expired while Yoke was
  // not running, writes the file back (so an unwritable path fails here) and publishes. False
  // with error "PATH:LINE: …" on a broken file, or naming the file when it cannot be written.
  bool load(DenyClock now, std::string& error);
  // Starts the expiry timer on loop (the admin thread's, from that thread).
  void attach(EventLoop& loop);
  // Stops it; after the admin thread has ended (any thread then).
  void detach();

  // Adds addition, or replaces the entry of the same network (its hit count is kept). Returns
  // whether it was new, or an error (500) when the file cannot be written: nothing changed.
  std::variant<bool, ApiError> put(const DenylistAddition& addition, DenyClock now);
  // Removes the entry of exactly this network; 404 when there is none, 500 when the file
  // cannot be written (nothing changed then).
  std::optional<ApiError> remove(const security::IpPrefix& prefix, DenyClock now);
  // Drops entries whose end has come; republishes and rewrites the file when any did.
  void expire(DenyClock now);

  const std::vector<DenylistEntry>& entries() const { return entries_; }
  const DenylistEntry* find(const security::IpPrefix& prefix) const;
  void on_timer(Timer& timer) override;

 private:
  std::optional<ApiError> commit(std::vector<DenylistEntry> next);
  static std::vector<StoredDenyEntry> stored_entries(const std::vector<DenylistEntry>& entries);
  std::vector<StoredDenyEntry> stored_entries() const { return stored_entries(entries_); }
  void publish();
  void arm_expiry();

  std::string path_;
  Publish publish_;
  std::vector<DenylistEntry> entries_;
  EventLoop* loop_ = nullptr;
  Timer expiry_timer_;
};

// How a deny entry's steady-clock end follows from its wall-clock one at now.
TimePoint steady_expiry(std::int64_t expires_at, DenyClock now);

}  // namespace yoke::admin
