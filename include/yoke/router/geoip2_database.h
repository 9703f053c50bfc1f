#pragma once
// A MaxMind DB file (GeoLite2, DB-IP's free databases, or one written for tests) opened with
// libmaxminddb for `geoip2` blocks. Opened with the configuration snapshot on the main thread
// and closed with it, so a reload reopens the file; lookups are read-only and safe from every
// worker at once (libmaxminddb keeps no state per lookup; the file is memory-mapped).
#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "yoke/config/model.h"

struct MMDB_s;

namespace yoke::router {

// Where one address's record is in the database; found = false when the address is not in it.
struct GeoLookup {
  bool found = false;
  std::uint32_t offset = 0;
};

class GeoIp2Database {
 public:
  // Opens block.file; throws config::ConfigError at block.where naming the file and libmaxminddb's
  // reason when it is missing or not a valid database. Main thread.
  static std::shared_ptr<const GeoIp2Database> open(const config::GeoIp2& block);
  ~GeoIp2Database();
  GeoIp2Database(const GeoIp2Database&) = delete;
  GeoIp2Database& operator=(const GeoIp2Database&) = delete;

  // The record of an IPv4 or IPv6 address (an IPv4-mapped IPv6 address is looked up as IPv4).
  GeoLookup lookup(const sockaddr* address) const;
  // The same for an address in text; address must end with '\0'. Not found when it is no
  // address.
  GeoLookup lookup_text(const char* address) const;
  // The value at path (a null-terminated array, e.g. {"country", "iso_code", nullptr}) of the
  // record; empty when the record has no such value or it is a map or an array. Strings are
  // views into the mapped file; numbers are written into text and viewed there.
  std::string_view value(const GeoLookup& record, const char* const* path, std::string& text) const;

 private:
  GeoIp2Database();
  std::unique_ptr<MMDB_s> mmdb_;
};

}  // namespace yoke::router
