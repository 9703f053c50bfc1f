// The HAProxy agent-check reply words.
#include "health/agent_reply.h"

#include <gtest/gtest.h>

namespace yoke::health {
namespace {

using balancing::AgentAdmin;
using balancing::HostRuntime;

TEST(AgentReply, WordsInAnyOrderSeparatedBySpacesTabsOrCommas) {
  const AgentReply reply = parse_agent_reply("75%,drain\tmaxconn:30 up\r\n");
  EXPECT_EQ(reply.weight_percent, 75);
  EXPECT_EQ(reply.admin, AgentAdmin::kDrain);
  EXPECT_EQ(reply.maxconn, 30);
  EXPECT_EQ(reply.down, false);
  EXPECT_EQ(reply.ignored, "");
}

TEST(AgentReply, DownStoppedAndFailMeanDownAndAReasonFollowsAHash) {
  for (const char* word : {"down", "stopped", "fail", "DOWN"}) {
    const AgentReply reply = parse_agent_reply(std::string(word) + " #disk full, 50% gone");
    EXPECT_EQ(reply.down, true) << word;
    EXPECT_FALSE(reply.weight_percent.has_value()) << word;  // after '#': only a reason
  }
  EXPECT_EQ(parse_agent_reply("maint").admin, AgentAdmin::kMaint);
  EXPECT_EQ(parse_agent_reply("ready").admin, AgentAdmin::kReady);
}

TEST(AgentReply, UnknownOrMalformedWordsAreIgnoredAndReported) {
  const AgentReply reply = parse_agent_reply("hello 300% -5% maxconn:x 40%");
  EXPECT_EQ(reply.weight_percent, 40);
  EXPECT_FALSE(reply.maxconn.has_value());
  EXPECT_EQ(reply.ignored, "hello 300% -5% maxconn:x");
}

TEST(AgentReply, WhatAReplyDoesNotMentionKeepsItsValue) {
  HostRuntime runtime;
  apply_agent_reply(parse_agent_reply("drain 50%"), runtime);
  apply_agent_reply(parse_agent_reply("maxconn:8"), runtime);
  EXPECT_EQ(runtime.agent_admin(), AgentAdmin::kDrain);
  EXPECT_EQ(runtime.weight_percent(), 50);
  EXPECT_EQ(runtime.agent_maxconn(), 8);
  EXPECT_FALSE(runtime.accepts_requests());
  apply_agent_reply(parse_agent_reply("ready"), runtime);
  EXPECT_TRUE(runtime.accepts_requests());
  apply_agent_reply(parse_agent_reply("down"), runtime);
  EXPECT_FALSE(runtime.accepts_requests());
  apply_agent_reply(parse_agent_reply("up 0%"), runtime);
  EXPECT_FALSE(runtime.accepts_requests());  // 0 %: no new requests, as HAProxy's weight 0
}

}  // namespace
}  // namespace yoke::health
