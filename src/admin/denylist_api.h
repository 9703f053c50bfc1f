#pragma once
// The admin API over the runtime deny list (docs/admin-api.md, "Deny list"):
//   GET    /api/v1/denylist          every entry: address, expiry, reason, hit count
//   POST   /api/v1/denylist          add (or renew) {"address", "expires", "reason"}
//   GET    /api/v1/denylist/{entry}  one entry
//   DELETE /api/v1/denylist/{entry}  remove it
// {entry} is the entry's address or CIDR network, URL-encoded ("203.0.113.0%2F24"; an address
// without a length is its /32 or /128).
// Built on the main thread; the handlers run on the admin thread, which owns store.
#include <memory>

#include "admin/admin_router.h"
#include "admin/denylist_store.h"

namespace yoke::admin {

void add_denylist_routes(AdminRouter& router, const std::shared_ptr<DenylistStore>& store);

// RFC 3986 §2.1 percent-decoding of one path segment; nullopt for a bad escape or an
// escaped NUL.
std::optional<std::string> percent_decode(std::string_view segment);

}  // namespace yoke::admin
