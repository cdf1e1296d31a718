#include "guildhall/federation/policy.hpp"

#include <gtest/gtest.h>

using namespace guildhall::federation;
using guildhall::storage::FederationPolicy;

namespace {
PolicySnapshot snapshot(FederationMode mode) {
  return PolicySnapshot(mode, {{"blocked.example", FederationPolicy::block},
                               {"partner.example", FederationPolicy::allow},
                               {"sub.partner.example", FederationPolicy::block},
                               {"dev.example:8443", FederationPolicy::allow}});
}
}  // namespace

TEST(PeerPolicy, OpenAllowsEveryone) {
  auto p = snapshot(FederationMode::open);
  EXPECT_TRUE(p.allows("blocked.example"));
  EXPECT_TRUE(p.allows("anyone.example"));
}

TEST(PeerPolicy, BlocklistRefusesBlockedHostsAndSubdomains) {
  auto p = snapshot(FederationMode::blocklist);
  EXPECT_FALSE(p.allows("blocked.example"));
  EXPECT_FALSE(p.allows("a.b.blocked.example"));
  EXPECT_FALSE(p.allows("Blocked.Example:443")) << "case and port do not evade a block";
  EXPECT_TRUE(p.allows("notblocked.example")) << "suffix match is per label, not per character";
  EXPECT_TRUE(p.allows("anyone.example"));
  EXPECT_FALSE(p.allows("sub.partner.example")) << "the closest rule decides";
  EXPECT_FALSE(p.allows("x.sub.partner.example"));
}

TEST(PeerPolicy, AllowlistAdmitsOnlyPartners) {
  auto p = snapshot(FederationMode::allowlist);
  EXPECT_TRUE(p.allows("partner.example"));
  EXPECT_TRUE(p.allows("eu.partner.example"));
  EXPECT_FALSE(p.allows("sub.partner.example")) << "a block below an allowed parent wins";
  EXPECT_FALSE(p.allows("anyone.example"));
  EXPECT_FALSE(p.allows("blocked.example"));
  EXPECT_TRUE(p.allows("dev.example:8443")) << "a host:port rule matches that port";
  EXPECT_FALSE(p.allows("dev.example")) << "but not the host on another port";
  EXPECT_FALSE(p.allows("example")) << "no rule for a parent-less name";
}

TEST(PeerPolicy, ModesParse) {
  FederationMode m;
  EXPECT_TRUE(parse("allowlist", m));
  EXPECT_EQ(m, FederationMode::allowlist);
  EXPECT_FALSE(parse("closed", m));
}

TEST(Hosts, Validation) {
  EXPECT_TRUE(is_valid_host("partner.example"));
  EXPECT_TRUE(is_valid_host("localhost:8080"));
  EXPECT_TRUE(is_valid_host("127.0.0.1:8080"));
  EXPECT_TRUE(is_valid_host("xn--bcher-kva.example"));
  EXPECT_FALSE(is_valid_host("Partner.example"));
  EXPECT_FALSE(is_valid_host("https://partner.example"));
  EXPECT_FALSE(is_valid_host("partner.example/path"));
  EXPECT_FALSE(is_valid_host("-bad.example"));
  EXPECT_FALSE(is_valid_host("bad..example"));
  EXPECT_FALSE(is_valid_host("partner.example:0"));
  EXPECT_FALSE(is_valid_host("partner.example:99999"));
  EXPECT_FALSE(is_valid_host("user@partner.example"));
  EXPECT_FALSE(is_valid_host(""));
}
