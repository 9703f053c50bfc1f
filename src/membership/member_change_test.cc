// change_members over a swap that builds and keeps the snapshot as cli::Reloader does, without
// workers: what the new snapshot holds, what new hosts start with, and the state file.
#include "yoke/membership/member_change.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "yoke/config/upstream_members.h"
#include "yoke/membership/state_file.h"
#include "yoke/router/carry_over.h"

namespace yoke::membership {
namespace {

// Builds each snapshot from the edit and carries state over as a reload does; keeps the last.
class TableSwap : public SnapshotSwap {
 public:
  explicit TableSwap(const std::string& config_text)
      : table_(router::RouteTable::build(
            std::make_shared<config::Config>(config::load_config_text(config_text, "t.conf")))) {}

  std::optional<std::string> swap(const Edit& edit, const Carry& carry,
                                  const Installed& installed) override {
    std::shared_ptr<const router::RouteTable> next;
    try {
      next = router::RouteTable::build(edit(table_->config()), table_.get());
    } catch (const std::runtime_error& error) {
      return error.what();
    }
    router::carry_over_host_state(*table_, *next);
    router::carry_over_admin_state(*table_, *next);
    if (carry) carry(*table_, *next);
    table_ = next;
    if (installed) installed(*next);
    return std::nullopt;
  }

  const balancing::HostSet& hosts() const { return *table_->upstreams().front().hosts; }

 private:
  std::shared_ptr<const router::RouteTable> table_;
};

std::string config_text(const std::string& upstream_body) {
  return "http { upstream app { " + upstream_body +
         " } server { listen 127.0.0.1:8080; location / { proxy_pass http://app; } } }\n";
}

std::vector<config::UpstreamServer> servers(std::initializer_list<const char*> lines) {
  std::vector<config::UpstreamServer> list;
  for (const char* line : lines) list.push_back(config::parse_server_line(line, "test"));
  return list;
}

TEST(ChangeMembers, PublishesTheNewListAndKeepsTheStateOfThoseThatStay) {
  TableSwap swap(config_text("health_check; server 127.0.0.1:1; server 127.0.0.1:2;"));
  (*swap.hosts().runtime)[1].set_health(balancing::HealthState::kDown);
  const ChangeResult result =
      change_members(swap, "app", servers({"server 127.0.0.1:2;", "server 127.0.0.1:3 weight=4;"}));
  ASSERT_EQ(result.outcome, ChangeResult::Outcome::kApplied) << result.error;
  const balancing::HostSet& hosts = swap.hosts();
  ASSERT_EQ(hosts.hosts.size(), 2U);
  EXPECT_EQ(hosts.hosts[0].address.to_string(), "127.0.0.1:2");
  EXPECT_EQ((*hosts.runtime)[0].health(), balancing::HealthState::kDown);  // carried over
  EXPECT_EQ(hosts.hosts[1].weight, 4);
  EXPECT_EQ((*hosts.runtime)[1].health(), balancing::HealthState::kUp);
}

TEST(ChangeMembers, NewHostsWaitForAMandatoryCheckAndRampIn) {
  TableSwap swap(config_text("health_check mandatory; server 127.0.0.1:1 slow_start=10s;"));
  const TimePoint before = Clock::now();
  const ChangeResult result = change_members(
      swap, "app",
      servers({"server 127.0.0.1:1 slow_start=10s;", "server 127.0.0.1:2 slow_start=10s;"}));
  ASSERT_EQ(result.outcome, ChangeResult::Outcome::kApplied) << result.error;
  const balancing::HostSet& hosts = swap.hosts();
  EXPECT_EQ((*hosts.runtime)[1].health(), balancing::HealthState::kChecking);
  EXPECT_GE((*hosts.runtime)[1].back_since(), before);  // the ramp starts at the change
  EXPECT_LT((*hosts.runtime)[0].back_since(), before);  // a member that stays does not ramp
}

TEST(ChangeMembers, RefusesUnknownUpstreamsAndInvalidListsChangingNothing) {
  TableSwap swap(config_text("random two; server 127.0.0.1:1;"));
  ChangeResult unknown = change_members(swap, "other", servers({"server 127.0.0.1:2;"}));
  EXPECT_EQ(unknown.outcome, ChangeResult::Outcome::kUnknownUpstream);
  EXPECT_NE(unknown.error.find("no upstream block named \"other\""), std::string::npos);
  ChangeResult empty = change_members(swap, "app", {});
  EXPECT_EQ(empty.outcome, ChangeResult::Outcome::kInvalid);
  EXPECT_NE(empty.error.find("would have no server left"), std::string::npos);
  EXPECT_EQ(swap.hosts().hosts.size(), 1U);
}

TEST(ChangeMembers, RewritesTheStateFileThatReadsBackToTheList) {
  const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("yoke-change-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const std::string path = (folder / "app.state").string();
  TableSwap swap(config_text("state " + path + "; server 127.0.0.1:1;"));
  const auto members = servers({"server 127.0.0.1:1;", "server 127.0.0.1:2 backup zone=b;"});
  const ChangeResult result = change_members(swap, "app", members);
  ASSERT_EQ(result.outcome, ChangeResult::Outcome::kApplied) << result.error;
  EXPECT_EQ(result.state_error, "");
  const auto kept = config::read_state_file(path);
  ASSERT_TRUE(kept.has_value());
  ASSERT_EQ(kept->size(), 2U);
  EXPECT_EQ(config::server_line((*kept)[1]), config::server_line(members[1]));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp." + std::to_string(::getpid())));
  std::filesystem::remove_all(folder);
}

TEST(StateFile, AFailedWriteLeavesNoFileAndSaysWhy) {
  std::string error;
  EXPECT_FALSE(write_state_file("/nonexistent-yoke-folder/app.state", "app",
                                servers({"server 127.0.0.1:1;"}), error));
  EXPECT_NE(error.find("/nonexistent-yoke-folder/app.state.tmp."), std::string::npos) << error;
}

}  // namespace
}  // namespace yoke::membership
