#pragma once
// Request-URI handling as nginx does it: location matching works on a normalized path
// (percent-decoded, "." and ".." resolved, slashes merged — ngx_http_parse_complex_uri), and
// proxy_pass with a URI replaces the part matched by the location (nginx proxy_pass docs).
#include <string>
#include <string_view>

namespace yoke::router {

// Normalizes raw_path into out. Returns false for paths nginx rejects with 400: not starting
// with '/', a "%00" or malformed escape, or ".." climbing above the root.
bool normalize_path(std::string_view raw_path, std::string& out);

// Percent-encodes what must not appear raw in a request-target path (controls, space, '%'
// when not followed by hex, '?', '#', and bytes >= 0x80), appending to out.
void append_escaped_path(std::string_view path, std::string& out);

// The URI sent upstream for proxy_pass http://host/URI in a prefix or exact location:
// replacement_uri + the normalized path after the matched prefix, escaped, + "?" + query.
void rewrite_uri(std::string_view replacement_uri, std::string_view location_prefix,
                 std::string_view normalized_path, std::string_view query, std::string& out);

}  // namespace yoke::router
