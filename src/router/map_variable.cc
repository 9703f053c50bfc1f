// Matching a map's source value to its entries, in nginx's order (ngx_http_map_find: the hash
// of exact keys, then wildcard hostnames, then regexes in order; else the default value).
#include "yoke/router/map_variable.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace yoke::router {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

MapVariable::MapVariable(const config::Map& map, std::span<const std::string> user_names)
    : source_(compile_template(map.source, user_names)), hostnames_(map.hostnames) {
  for (const config::MapEntry& entry : map.entries) {
    const std::size_t value = values_.size();
    values_.push_back(compile_template(entry.value, user_names));
    if (entry.kind != config::MapEntry::Kind::kExact) {
      RE2::Options options;
      options.set_case_sensitive(entry.kind == config::MapEntry::Kind::kRegex);
      options.set_log_errors(false);
      auto pattern = std::make_unique<re2::RE2>(entry.key, options);
      if (!pattern->ok()) {
        throw config::ConfigError(entry.where,
                                  "invalid regex \"" + entry.key + "\": " + pattern->error());
      }
      regexes_.push_back(Regex{std::move(pattern), value});
    } else if (hostnames_ && entry.key.starts_with("*.")) {
      wildcards_.push_back(Wildcard{lower(entry.key.substr(1)), true, value});
    } else if (hostnames_ && entry.key.starts_with(".")) {
      // ".example.com" matches example.com itself as well as its subdomains (nginx).
      wildcards_.push_back(Wildcard{lower(entry.key), true, value});
      exact_.emplace(lower(entry.key.substr(1)), value);
    } else if (hostnames_ && entry.key.ends_with(".*")) {
      wildcards_.push_back(
          Wildcard{lower(entry.key.substr(0, entry.key.size() - 1)), false, value});
    } else {
      exact_.emplace(hostnames_ ? lower(entry.key) : entry.key, value);
    }
  }
  values_.push_back(compile_template(map.default_value, user_names));
}

MapVariable::~MapVariable() = default;
MapVariable::MapVariable(MapVariable&&) noexcept = default;
MapVariable& MapVariable::operator=(MapVariable&&) noexcept = default;

const MapVariable::Wildcard* MapVariable::best_wildcard(std::string_view key, bool leading) const {
  const Wildcard* best = nullptr;
  for (const Wildcard& wildcard : wildcards_) {
    if (wildcard.leading != leading) continue;
    const bool matches = leading ? key.ends_with(wildcard.text) : key.starts_with(wildcard.text);
    if (matches && (best == nullptr || wildcard.text.size() > best->text.size())) best = &wildcard;
  }
  return best;
}

const CompiledTemplate& MapVariable::match(std::string_view key, MapCaptures& captures) const {
  captures.count = 0;
  if (const auto found = exact_.find(key); found != exact_.end()) return values_[found->second];
  if (hostnames_) {
    if (const Wildcard* wildcard = best_wildcard(key, true)) return values_[wildcard->value];
    if (const Wildcard* wildcard = best_wildcard(key, false)) return values_[wildcard->value];
  }
  for (const Regex& regex : regexes_) {
    const std::size_t groups =
        std::min<std::size_t>(regex.pattern->NumberOfCapturingGroups() + 1, MapCaptures::kMax);
    // Unanchored, as nginx runs a map's PCRE against the whole value.
    std::array<re2::StringPiece, MapCaptures::kMax> pieces;
    if (regex.pattern->Match(re2::StringPiece(key.data(), key.size()), 0, key.size(),
                             RE2::UNANCHORED, pieces.data(), static_cast<int>(groups))) {
      for (std::size_t i = 0; i < groups; ++i) {
        captures.groups[i] = pieces[i].data() == nullptr
                                 ? std::string_view()
                                 : std::string_view(pieces[i].data(), pieces[i].size());
      }
      captures.count = groups;
      return values_[regex.value];
    }
  }
  return values_.back();
}

}  // namespace yoke::router
