#pragma once
// JSON answers of the admin API (docs/admin-api.md, "Errors").
#include <nlohmann/json.hpp>

#include "admin/admin_router.h"
#include "admin/api_input.h"

namespace yoke::admin {

// status with body as compact JSON (Content-Type: application/json).
AdminResponse json_response(int status, const nlohmann::ordered_json& body);
// {"status": 400, "field": "weight", "error": "…"}; "field" is null when no field is at fault.
AdminResponse error_response(const ApiError& error);

}  // namespace yoke::admin
