// Hop-by-hop fields (RFC 9110 §7.6.1) and case-insensitive comparison of names and tokens.
#include <array>

#include "http1/field_syntax.h"
#include "http1/token_list.h"
#include "yoke/http1/message.h"

namespace yoke::http1 {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (syntax::kLower[static_cast<unsigned char>(a[i])] !=
        syntax::kLower[static_cast<unsigned char>(b[i])]) {
      return false;
    }
  }
  return true;
}

bool is_hop_by_hop(std::string_view field_name) {
  // RFC 9110 §7.6.1 names Connection, Proxy-Connection, Keep-Alive, TE, Transfer-Encoding and
  // Upgrade; Trailer is hop-by-hop as in RFC 2616 §13.5.1 and every common proxy.
  static constexpr std::array<std::string_view, 7> kHopByHop = {
      "connection", "keep-alive",        "proxy-connection", "te",
      "trailer",    "transfer-encoding", "upgrade"};
  for (std::string_view name : kHopByHop) {
    if (iequals(field_name, name)) return true;
  }
  return false;
}

bool named_in_connection(const Header* headers, std::size_t count, std::string_view field_name) {
  for (std::size_t i = 0; i < count; ++i) {
    if (!iequals(headers[i].name, "connection")) continue;
    ListElements options(headers[i].value);
    std::string_view option;
    while (options.next(option)) {
      if (iequals(option, field_name)) return true;
    }
  }
  return false;
}

}  // namespace yoke::http1
