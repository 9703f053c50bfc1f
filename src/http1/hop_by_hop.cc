// Hop-by-hop fields (RFC 9110 §7.6.1) and case-insensitive comparison of names and tokens.
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
  // Upgrade; Trailer is hop-by-hop as in RFC 2616 §13.5.1 and every common proxy. Called for
  // every forwarded field, so dispatch on length: most names match no candidate's length.
  switch (field_name.size()) {
    case 2:
      return iequals(field_name, "te");
    case 7:
      return iequals(field_name, "trailer") || iequals(field_name, "upgrade");
    case 10:
      return iequals(field_name, "connection") || iequals(field_name, "keep-alive");
    case 16:
      return iequals(field_name, "proxy-connection");
    case 17:
      return iequals(field_name, "transfer-encoding");
    default:
      return false;
  }
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
