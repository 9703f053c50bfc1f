// StickyTable: every host gets a distinct, stable value, and find() maps exactly those values
// back (any hex case, optional quotes) while anything else names no host.
#include "yoke/upstream/sticky_table.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "yoke/balancing/hash.h"

namespace yoke::upstream {
namespace {

using balancing::Host;
using balancing::HostSet;

std::shared_ptr<HostSet> host_set(const std::vector<std::string>& addresses) {
  auto set = std::make_shared<HostSet>();
  set->upstream = "app";
  for (const std::string& text : addresses) {
    Host host;
    host.index = set->hosts.size();
    host.name = text;
    EXPECT_TRUE(SocketAddress::parse_numeric(text, host.address)) << text;
    set->hosts.push_back(host);
  }
  return set;
}

std::string upper(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return result;
}

TEST(StickyTable, ValueIsTheHexOfTheAddressHash) {
  auto set = host_set({"10.0.0.1:8080", "[2001:db8::1]:80", "unix:/run/app.sock"});
  StickyTable table(*set);
  for (const Host& host : set->hosts) {
    std::uint64_t hash = balancing::hash_bytes(host.address.to_string());
    char expected[17];
    std::snprintf(expected, sizeof expected, "%016llx", static_cast<unsigned long long>(hash));
    EXPECT_EQ(table.value_of(host), expected) << host.name;
    EXPECT_EQ(StickyTable::identifier(host), hash);
    // The address is not readable in the value.
    EXPECT_EQ(table.value_of(host).find("10.0"), std::string_view::npos);
  }
}

TEST(StickyTable, ValuesDoNotChangeBetweenVersions) {
  // Clients hold these values across Yoke upgrades and across nodes: a change of the hash or
  // of the address text would unbind every client at once. The value Yoke gave this address
  // when sticky cookies were introduced (XXH3-64 of "127.0.0.1:8080", libxxhash 0.8.1).
  auto set = host_set({"127.0.0.1:8080"});
  StickyTable table(*set);
  EXPECT_EQ(table.value_of(set->hosts[0]), "c344bd6061193c55");
}

TEST(StickyTable, SameServersGiveSameValuesInAnyOrderAndAnyTable) {
  auto first = host_set({"10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"});
  auto reordered = host_set({"10.0.0.3:80", "10.0.0.1:80", "10.0.0.2:80"});
  StickyTable a(*first);
  StickyTable b(*reordered);
  EXPECT_EQ(a.value_of(first->hosts[0]), b.value_of(reordered->hosts[1]));
  EXPECT_EQ(a.value_of(first->hosts[2]), b.value_of(reordered->hosts[0]));
}

TEST(StickyTable, FindsEveryHostOfALargeSet) {
  std::vector<std::string> addresses;
  addresses.reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    addresses.push_back("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) +
                        ":8080");
  }
  auto set = host_set(addresses);
  StickyTable table(*set);
  std::set<std::string> values;
  for (const Host& host : set->hosts) {
    std::string value(table.value_of(host));
    values.insert(value);
    EXPECT_EQ(table.find(value), &host);
    EXPECT_EQ(table.find(upper(value)), &host);
    EXPECT_EQ(table.find("\"" + value + "\""), &host);
  }
  EXPECT_EQ(values.size(), set->hosts.size());
}

TEST(StickyTable, UnknownOrMalformedValuesNameNoHost) {
  auto set = host_set({"10.0.0.1:80", "10.0.0.2:80"});
  StickyTable table(*set);
  std::string value(table.value_of(set->hosts[0]));
  EXPECT_EQ(table.find(value), &set->hosts[0]);
  std::string other_digit = value;
  other_digit[15] = other_digit[15] == '0' ? '1' : '0';
  for (const std::string& bad :
       {std::string(), value.substr(0, 15), value + "0", "0" + value, other_digit,
        value.substr(0, 15) + "g", value.substr(0, 15) + " ", "\"" + value, value + "\"",
        std::string("garbage"), std::string(16, 'z'), value.substr(0, 8) + "-" + value.substr(9),
        "\"" + value.substr(0, 15) + "\"", std::string("10.0.0.1:80")}) {
    EXPECT_EQ(table.find(bad), nullptr) << bad;
  }
}

TEST(StickyTable, SharedAddressNamesTheFirstHost) {
  // The same server listed twice (or two names resolving to one address): one value, and the
  // first host is the one found.
  auto set = host_set({"10.0.0.1:80", "10.0.0.2:80", "10.0.0.1:80"});
  StickyTable table(*set);
  EXPECT_EQ(table.value_of(set->hosts[0]), table.value_of(set->hosts[2]));
  EXPECT_EQ(table.find(table.value_of(set->hosts[2])), &set->hosts[0]);
  EXPECT_EQ(table.find(table.value_of(set->hosts[1])), &set->hosts[1]);
}

TEST(StickyTable, EmptyAndSingleHostSets) {
  HostSet empty;
  StickyTable none(empty);
  EXPECT_EQ(none.find("0123456789abcdef"), nullptr);
  auto set = host_set({"10.0.0.1:80"});
  StickyTable one(*set);
  EXPECT_EQ(one.find(one.value_of(set->hosts[0])), &set->hosts[0]);
  EXPECT_EQ(one.find("0123456789abcdef"), nullptr);
}

}  // namespace
}  // namespace yoke::upstream
