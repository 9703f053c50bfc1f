#pragma once
// Socket helpers for the demo backend.
#include <cstdint>
#include <string>

namespace yoke::demo {

// Opens a non-blocking IPv4 listening socket on host:port (port 0: the kernel picks one).
// Returns the fd and stores the bound port, or returns -1 and fills error.
int open_listener(const std::string& host, std::uint16_t port, std::uint16_t& bound_port,
                  std::string& error);

// Latency matters more than packet count for a request/response backend.
void set_no_delay(int fd);

std::int64_t monotonic_ms();

}  // namespace yoke::demo
