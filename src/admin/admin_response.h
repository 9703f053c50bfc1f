#pragma once
// The bytes of an admin response (RFC 9112 §4 status line, §6 framing by Content-Length).
#include <string>

#include "admin/admin_router.h"

namespace yoke::admin {

// Appends response to out. head_only: a HEAD request (same fields, no body, RFC 9110 §9.3.2).
// close: announce "Connection: close" (the connection ends after this response).
void append_response(std::string& out, const AdminResponse& response, bool head_only, bool close);

}  // namespace yoke::admin
