// Evaluating map and geoip2 variables for one request (user_variables.h).
#include "yoke/router/user_variables.h"

#include <netinet/in.h>

#include <cctype>
#include <cstring>

namespace yoke::router {
namespace {

// The client's address from $binary_remote_addr (the real one after realip / PROXY protocol).
GeoLookup lookup_client(const GeoIp2Database& database, const VariableSource& source) {
  const std::string_view binary = source.value(VariableId::kBinaryRemoteAddr, {});
  if (binary.size() == 4) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    std::memcpy(&v4.sin_addr, binary.data(), 4);
    return database.lookup(reinterpret_cast<const sockaddr*>(&v4));
  }
  if (binary.size() == 16) {
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    std::memcpy(&v6.sin6_addr, binary.data(), 16);
    return database.lookup(reinterpret_cast<const sockaddr*>(&v6));
  }
  return {};
}

// nginx's map with `hostnames` compares host names in lower case and without a trailing dot.
void normalize_hostname(std::string& name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!name.empty() && name.back() == '.') name.pop_back();
}

}  // namespace

UserVariables::UserVariables(const config::Http& http) {
  for (const config::Map& map : http.maps) names_.push_back(map.variable);
  for (const config::GeoIp2& block : http.geoip2) {
    for (const config::GeoIp2Variable& variable : block.variables)
      names_.push_back(variable.variable);
  }
  for (const config::Map& map : http.maps) {
    maps_.push_back(std::make_unique<MapVariable>(map, names_));
    definitions_.push_back(Definition{maps_.back().get(), nullptr});
  }
  for (const config::GeoIp2& block : http.geoip2) {
    databases_.push_back(GeoIp2Database::open(block));
    for (const config::GeoIp2Variable& variable : block.variables) {
      auto geo = std::make_unique<GeoVariable>();
      geo->block = databases_.size() - 1;
      geo->path = variable.path;
      for (const std::string& step : geo->path) geo->path_pointers.push_back(step.c_str());
      geo->path_pointers.push_back(nullptr);
      geo->default_value = variable.default_value;
      if (!variable.source.empty()) {
        config::ValueTemplate source;
        source.source = "$" + variable.source;
        source.parts.push_back({true, variable.source});
        geo->source = compile_template(source, names_);
      }
      geo_variables_.push_back(std::move(geo));
      definitions_.push_back(Definition{nullptr, geo_variables_.back().get()});
    }
  }
}

std::string_view UserVariables::value(std::uint32_t index, const VariableSource& source,
                                      UserValueCache& cache) const {
  if (index >= definitions_.size()) return "";
  UserValueCache::Slot& slot = cache.slot(index);
  if (slot.request == cache.request()) return slot.value;
  if (slot.evaluating) return "";  // a map that reads itself, directly or through others
  slot.evaluating = true;
  compute(definitions_[index], source, cache, slot);
  slot.evaluating = false;
  slot.request = cache.request();
  return slot.value;
}

void UserVariables::compute(const Definition& definition, const VariableSource& source,
                            UserValueCache& cache, UserValueCache::Slot& slot) const {
  if (definition.map != nullptr) {
    compute_map(*definition.map, source, slot);
  } else {
    compute_geo(*definition.geo, source, cache, slot);
  }
}

void UserVariables::compute_map(const MapVariable& map, const VariableSource& source,
                                UserValueCache::Slot& slot) const {
  slot.source.clear();
  expand(map.source(), source, [&slot](std::string_view part) { slot.source.append(part); });
  if (map.hostnames()) normalize_hostname(slot.source);
  MapCaptures captures;
  const CompiledTemplate& value = map.match(slot.source, captures);
  if (value.parts.empty()) {
    slot.value = "";
    return;
  }
  if (value.parts.size() == 1 && value.parts[0].id == VariableId::kLiteral) {
    slot.value = value.parts[0].text;  // a constant: no copy
    return;
  }
  // A variable read while expanding never touches this slot (a cycle back to it stops at
  // `evaluating`), so text and the captures' source stay put.
  slot.text.clear();
  for (const CompiledPart& part : value.parts) {
    if (part.id == VariableId::kCapture) {
      if (part.index < captures.count) slot.text.append(captures.groups[part.index]);
    } else {
      expand_part(part, source, [&slot](std::string_view piece) { slot.text.append(piece); });
    }
  }
  slot.value = slot.text;
}

void UserVariables::compute_geo(const GeoVariable& geo, const VariableSource& source,
                                UserValueCache& cache, UserValueCache::Slot& slot) const {
  const GeoIp2Database& database = *databases_[geo.block];
  GeoLookup record;
  if (geo.source.parts.empty()) {
    // One lookup of the client's address per block and request, whichever variable asks first.
    UserValueCache::Lookup& lookup = cache.lookup(geo.block);
    if (lookup.request != cache.request()) {
      lookup.record = lookup_client(database, source);
      lookup.request = cache.request();
    }
    record = lookup.record;
  } else {
    slot.source.clear();
    expand(geo.source, source, [&slot](std::string_view part) { slot.source.append(part); });
    record = database.lookup_text(slot.source.c_str());
  }
  slot.value = database.value(record, geo.path_pointers.data(), slot.text);
  if (slot.value.empty()) slot.value = geo.default_value;
}

}  // namespace yoke::router
