#pragma once
// A blocking HTTP/1.1 GET to Yoke's admin listener, for `yoke top` (a command-line client, never
// part of the running server): one connection per request, "Connection: close", the body read
// to the end. Bounded by a timeout for connect, send and every read.
#include <chrono>
#include <optional>
#include <string>

#include "yoke/core/socket_address.h"

namespace yoke::top {

struct AdminAnswer {
  int status = 0;
  std::string body;
};

// GET path with "Authorization: Bearer token" when token is not empty. Empty with error set
// ("connect to 127.0.0.1:9901: Connection refused", "no answer within 5 s", …) when no complete
// answer came.
std::optional<AdminAnswer> admin_get(const SocketAddress& address, const std::string& path,
                                     const std::string& token, std::chrono::milliseconds timeout,
                                     std::string& error);

}  // namespace yoke::top
