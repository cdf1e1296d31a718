#include "guildhall/server/cli.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

using namespace guildhall::server;
namespace fs = std::filesystem;

namespace {

// Runs `guildhall ARGS...` in-process against a private data directory.
class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("guildhall-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    env_ = {{"GUILDHALL_DATA_DIR", dir_.string()}, {"GUILDHALL_DOMAIN", "guild.test"}};
  }
  void TearDown() override { fs::remove_all(dir_); }

  int run(std::vector<std::string> args) {
    args.insert(args.begin(), "guildhall");
    out_.str("");
    err_.str("");
    return run_cli(args, env_, out_, err_);
  }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }

  fs::path dir_;
  Environment env_;
  std::ostringstream out_, err_;
};

}  // namespace

TEST_F(Cli, CreatesAndListsUsersAndGroups) {
  ASSERT_EQ(run({"admin", "user", "create", "alice", "--password", "long enough pw", "--admin"}), 0)
      << err();
  EXPECT_NE(out().find("created user alice (admin): https://guild.test/users/alice"),
            std::string::npos)
      << out();
  ASSERT_EQ(run({"admin", "user", "create", "bob", "--password", "long enough pw"}), 0) << err();
  ASSERT_EQ(
      run({"admin", "group", "create", "rust_guild", "--owner", "alice", "--title", "Rust Guild"}),
      0)
      << err();
  EXPECT_NE(out().find("https://guild.test/c/rust_guild"), std::string::npos) << out();

  ASSERT_EQ(run({"admin", "user", "list"}), 0) << err();
  EXPECT_NE(out().find("alice"), std::string::npos);
  EXPECT_NE(out().find("bob"), std::string::npos);
  EXPECT_EQ(out().find("rust_guild"), std::string::npos) << "groups are not users";

  ASSERT_EQ(run({"admin", "group", "list"}), 0) << err();
  EXPECT_NE(out().find("rust_guild"), std::string::npos);
  EXPECT_NE(out().find("Rust Guild"), std::string::npos);
  EXPECT_NE(out().find("alice"), std::string::npos) << "owner shown";
  EXPECT_TRUE(fs::exists(dir_ / "guildhall.db"));
}

TEST_F(Cli, SuspendsAndLiftsASuspensionLikeTheAdminApi) {
  ASSERT_EQ(run({"admin", "user", "create", "bob", "--password", "long enough pw"}), 0) << err();
  ASSERT_EQ(run({"admin", "user", "suspend", "bob"}), 0) << err();
  EXPECT_NE(out().find("suspended bob"), std::string::npos) << out();
  ASSERT_EQ(run({"admin", "user", "unsuspend", "bob"}), 0) << err();
  EXPECT_NE(out().find("lifted the suspension of bob"), std::string::npos) << out();
  EXPECT_EQ(run({"admin", "user", "suspend", "nobody"}), 1);
  EXPECT_NE(err().find("not found"), std::string::npos) << err();
}

TEST_F(Cli, DuplicatesAndCollisionsAreRefusedAndChangeNothing) {
  ASSERT_EQ(run({"admin", "user", "create", "alice", "--password", "long enough pw"}), 0);
  EXPECT_EQ(run({"admin", "user", "create", "alice", "--password", "other password"}), 1);
  EXPECT_NE(err().find("alice"), std::string::npos) << err();
  EXPECT_NE(err().find("taken"), std::string::npos) << err();

  // A group cannot take a user's handle, nor a user a group's.
  EXPECT_EQ(run({"admin", "group", "create", "alice", "--owner", "alice"}), 1);
  ASSERT_EQ(run({"admin", "group", "create", "devs", "--owner", "alice"}), 0) << err();
  EXPECT_EQ(run({"admin", "user", "create", "devs", "--password", "long enough pw"}), 1);
  EXPECT_EQ(run({"admin", "group", "create", "devs", "--owner", "alice"}), 1);

  ASSERT_EQ(run({"admin", "user", "list"}), 0);
  EXPECT_EQ(out().find("devs"), std::string::npos);
  ASSERT_EQ(run({"admin", "group", "list"}), 0);
  const auto listing = out();
  EXPECT_EQ(listing.find("alice  "), listing.rfind("alice  ")) << "only one row owned by alice";
}

