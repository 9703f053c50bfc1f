#include "admin/denylist_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "admin/denylist_api.h"
#include "yoke/core/socket_address.h"

namespace yoke::admin {
namespace {

// A fake pair of clocks: the steady one at 1000 s, the wall one at 1.7e9 s, moved together.
DenyClock at(std::int64_t seconds_later) {
  return DenyClock{TimePoint(std::chrono::seconds(1000 + seconds_later)),
                   1'700'000'000 + seconds_later};
}

security::IpPrefix prefix(std::string_view text) {
  security::IpPrefix parsed;
  std::string error;
  EXPECT_TRUE(security::IpPrefix::parse(text, parsed, error)) << text;
  return parsed;
}

DenylistAddition addition(std::string_view text, std::optional<std::int64_t> expires = {},
                          std::string reason = "") {
  return DenylistAddition{prefix(text), expires, std::move(reason)};
}

security::ClientAddress client(std::string_view text) {
  SocketAddress address;
  EXPECT_TRUE(SocketAddress::parse_numeric(text, address)) << text;
  return security::ClientAddress::of(address.get());
}

// A store whose published tables are kept, with its file in a folder of its own.
class DenylistStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ =
        std::filesystem::temp_directory_path() / ("yoke-denylist-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(folder_);
    path_ = (folder_ / "deny.list").string();
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::unique_ptr<DenylistStore> make_store(const std::string& path) {
    return std::make_unique<DenylistStore>(
        path, [this](std::shared_ptr<const security::DenyTable> table) {
          published_ = std::move(table);
          ++publications_;
        });
  }
  std::string file_text() const {
    std::ifstream in(path_);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  bool denies(std::string_view address, DenyClock now) const {
    return published_ != nullptr && published_->find(client(address), now.steady) != nullptr;
  }

  std::filesystem::path folder_;
  std::string path_;
  std::shared_ptr<const security::DenyTable> published_;
  int publications_ = 0;
};

TEST(DenylistFile, RoundTripsEntries) {
  std::vector<StoredDenyEntry> entries(2);
  std::string error;
  ASSERT_TRUE(security::IpPrefix::parse("203.0.113.0/24", entries[0].prefix, error));
  entries[0].expires_at = 1'700'000'600;
  entries[0].added_at = 1'700'000'000;
  entries[0].reason = "credential stuffing from ticket #12";
  ASSERT_TRUE(security::IpPrefix::parse("2001:db8::/32", entries[1].prefix, error));
  entries[1].added_at = 1'700'000'001;
  const std::string text = format_denylist(entries);
  EXPECT_NE(text.find("203.0.113.0/24 1700000600 1700000000 credential stuffing"),
            std::string::npos);
  EXPECT_NE(text.find("2001:db8::/32 never 1700000001\n"), std::string::npos);
  std::vector<StoredDenyEntry> read;
  ASSERT_TRUE(parse_denylist(text, "f", read, error)) << error;
  ASSERT_EQ(read.size(), 2U);
  EXPECT_EQ(read[0].prefix.to_string(), "203.0.113.0/24");
  EXPECT_EQ(read[0].expires_at, 1'700'000'600);
  EXPECT_EQ(read[0].reason, "credential stuffing from ticket #12");
  EXPECT_EQ(read[1].expires_at, 0);
  EXPECT_EQ(read[1].reason, "");
}

TEST(DenylistFile, ErrorsNameFileAndLine) {
  std::vector<StoredDenyEntry> read;
  std::string error;
  EXPECT_FALSE(parse_denylist("# c\n\n10.0.0.1/8 never 1\n", "/x/deny.list", read, error));
  EXPECT_EQ(error.rfind("/x/deny.list:3: invalid address \"10.0.0.1/8\"", 0), 0U) << error;
  EXPECT_FALSE(parse_denylist("10.0.0.0/8 soon 1\n", "f", read, error));
  EXPECT_EQ(error, "f:1: invalid expiry \"soon\", expected Unix seconds or \"never\"");
  EXPECT_FALSE(parse_denylist("10.0.0.0/8 never\n", "f", read, error));
  EXPECT_EQ(error, "f:1: invalid time added \"\", expected Unix seconds");
  EXPECT_FALSE(parse_denylist("all never 1\n", "f", read, error));
  EXPECT_EQ(error, "f:1: \"all\" is not an IPv4 or IPv6 address or network");
  EXPECT_TRUE(parse_denylist("10.0.0.0/8 never 1 r\r\n", "f", read, error)) << error;
  EXPECT_EQ(read.at(0).reason, "r");
}

TEST_F(DenylistStoreTest, PutPublishesAndPersistsAndRemoveUndoes) {
  auto store = make_store(path_);
  std::string error;
  ASSERT_TRUE(store->load(at(0), error)) << error;
  EXPECT_EQ(published_, nullptr);  // an empty list publishes no table
  auto created = store->put(addition("127.0.0.2", 600, "scraper"), at(0));
  ASSERT_TRUE(std::holds_alternative<bool>(created));
  EXPECT_TRUE(std::get<bool>(created));
  EXPECT_TRUE(denies("127.0.0.2:1", at(0)));
  EXPECT_FALSE(denies("127.0.0.3:1", at(0)));
  EXPECT_NE(file_text().find("127.0.0.2/32 1700000600 1700000000 scraper\n"), std::string::npos);
  // The same network again renews it (false: not new) and keeps its hit counter.
  store->find(prefix("127.0.0.2"))->hits->store(5);
  auto renewed = store->put(addition("127.0.0.2/32", 60), at(10));
  EXPECT_FALSE(std::get<bool>(renewed));
  EXPECT_EQ(store->entries().size(), 1U);
  EXPECT_EQ(store->find(prefix("127.0.0.2"))->hits->load(), 5U);
  EXPECT_NE(file_text().find("127.0.0.2/32 1700000070 1700000010\n"), std::string::npos);
  EXPECT_FALSE(store->remove(prefix("127.0.0.2"), at(11)).has_value());
  EXPECT_EQ(published_, nullptr);
  EXPECT_EQ(file_text().find("127.0.0.2"), std::string::npos);
  std::optional<ApiError> missing = store->remove(prefix("127.0.0.2"), at(12));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
}

TEST_F(DenylistStoreTest, ExpiryDropsEntriesAndRepublishes) {
  auto store = make_store(path_);
  std::string error;
  ASSERT_TRUE(store->load(at(0), error));
  store->put(addition("10.0.0.0/8", 600), at(0));
  store->put(addition("10.1.2.3", 60), at(0));
  store->put(addition("192.0.2.1"), at(0));  // no expiry
  const int before = publications_;
  store->expire(at(59));
  EXPECT_EQ(publications_, before);  // nothing expired: nothing rebuilt
  EXPECT_TRUE(denies("10.1.2.3:1", at(59)));
  // The table alone already ignores the /32 at its end, before the store drops it.
  EXPECT_EQ(published_->find(client("10.1.2.3:1"), at(60).steady)->prefix.to_string(),
            "10.0.0.0/8");
  store->expire(at(60));
  EXPECT_EQ(store->entries().size(), 2U);
  EXPECT_EQ(publications_, before + 1);
  store->expire(at(600));
  ASSERT_EQ(store->entries().size(), 1U);
  EXPECT_EQ(store->entries()[0].stored.prefix.to_string(), "192.0.2.1/32");
  EXPECT_FALSE(denies("10.1.2.3:1", at(600)));
  EXPECT_TRUE(denies("192.0.2.1:1", at(1'000'000)));
  EXPECT_EQ(file_text().find("10.0.0.0/8"), std::string::npos);
}

TEST_F(DenylistStoreTest, LoadKeepsLiveEntriesAndDropsExpiredOnes) {
  std::ofstream(path_) << "# written by hand\n"
                          "127.0.0.2/32 1700000100 1699999000 live\n"
                          "127.0.0.3/32 1699999999 1699999000 expired before the start\n"
                          "::1/128 never 1699999000\n";
  auto store = make_store(path_);
  std::string error;
  ASSERT_TRUE(store->load(at(0), error)) << error;
  EXPECT_EQ(store->entries().size(), 2U);
  EXPECT_TRUE(denies("127.0.0.2:1", at(99)));
  EXPECT_FALSE(denies("127.0.0.2:1", at(100)));  // its wall-clock end, on the steady clock
  EXPECT_FALSE(denies("127.0.0.3:1", at(0)));
  EXPECT_TRUE(denies("[::1]:1", at(0)));
}

TEST_F(DenylistStoreTest, ABrokenFileFailsTheLoad) {
  std::ofstream(path_) << "127.0.0.2/32 never 1\nnonsense\n";
  auto store = make_store(path_);
  std::string error;
  EXPECT_FALSE(store->load(at(0), error));
  EXPECT_EQ(error.rfind(path_ + ":2: invalid address", 0), 0U) << error;
}

TEST_F(DenylistStoreTest, AMissingFileIsCreatedAndAnUnwritableOneFailsTheStart) {
  auto store = make_store(path_);
  std::string error;
  ASSERT_TRUE(store->load(at(0), error)) << error;
  EXPECT_TRUE(std::filesystem::exists(path_));
  auto nowhere = make_store((folder_ / "missing-folder" / "deny.list").string());
  EXPECT_FALSE(nowhere->load(at(0), error));
  EXPECT_NE(error.find("missing-folder/deny.list.tmp"), std::string::npos) << error;
}

TEST_F(DenylistStoreTest, AFileThatCannotBeWrittenRefusesTheChange) {
  const std::filesystem::path sub = folder_ / "sub";
  std::filesystem::create_directories(sub);
  auto store = make_store((sub / "deny.list").string());
  std::string error;
  ASSERT_TRUE(store->load(at(0), error)) << error;
  std::filesystem::remove_all(sub);  // the folder goes away under the running store
  auto result = store->put(addition("127.0.0.2"), at(0));
  ASSERT_TRUE(std::holds_alternative<ApiError>(result));
  EXPECT_EQ(std::get<ApiError>(result).status, 500);
  EXPECT_NE(std::get<ApiError>(result).message.find("sub/deny.list"), std::string::npos);
  EXPECT_TRUE(store->entries().empty());
  EXPECT_EQ(published_, nullptr);
}

TEST(DenylistApi, PercentDecodesPathSegments) {
  EXPECT_EQ(percent_decode("203.0.113.0%2F24"), "203.0.113.0/24");
  EXPECT_EQ(percent_decode("2001%3Adb8%3A%3A%2f32"), "2001:db8::/32");
  EXPECT_EQ(percent_decode("127.0.0.2"), "127.0.0.2");
  EXPECT_FALSE(percent_decode("10%2").has_value());
  EXPECT_FALSE(percent_decode("10%zz").has_value());
  EXPECT_FALSE(percent_decode("10%00").has_value());
}

}  // namespace
}  // namespace yoke::admin
