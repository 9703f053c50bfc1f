// render_frame on two hand-made /api/v1/stats bodies one second apart: rates and percentiles
// come from their difference, servers are sorted down first and then by p99, and the slow one
// is marked.
#include "top/frame.h"

#include <gtest/gtest.h>

namespace yoke::top {
namespace {

using nlohmann::json;

json server(const std::string& address, const std::string& state, std::uint64_t requests,
            std::uint64_t fast, std::uint64_t slow) {
  // Buckets as in kLatencyBoundsMicros: index 0 = up to 0.5 ms, index 6 = (25 ms, 50 ms].
  json buckets = json::array();
  for (int i = 0; i < 17; ++i) buckets.push_back(i == 0 ? fast : i == 6 ? slow : 0);
  return json{{"address", address},
              {"state", state},
              {"weight", 1},
              {"in_flight", 0},
              {"requests", requests},
              {"responses", {{"1xx", 0}, {"2xx", requests}, {"3xx", 0}, {"4xx", 0}, {"5xx", 0}}},
              {"response_time", {{"buckets", buckets}}},
              {"health_checks", {{"total", 3}, {"recent", {true, false, true}}}}};
}

json stats(double at, std::uint64_t a, std::uint64_t b, const std::string& b_state,
           std::uint64_t c_slow) {
  json bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                 0.25,   0.5,   1.0,    2.5,   5.0,  10.0,  30.0, 60.0};
  json responses = {{"1xx", 0}, {"2xx", a + b + c_slow}, {"3xx", 0}, {"4xx", 0}, {"5xx", 0}};
  return json{{"version", "9.9"},
              {"workers", 2},
              {"monotonic_seconds", at},
              {"latency_bounds_seconds", bounds},
              {"totals",
               {{"requests", a + b + c_slow},
                {"responses", responses},
                {"connections", {{"open", 4}}},
                {"tls", {{"handshakes", 0}, {"handshake_seconds_sum", 0.0}}}}},
              {"upstreams",
               {{{"name", "app"},
                 {"servers",
                  {server("10.0.0.1:80", "up", a, a, 0), server("10.0.0.2:80", b_state, b, b, 0),
                   server("10.0.0.3:80", "up", c_slow, 0, c_slow)}}}}}};
}

TEST(TopFrame, RatesSortingAndSlowMark) {
  std::string frame = render_frame(stats(11, 150, 40, "down", 60), stats(10, 100, 40, "up", 10),
                                   FrameStyle{false, "127.0.0.1:9901"});
  EXPECT_NE(frame.find("version 9.9, 2 workers"), std::string::npos) << frame;
  EXPECT_NE(frame.find("requests 100/s"), std::string::npos) << frame;
  EXPECT_NE(frame.find("upstream app: 2 of 3 up, 100 req/s"), std::string::npos) << frame;
  const std::size_t down = frame.find("10.0.0.2:80");
  const std::size_t slow = frame.find("10.0.0.3:80");
  const std::size_t fast = frame.find("10.0.0.1:80");
  ASSERT_NE(down, std::string::npos);
  EXPECT_LT(down, slow) << "down first";
  EXPECT_LT(slow, fast) << "then the highest p99";
  const std::string slow_line = frame.substr(slow, frame.find('\n', slow) - slow);
  EXPECT_NE(slow_line.find(" 50.0 "), std::string::npos) << slow_line;  // 50 req/s
  EXPECT_NE(slow_line.find("50.0%"), std::string::npos) << slow_line;   // half the traffic
  EXPECT_NE(slow_line.find("ms!"), std::string::npos) << slow_line;     // p99 marked slow
  EXPECT_NE(slow_line.find("+x+"), std::string::npos) << slow_line;     // checks, newest last
  EXPECT_EQ(frame.find("\x1b["), std::string::npos) << "no colour asked for";
}

TEST(TopFrame, ColoursStatesWhenAsked) {
  std::string frame =
      render_frame(stats(2, 1, 1, "down", 1), stats(1, 0, 0, "down", 0), FrameStyle{true, "x"});
  EXPECT_NE(frame.find("\x1b[31;1mdown"), std::string::npos);
}

}  // namespace
}  // namespace yoke::top
