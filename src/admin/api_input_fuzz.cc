// libFuzzer target for what admin API clients send (api_input.h): PATCH bodies, deny list
// entries, server IDs, deny list path entries and Content-Type values. Every input must give a
// patch or an error, never a crash, a leak or undefined behaviour; deep nesting must be refused
// while parsing (kMaxJsonDepth).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "admin/api_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace yoke::admin;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_server_patch(text);
  if (const auto* patch = std::get_if<ServerPatch>(&parsed)) {
    // A patch only ever carries values the API accepts.
    if (patch->weight && patch->weight->has_value() &&
        (**patch->weight < 0 || **patch->weight > kMaxApiWeight)) {
      __builtin_trap();
    }
  }
  auto addition = parse_denylist_addition(text);
  if (const auto* entry = std::get_if<DenylistAddition>(&addition)) {
    if (entry->expires_s && (*entry->expires_s < 1 || *entry->expires_s > kMaxDenyExpirySeconds)) {
      __builtin_trap();
    }
  }
  (void)parse_deny_prefix(text, "path");
  (void)parse_server_index(text);
  (void)is_json_content_type(text);
  return 0;
}