TEST_F(Cli, BadInputIsAClearErrorAndChangesNothing) {
  EXPECT_EQ(run({"admin", "user", "create", "Alice", "--password", "long enough pw"}), 1);
  EXPECT_NE(err().find("lowercase"), std::string::npos) << err();
  EXPECT_EQ(run({"admin", "user", "create", std::string(31, 'a'), "--password", "long enough"}), 1);
  EXPECT_EQ(run({"admin", "user", "create", "bob", "--password", "short"}), 1);
  EXPECT_NE(err().find("at least 8"), std::string::npos) << err();
  EXPECT_EQ(run({"admin", "user", "create", "bob"}), 1);
  EXPECT_NE(err().find("password"), std::string::npos) << err();
  EXPECT_EQ(run({"admin", "group", "create", "g", "--owner", "nobody"}), 1);
  EXPECT_NE(err().find("nobody"), std::string::npos) << err();
  EXPECT_EQ(run({"admin", "group", "create", "bad-name", "--owner", "nobody"}), 1);

  ASSERT_EQ(run({"admin", "user", "list"}), 0);
  EXPECT_EQ(out().find("bob"), std::string::npos);
  ASSERT_EQ(run({"admin", "group", "list"}), 0);
  EXPECT_EQ(out().find(" g "), std::string::npos);
}

TEST_F(Cli, UsageErrorsExitWithTwoOrMore) {
  EXPECT_NE(run({"admin", "frobnicate"}), 0);
  EXPECT_NE(run({}), 0);
  EXPECT_NE(run({"admin", "group", "create", "g"}), 0);  // --owner required
  EXPECT_NE(err().find("owner"), std::string::npos) << err();
}

TEST_F(Cli, ConfigCheckReportsErrorsAndPrintsTheEffectiveConfig) {
  ASSERT_EQ(run({"config", "check"}), 0) << err();
  EXPECT_NE(out().find("domain = 'guild.test'"), std::string::npos) << out();
  env_["GUILDHALL_LISTEN"] = "nonsense";
  EXPECT_EQ(run({"config", "check"}), 1);
  EXPECT_NE(err().find("listen"), std::string::npos) << err();
  EXPECT_EQ(run({"config", "check", "--config", (dir_ / "missing.toml").string()}), 1);
}

TEST_F(Cli, MigrateIsIdempotent) {
  ASSERT_EQ(run({"admin", "migrate"}), 0) << err();
  const auto first = out();
  ASSERT_EQ(run({"admin", "migrate"}), 0) << err();
  EXPECT_EQ(out(), first);
  EXPECT_NE(first.find("schema version"), std::string::npos);
}

TEST_F(Cli, FederationRulesAreManagedAndValidated) {
  ASSERT_EQ(run({"admin", "federation", "block", "spam.example"}), 0) << err();
  EXPECT_NE(out().find("blocked spam.example"), std::string::npos) << out();
  EXPECT_NE(out().find("note: the federation mode is open"), std::string::npos) << out();
  env_["GUILDHALL_FEDERATION_MODE"] = "allowlist";
  ASSERT_EQ(run({"admin", "federation", "allow", "partner.example"}), 0) << err();
  EXPECT_EQ(out().find("note:"), std::string::npos) << out();

  ASSERT_EQ(run({"admin", "federation", "list"}), 0);
  EXPECT_NE(out().find("mode: allowlist"), std::string::npos);
  EXPECT_NE(out().find("allow\tpartner.example"), std::string::npos) << out();
  EXPECT_NE(out().find("block\tspam.example"), std::string::npos) << out();

  ASSERT_EQ(run({"admin", "federation", "reset", "spam.example"}), 0) << err();
  ASSERT_EQ(run({"admin", "federation", "list"}), 0);
  EXPECT_EQ(out().find("spam.example"), std::string::npos) << out();

  EXPECT_EQ(run({"admin", "federation", "block", "https://evil.example/"}), 1);
  EXPECT_NE(err().find("invalid"), std::string::npos) << err();
  EXPECT_EQ(run({"admin", "federation", "block", "guild.test"}), 1) << "not ourselves";
  env_["GUILDHALL_FEDERATION_MODE"] = "closed";
  EXPECT_EQ(run({"admin", "federation", "list"}), 1);
  EXPECT_NE(err().find("federation.mode"), std::string::npos) << err();
}

