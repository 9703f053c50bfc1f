// libmaxminddb (Debian's libmaxminddb-dev) behind GeoIp2Database. The MaxMind DB format:
// https://maxmind.github.io/MaxMind-DB/ ; the calls follow libmaxminddb's documentation
// (MMDB_open with MMDB_MODE_MMAP, MMDB_lookup_sockaddr, MMDB_aget_value).
#include "yoke/router/geoip2_database.h"

#include <maxminddb.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace yoke::router {

GeoIp2Database::GeoIp2Database() : mmdb_(std::make_unique<MMDB_s>()) {}

GeoIp2Database::~GeoIp2Database() {
  if (mmdb_ != nullptr) MMDB_close(mmdb_.get());
}

std::shared_ptr<const GeoIp2Database> GeoIp2Database::open(const config::GeoIp2& block) {
  std::shared_ptr<GeoIp2Database> database(new GeoIp2Database());
  const int status = MMDB_open(block.file.c_str(), MMDB_MODE_MMAP, database->mmdb_.get());
  const int system_error = errno;
  if (status != MMDB_SUCCESS) {
    // MMDB_open frees what it allocated on failure, and an unopened MMDB_s must not be closed.
    database->mmdb_.reset();
    std::string reason = MMDB_strerror(status);
    if (status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) {
      reason += std::string(": ") + std::strerror(system_error);
    }
    throw config::ConfigError(block.where,
                              "cannot open geoip2 database \"" + block.file + "\": " + reason);
  }
  return database;
}

GeoLookup GeoIp2Database::lookup(const sockaddr* address) const {
  sockaddr_in v4{};
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      v4.sin_family = AF_INET;
      std::memcpy(&v4.sin_addr, v6->sin6_addr.s6_addr + 12, 4);
      address = reinterpret_cast<const sockaddr*>(&v4);
    }
  } else if (address->sa_family != AF_INET) {
    return {};
  }
  int error = MMDB_SUCCESS;
  const MMDB_lookup_result_s result = MMDB_lookup_sockaddr(mmdb_.get(), address, &error);
  if (error != MMDB_SUCCESS || !result.found_entry) return {};
  return {true, result.entry.offset};
}

GeoLookup GeoIp2Database::lookup_text(const char* address) const {
  int gai_error = 0;
  int error = MMDB_SUCCESS;
  const MMDB_lookup_result_s result = MMDB_lookup_string(mmdb_.get(), address, &gai_error, &error);
  if (gai_error != 0 || error != MMDB_SUCCESS || !result.found_entry) return {};
  return {true, result.entry.offset};
}

std::string_view GeoIp2Database::value(const GeoLookup& record, const char* const* path,
                                       std::string& text) const {
  if (!record.found) return {};
  MMDB_entry_s entry{mmdb_.get(), record.offset};
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data) return {};
  switch (data.type) {
    case MMDB_DATA_TYPE_UTF8_STRING:
      return {data.utf8_string, data.data_size};
    case MMDB_DATA_TYPE_BOOLEAN:
      text = data.boolean ? "1" : "0";
      return text;
    case MMDB_DATA_TYPE_UINT16:
      text = std::to_string(data.uint16);
      return text;
    case MMDB_DATA_TYPE_UINT32:
      text = std::to_string(data.uint32);
      return text;
    case MMDB_DATA_TYPE_INT32:
      text = std::to_string(data.int32);
      return text;
    case MMDB_DATA_TYPE_UINT64:
      text = std::to_string(data.uint64);
      return text;
    case MMDB_DATA_TYPE_DOUBLE:
      text = std::to_string(data.double_value);
      return text;
    case MMDB_DATA_TYPE_FLOAT:
      text = std::to_string(data.float_value);
      return text;
    default:
      return {};  // maps, arrays, bytes: nothing to put in a header or a key
  }
}

}  // namespace yoke::router
