#pragma once
// The dashboard page (src/admin/dashboard/, built into the binary by
// cmake/embed_dashboard.cmake): HTML with its CSS and JavaScript inlined.
#include <string>
#include <string_view>

namespace yoke::admin {

// The page as built, with the marker "@TOKEN_REQUIRED@" still in it.
std::string_view dashboard_page_template();

// The page to serve: token_required tells it to ask for the admin token before its first
// request (so that it never makes a request bound to fail with 401).
std::string dashboard_page(bool token_required);

}  // namespace yoke::admin
