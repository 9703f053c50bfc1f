#pragma once
// The variables a configuration defines itself: `map` blocks and `geoip2` blocks (docs/global.md).
// UserVariables is immutable and part of the routing snapshot; UserValueCache is one session's,
// so a value is computed at most once per request, and only when something reads it (nginx
// evaluates map and geoip2 variables lazily and caches them for the request the same way).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "yoke/config/model.h"
#include "yoke/router/geoip2_database.h"
#include "yoke/router/map_variable.h"
#include "yoke/router/variables.h"

namespace yoke::router {

// One session's values of the current request. Worker thread; slots keep their strings'
// capacity between requests, so a steady stream of requests does not allocate.
class UserValueCache {
 public:
  struct Slot {
    std::uint64_t request = 0;  // the request value belongs to
    bool evaluating = false;    // set while computing: a map that reads itself gets ""
    std::string_view value;
    std::string text;    // storage for a computed value
    std::string source;  // a map's source value, which its captures view
  };
  struct Lookup {
    std::uint64_t request = 0;
    GeoLookup record;
  };

  // A new request reading a snapshot with variable_count variables and geoip2_count blocks:
  // earlier values go stale at once (one increment, nothing cleared).
  void begin_request(std::size_t variable_count, std::size_t geoip2_count) {
    ++request_;
    if (slots_.size() < variable_count) slots_.resize(variable_count);
    if (lookups_.size() < geoip2_count) lookups_.resize(geoip2_count);
  }
  std::uint64_t request() const { return request_; }
  Slot& slot(std::size_t index) { return slots_[index]; }
  Lookup& lookup(std::size_t block) { return lookups_[block]; }

 private:
  std::uint64_t request_ = 0;
  std::vector<Slot> slots_;
  std::vector<Lookup> lookups_;
};

class UserVariables {
 public:
  // Compiles http's maps and opens its geoip2 databases. Throws config::ConfigError (a bad
  // regex, a missing or broken database file). Main thread.
  explicit UserVariables(const config::Http& http);

  // Every variable's name, in index order (what compile_template takes).
  const std::vector<std::string>& names() const { return names_; }
  std::size_t geoip2_count() const { return databases_.size(); }

  // Variable index's value for the current request (cache.begin_request was called for it).
  // Reads other variables through source. Worker thread; no locks.
  std::string_view value(std::uint32_t index, const VariableSource& source,
                         UserValueCache& cache) const;

 private:
  struct GeoVariable {
    std::size_t block = 0;
    std::vector<std::string> path;
    std::vector<const char*> path_pointers;  // path's strings, then nullptr (libmaxminddb)
    std::string default_value;
    CompiledTemplate source;  // empty: the client's address
  };
  struct Definition {
    const MapVariable* map = nullptr;  // else geo
    const GeoVariable* geo = nullptr;
  };

  void compute(const Definition& definition, const VariableSource& source, UserValueCache& cache,
               UserValueCache::Slot& slot) const;
  void compute_map(const MapVariable& map, const VariableSource& source,
                   UserValueCache::Slot& slot) const;
  void compute_geo(const GeoVariable& geo, const VariableSource& source, UserValueCache& cache,
                   UserValueCache::Slot& slot) const;

  std::vector<std::string> names_;
  std::vector<Definition> definitions_;
  std::vector<std::unique_ptr<MapVariable>> maps_;
  std::vector<std::unique_ptr<GeoVariable>> geo_variables_;
  std::vector<std::shared_ptr<const GeoIp2Database>> databases_;
};

}  // namespace yoke::router
