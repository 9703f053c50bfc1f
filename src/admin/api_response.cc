#include "admin/api_response.h"

namespace yoke::admin {

AdminResponse json_response(int status, const nlohmann::ordered_json& body) {
  AdminResponse response;
  response.status = status;
  response.content_type = "application/json";
  // Invalid UTF-8 in a configured name is replaced rather than failing the whole answer.
  response.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  response.body += '\n';
  return response;
}

AdminResponse error_response(const ApiError& error) {
  nlohmann::ordered_json body;
  body["status"] = error.status;
  body["field"] =
      error.field.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(error.field);
  body["error"] = error.message;
  return json_response(error.status, body);
}

}  // namespace yoke::admin