TEST_F(Cli, ReadsGuildhallTomlFromTheWorkingDirectoryByDefault) {
  fs::create_directories(dir_);
  { std::ofstream(dir_ / "guildhall.toml") << "domain = \"from-file.test\"\n"; }
  const auto previous = fs::current_path();
  fs::current_path(dir_);
  env_.erase("GUILDHALL_DOMAIN");
  const int rc = run({"config", "check"});
  fs::current_path(previous);
  ASSERT_EQ(rc, 0) << err();
  EXPECT_NE(out().find("domain = 'from-file.test'"), std::string::npos) << out();
  EXPECT_NE(out().find("(guildhall.toml)"), std::string::npos) << out();
}

namespace {

// `act USER <community verb>`: communities hosted here, driven from the command line.
TEST_F(Cli, CommunityVerbsRunThroughTheCommunitiesService) {
  ASSERT_EQ(run({"admin", "user", "create", "olga", "--password", "long enough pw"}), 0) << err();
  ASSERT_EQ(run({"admin", "user", "create", "pete", "--password", "long enough pw"}), 0) << err();
  ASSERT_EQ(run({"admin", "act", "olga", "community-create", "garden", "The Garden",
                 "join=approval", "welcome=Hi", "languages=en,de"}),
            0)
      << err();
  EXPECT_NE(out().find("https://guild.test/c/garden"), std::string::npos);
  ASSERT_EQ(run({"admin", "act", "pete", "join", "garden"}), 0) << err();
  EXPECT_NE(out().find("(pending)"), std::string::npos);
  // Pending members may not post yet.
  EXPECT_EQ(run({"admin", "act", "pete", "thread", "garden", "Hi", "body"}), 1);
  EXPECT_NE(err().find("only members"), std::string::npos);
  ASSERT_EQ(run({"admin", "act", "olga", "approve", "garden", "pete"}), 0) << err();
  ASSERT_EQ(run({"admin", "act", "pete", "thread", "garden", "Hi", "body", "language=en"}), 0)
      << err();
  const std::string post = out().substr(7, out().find(' ', 7) - 7);  // "posted ID AP_ID"
  ASSERT_EQ(run({"admin", "act", "olga", "comment", post, "Welcome!"}), 0) << err();
  ASSERT_EQ(run({"admin", "act", "olga", "react", post, "🎉"}), 0) << err();
  ASSERT_EQ(run({"admin", "act", "pete", "like", post}), 0) << err();
  EXPECT_NE(out().find("liked"), std::string::npos);
  ASSERT_EQ(run({"admin", "act", "olga", "lock", post}), 0) << err();
  EXPECT_EQ(run({"admin", "act", "pete", "comment", post, "hm"}), 1);
  EXPECT_NE(err().find("locked"), std::string::npos);
  EXPECT_EQ(run({"admin", "act", "pete", "pin", post}), 1);  // not a moderator
  ASSERT_EQ(run({"admin", "act", "pete", "report", post, "spam?"}), 0) << err();
  EXPECT_EQ(run({"admin", "act", "pete", "reports", "garden"}), 1);  // moderators only
  ASSERT_EQ(run({"admin", "act", "olga", "reports", "garden"}), 0) << err();
  ASSERT_NE(out().find("reason \"spam?\""), std::string::npos) << out();
  const std::string report = out().substr(7, out().find(' ', 7) - 7);  // "report ID by ..."
  ASSERT_EQ(run({"admin", "act", "olga", "resolve", report}), 0) << err();
  ASSERT_EQ(run({"admin", "act", "olga", "reports", "garden"}), 0) << err();
  EXPECT_NE(out().find("no open reports"), std::string::npos) << out();
  ASSERT_EQ(run({"admin", "act", "olga", "modlog", "garden"}), 0) << err();
  EXPECT_NE(out().find("lock by"), std::string::npos);
  EXPECT_NE(out().find("approve_member"), std::string::npos);
  EXPECT_EQ(run({"admin", "act", "olga", "community-set", "garden", "colour=red"}), 1);
  EXPECT_NE(err().find("unknown setting"), std::string::npos);
  EXPECT_EQ(run({"admin", "act", "olga", "join", "nowhere"}), 1);
}

}  // namespace
