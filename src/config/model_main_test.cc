#include <gtest/gtest.h>

#include "config/config_test_util.h"

namespace yoke::config {
namespace {

using testing::load_error;

constexpr const char* kMinimalHttp = "http { server { location / { return 204; } } }\n";

TEST(ConfigModelMain, Defaults) {
  Config config = load_config_text(kMinimalHttp, "min.conf");
  EXPECT_EQ(config.file, "min.conf");
  EXPECT_EQ(config.worker_processes, 0);
  EXPECT_EQ(config.error_log_path, "");
  EXPECT_EQ(config.error_log_level, "error");
  EXPECT_EQ(config.pid_path, "");
  EXPECT_EQ(config.worker_connections, 16384);
  EXPECT_FALSE(config.worker_connections_set);
  EXPECT_EQ(config.event_method, PollerKind::kEpoll);
  EXPECT_EQ(config.shutdown_grace, Duration(10000));
  EXPECT_EQ(config.drain_grace, Duration(3000));
  ASSERT_EQ(config.http.servers.size(), 1u);
  EXPECT_TRUE(config.http.upstreams.empty());
}

TEST(ConfigModelMain, EveryMainDirective) {
  Config config = load_config_text(std::string("worker_processes 4;\n"
                                               "error_log /var/log/yoke/error.log warn;\n"
                                               "pid /run/yoke.pid;\n"
                                               "events { worker_connections 1024; use io_uring; }\n"
                                               "worker_shutdown_timeout 30s;\n"
                                               "drain_grace 1500ms;\n") +
                                       kMinimalHttp,
                                   "t.conf");
  EXPECT_EQ(config.worker_processes, 4);
  EXPECT_EQ(config.error_log_path, "/var/log/yoke/error.log");
  EXPECT_EQ(config.error_log_level, "warn");
  EXPECT_EQ(config.pid_path, "/run/yoke.pid");
  EXPECT_EQ(config.worker_connections, 1024);
  EXPECT_TRUE(config.worker_connections_set);
  EXPECT_EQ(config.event_method, PollerKind::kIoUring);
  EXPECT_EQ(config.shutdown_grace, Duration(30000));
  EXPECT_EQ(config.drain_grace, Duration(1500));
}

// drain_grace 0 is allowed: the graceful stop begins at the next tick of the main loop.
TEST(ConfigModelMain, DrainGrace) {
  EXPECT_EQ(load_config_text(std::string("drain_grace 0;\n") + kMinimalHttp, "t.conf").drain_grace,
            Duration(0));
  EXPECT_EQ(load_error("drain_grace soon;"),
            "t.conf:1:13: invalid value \"soon\" in \"drain_grace\" directive, expected a time "
            "such as \"30s\", \"500ms\" or \"1m30s\"");
  EXPECT_EQ(load_error("drain_grace 1s;\ndrain_grace 2s;"),
            "t.conf:2:1: \"drain_grace\" directive is duplicate");
  EXPECT_EQ(load_error("http { drain_grace 1s; }"),
            "t.conf:1:8: \"drain_grace\" directive is not allowed here");
}

TEST(ConfigModelMain, EventMethods) {
  for (auto [text, kind] :
       {std::pair{"epoll", PollerKind::kEpoll}, std::pair{"io_uring", PollerKind::kIoUring}}) {
    Config config = load_config_text(
        std::string("events {\n  use ") + text + ";\n}\n" + kMinimalHttp, "t.conf");
    EXPECT_EQ(config.event_method, kind) << text;
  }
}

// nginx's wording ("invalid event type", "is duplicate", "not allowed here"), with the names
// Yoke knows.
TEST(ConfigModelMain, BadEventMethods) {
  EXPECT_EQ(load_error("events { use kqueue; }"),
            "t.conf:1:14: invalid event type \"kqueue\", expected one of: epoll io_uring");
  EXPECT_EQ(load_error("events {\n  use epoll;\n  use kqueue;\n}"),
            "t.conf:3:3: \"use\" directive is duplicate");
  EXPECT_EQ(load_error("events { use; }"),
            "t.conf:1:10: invalid number of arguments in \"use\" directive");
  EXPECT_EQ(load_error("events { use epoll io_uring; }"),
            "t.conf:1:10: invalid number of arguments in \"use\" directive");
  EXPECT_EQ(load_error("events { use epoll { } }"),
            "t.conf:1:10: directive \"use\" is not terminated by \";\"");
  EXPECT_EQ(load_error("use epoll;"), "t.conf:1:1: \"use\" directive is not allowed here");
}

TEST(ConfigModelMain, AutoWorkersAndStderrLog) {
  Config config = load_config_text(
      std::string("worker_processes auto;\nerror_log stderr;\nevents {}\n") + kMinimalHttp,
      "t.conf");
  EXPECT_EQ(config.worker_processes, 0);
  EXPECT_EQ(config.error_log_path, "");
  EXPECT_EQ(config.error_log_level, "error");
  EXPECT_EQ(config.worker_connections, 16384);
}

TEST(ConfigModelMain, BadMainValues) {
  EXPECT_EQ(load_error("worker_processes 0;"),
            "t.conf:1:18: invalid value \"0\" in \"worker_processes\" directive, expected a "
            "number from 1 to 4096");
  EXPECT_EQ(load_error("error_log x.log loud;"),
            "t.conf:1:17: invalid log level \"loud\", expected one of: debug info notice warn "
            "error crit alert emerg");
  EXPECT_EQ(load_error("events { worker_connections 0; }"),
            "t.conf:1:29: invalid value \"0\" in \"worker_connections\" directive, expected a "
            "number from 1 to 2147483647");
  EXPECT_EQ(load_error("events { listen 80; }"),
            "t.conf:1:10: \"listen\" directive is not allowed here");
  EXPECT_EQ(load_error("worker_shutdown_timeout 0;"),
            "t.conf:1:25: invalid value \"0\" in \"worker_shutdown_timeout\" directive, expected "
            "a time above zero");
}

TEST(ConfigModelMain, MainDirectivesAreOnceOnly) {
  EXPECT_EQ(load_error("pid a;\npid b;"), "t.conf:2:1: \"pid\" directive is duplicate");
  EXPECT_EQ(load_error(std::string(kMinimalHttp) + kMinimalHttp),
            "t.conf:2:1: \"http\" directive is duplicate");
}

TEST(ConfigModelMain, HttpIsRequired) {
  EXPECT_EQ(load_error("worker_processes 1;"),
            "t.conf:1:1: no \"http\" block, expected one with at least one \"server\"");
  EXPECT_EQ(load_error("http {\n}"),
            "t.conf:1:1: no \"server\" block inside \"http\", expected at least one");
  EXPECT_EQ(load_error("http;"), "t.conf:1:1: directive \"http\" has no opening \"{\"");
}

}  // namespace
}  // namespace yoke::config
