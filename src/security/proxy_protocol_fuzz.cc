// libFuzzer target for the PROXY protocol parser (the first bytes of every connection on a
// `listen … proxy_protocol` address come from the network unchecked). Beyond "no crash, no
// sanitizer report" it checks the contract the connection relies on: a complete header's size
// lies within the input and within the bounds, and the verdict is prefix-stable — bytes after a
// complete header do not change it, and no prefix of a complete header is already invalid.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "yoke/security/proxy_protocol.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using yoke::security::ProxyHeader;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);  // NOLINT
  const ProxyHeader header = yoke::security::parse_proxy_header(bytes);
  if (header.status == ProxyHeader::Status::kInvalid) check(!header.reason.empty());
  if (header.status != ProxyHeader::Status::kComplete) return 0;
  check(header.size > 0 && header.size <= size && header.size <= yoke::security::kMaxProxyHeader);
  const ProxyHeader exact = yoke::security::parse_proxy_header(bytes.substr(0, header.size));
  check(exact.status == ProxyHeader::Status::kComplete && exact.size == header.size);
  check(exact.has_addresses == header.has_addresses);
  for (std::size_t n = 0; n < header.size; ++n) {
    check(yoke::security::parse_proxy_header(bytes.substr(0, n)).status !=
          ProxyHeader::Status::kInvalid);
  }
  return 0;
}
