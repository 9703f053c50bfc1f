#include "admin/dashboard_page.h"

namespace yoke::admin {

std::string dashboard_page(bool token_required) {
  constexpr std::string_view kMarker = "@TOKEN_REQUIRED@";
  const std::string_view page = dashboard_page_template();
  const std::size_t at = page.find(kMarker);
  if (at == std::string_view::npos) return std::string(page);
  // Assembled rather than replaced in place: GCC 12 warns falsely (-Wrestrict) on
  // std::string::replace with a literal.
  std::string out(page.substr(0, at));
  out += token_required ? '1' : '0';
  out += page.substr(at + kMarker.size());
  return out;
}

}  // namespace yoke::admin
