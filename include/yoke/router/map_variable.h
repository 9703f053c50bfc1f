#pragma once
// One `map` block compiled for matching (ngx_http_map_module): exact keys in a hash table, then
// with `hostnames` the longest leading wildcard ("*.example.com", ".example.com") and the
// longest trailing one ("www.example.*"), then the regexes in configured order (the first that
// matches wins, its groups become $0 … $9 in the value), then `default`. Immutable once built;
// workers match concurrently without locks.
#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "yoke/config/model.h"
#include "yoke/router/variables.h"

namespace re2 {
class RE2;
}

namespace yoke::router {

// A regex's groups for one match: $0 (the whole match) … $9; views into the matched text.
struct MapCaptures {
  static constexpr std::size_t kMax = 10;
  std::array<std::string_view, kMax> groups{};
  std::size_t count = 0;
};

class MapVariable {
 public:
  // Compiles map's keys and values (user_names: as compile_template). Throws config::ConfigError
  // at the entry for a regex RE2 rejects. Main thread.
  MapVariable(const config::Map& map, std::span<const std::string> user_names);
  ~MapVariable();
  MapVariable(MapVariable&&) noexcept;
  MapVariable& operator=(MapVariable&&) noexcept;

  // The source value to match, as written after `map`.
  const CompiledTemplate& source() const { return source_; }
  // With `hostnames`, the source is compared in lower case without a trailing dot (nginx).
  bool hostnames() const { return hostnames_; }

  // The value template for key (already lower-cased for hostnames); for a regex entry,
  // captures receives its groups (views into key). Never fails: no match gives `default`.
  const CompiledTemplate& match(std::string_view key, MapCaptures& captures) const;

 private:
  struct Wildcard {
    std::string text;  // ".example.com" for "*.example.com" and ".example.com"; "www.example."
    bool leading = true;
    std::size_t value = 0;
  };
  struct Regex {
    std::unique_ptr<re2::RE2> pattern;
    std::size_t value = 0;
  };
  // std::string keys looked up by string_view without a copy (C++20 heterogeneous lookup).
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };

  const Wildcard* best_wildcard(std::string_view key, bool leading) const;

  CompiledTemplate source_;
  bool hostnames_ = false;
  std::vector<CompiledTemplate> values_;  // every entry's value; default last
  std::unordered_map<std::string, std::size_t, KeyHash, std::equal_to<>> exact_;
  std::vector<Wildcard> wildcards_;
  std::vector<Regex> regexes_;
};

}  // namespace yoke::router
