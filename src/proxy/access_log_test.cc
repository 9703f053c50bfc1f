// AccessLogFile: buffering, reopening after a rename, and failures that drop lines without
// growing memory (src/proxy/access_log.h).
#include "access_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace yoke::proxy {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AccessLogFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/yoke-access-log-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::remove((dir_ + "/access.log").c_str());
    std::remove((dir_ + "/access.log.1").c_str());
    rmdir(dir_.c_str());
  }
  void add_line(AccessLogFile& file, const std::string& line) {
    file.line_buffer().append(line).push_back('\n');
    file.line_done();
  }

  std::string dir_;
  EventLoop loop_;
  observe::WorkerMetrics metrics_{std::span<const std::size_t>()};
};

TEST_F(AccessLogFileTest, WritesWhenTheBufferFillsAndOnFlush) {
  std::string path = dir_ + "/access.log";
  AccessLogFile file({path, 20, Milliseconds(60000)}, loop_, metrics_);
  ASSERT_TRUE(file.ok());
  add_line(file, "one");
  EXPECT_EQ(read_file(path), "");
  add_line(file, "two 0123456789abc");  // 22 bytes in all: past the 20-byte buffer
  EXPECT_EQ(read_file(path), "one\ntwo 0123456789abc\n");
  add_line(file, "three");
  file.flush();
  EXPECT_EQ(read_file(path), "one\ntwo 0123456789abc\nthree\n");
  EXPECT_EQ(metrics_.access_log_write_errors.value(), 0u);
}

TEST_F(AccessLogFileTest, ReopenSendsBufferedLinesToTheOldFileAndLaterOnesToTheNew) {
  std::string path = dir_ + "/access.log";
  AccessLogFile file({path, 4096, Milliseconds(60000)}, loop_, metrics_);
  add_line(file, "before");
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  file.reopen();
  add_line(file, "after");
  file.flush();
  EXPECT_EQ(read_file(path + ".1"), "before\n");
  EXPECT_EQ(read_file(path), "after\n");
}

TEST_F(AccessLogFileTest, AFullDeviceDropsAndCountsTheLines) {
  AccessLogFile file({"/dev/full", 4096, Milliseconds(60000)}, loop_, metrics_);
  ASSERT_TRUE(file.ok());
  for (int i = 0; i < 3; ++i) add_line(file, "line");
  file.flush();
  EXPECT_EQ(metrics_.access_log_write_errors.value(), 1u);
  EXPECT_EQ(metrics_.access_log_lines_dropped.value(), 3u);
  EXPECT_TRUE(file.line_buffer().empty());  // nothing kept: memory does not grow
  add_line(file, "again");
  file.flush();
  EXPECT_EQ(metrics_.access_log_write_errors.value(), 2u);
  EXPECT_EQ(metrics_.access_log_lines_dropped.value(), 4u);
}

TEST_F(AccessLogFileTest, AnUnopenableFileCountsAndReopenTriesAgain) {
  std::string path = dir_ + "/missing/access.log";
  AccessLogFile file({path, 4096, Milliseconds(60000)}, loop_, metrics_);
  EXPECT_FALSE(file.ok());
  EXPECT_EQ(metrics_.access_log_write_errors.value(), 1u);
  file.drop_line();
  EXPECT_EQ(metrics_.access_log_lines_dropped.value(), 1u);
  ASSERT_EQ(mkdir((dir_ + "/missing").c_str(), 0700), 0);
  file.reopen();
  EXPECT_TRUE(file.ok());
  add_line(file, "now");
  file.flush();
  EXPECT_EQ(read_file(path), "now\n");
  std::remove(path.c_str());
  rmdir((dir_ + "/missing").c_str());
}

TEST_F(AccessLogFileTest, APipeGetsWholeLinesOfAtMostPipeBuf) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string path = "/proc/self/fd/" + std::to_string(fds[1]);
  std::string expected;
  {
    AccessLogFile file({path, 1 << 20, Milliseconds(60000)}, loop_, metrics_);
    ASSERT_TRUE(file.ok());
    for (int i = 0; i < 300; ++i) {
      std::string line = "line " + std::to_string(i) + std::string(20, 'x');
      add_line(file, line);
      expected += line + "\n";
    }
    file.flush();  // about 9 KB: three writes cut at line ends
  }
  close(fds[1]);
  std::string got;
  char chunk[65536];
  ssize_t n;
  while ((n = read(fds[0], chunk, sizeof chunk)) > 0) got.append(chunk, static_cast<size_t>(n));
  close(fds[0]);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(metrics_.access_log_write_errors.value(), 0u);
}

}  // namespace
}  // namespace yoke::proxy
