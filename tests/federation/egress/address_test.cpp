#include "guildhall/federation/egress/address.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace guildhall::federation::egress {
namespace {

using boost::asio::ip::make_address;

bool denied(const std::string& text) {
  return !is_public_address(make_address(text));
}

// Catalogue 2.5: every range, at its first and last address.
TEST(EgressAddress, DeniesEveryIpv4SpecialRange) {
  const std::vector<std::string> addresses = {
      "0.0.0.0",         "0.255.255.255",   "10.0.0.0",        "10.255.255.255",  "100.64.0.0",
      "100.127.255.255", "127.0.0.1",       "127.255.255.255", "169.254.0.0",     "169.254.169.254",
      "169.254.255.255", "172.16.0.0",      "172.31.255.255",  "192.0.0.0",       "192.0.0.255",
      "192.0.2.0",       "192.0.2.255",     "192.88.99.0",     "192.88.99.255",   "192.168.0.0",
      "192.168.255.255", "198.18.0.0",      "198.19.255.255",  "198.51.100.0",    "198.51.100.255",
      "203.0.113.0",     "203.0.113.255",   "224.0.0.0",       "239.255.255.255", "240.0.0.0",
      "255.255.255.254", "255.255.255.255",
  };
  for (const auto& a : addresses)
    EXPECT_TRUE(denied(a)) << a;
}

TEST(EgressAddress, AllowsTheNeighboursOfEveryIpv4Range) {
  const std::vector<std::string> addresses = {
      "1.0.0.0",         "9.255.255.255",   "11.0.0.0",        "100.63.255.255", "100.128.0.0",
      "126.255.255.255", "128.0.0.0",       "169.253.255.255", "169.255.0.0",    "172.15.255.255",
      "172.32.0.0",      "191.255.255.255", "192.0.1.0",       "192.0.3.0",      "192.88.98.255",
      "192.88.100.0",    "192.167.255.255", "192.169.0.0",     "198.17.255.255", "198.20.0.0",
      "198.51.99.255",   "198.51.101.0",    "203.0.112.255",   "203.0.114.0",    "223.255.255.255",
      "8.8.8.8",         "93.184.216.34",
  };
  for (const auto& a : addresses)
    EXPECT_FALSE(denied(a)) << a;
}

TEST(EgressAddress, DeniesIpv6SpecialRanges) {
  const std::vector<std::string> addresses = {
      "::",
      "::1",
      "::ffff:127.0.0.1",
      "::ffff:10.1.2.3",
      "::ffff:169.254.169.254",
      "::ffff:0.0.0.0",
      "::127.0.0.1",  // IPv4-compatible (deprecated)
      "::8.8.8.8",
      "64:ff9b::127.0.0.1",
      "64:ff9b::a00:1",  // NAT64 of 10.0.0.1
      "64:ff9b::c0a8:101",
      "64:ff9b:1::1",  // local-use NAT64
      "100::1",
      "100::ffff:ffff:ffff:ffff",
      "2001::1",  // Teredo
      "2001:0:4136:e378:8000:63bf:3fff:fdd2",
      "2001:1ff:ffff::1",  // end of 2001::/23
      "2001:db8::1",
      "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
      "2002::1",  // 6to4
      "2002:7f00:1::1",
      "3fff::1",
      "3fff:fff:ffff::1",
      "5f00::1",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1",
      "febf:ffff::1",
      "fec0::1",
      "ff02::1",
      "ff0e::1",
      "4000::1",  // outside 2000::/3
      "::2",
  };
  for (const auto& a : addresses)
    EXPECT_TRUE(denied(a)) << a;
}

TEST(EgressAddress, AllowsGlobalIpv6AndEmbeddedPublicIpv4) {
  const std::vector<std::string> addresses = {
      "2606:4700:4700::1111", "2a01:4f8::1",    "2001:200::1",  // just past 2001::/23
      "2001:4860:4860::8888", "2003::1",        "3ffe::1",
      "3fff:1000::1",         "::ffff:8.8.8.8", "64:ff9b::808:808",
  };
  for (const auto& a : addresses)
    EXPECT_FALSE(denied(a)) << a;
}

TEST(EgressAddress, NamesTheRange) {
  EXPECT_EQ(denied_range(make_address("127.0.0.1")), "loopback");
  EXPECT_EQ(denied_range(make_address("169.254.169.254")), "link-local");
  EXPECT_EQ(denied_range(make_address("::ffff:192.168.1.1")), "ipv4-mapped");
  EXPECT_EQ(denied_range(make_address("64:ff9b::7f00:1")), "nat64");
  EXPECT_EQ(denied_range(make_address("::")), "unspecified");
  EXPECT_EQ(denied_range(make_address("8.8.8.8")), std::nullopt);
}

}  // namespace
}  // namespace guildhall::federation::egress
