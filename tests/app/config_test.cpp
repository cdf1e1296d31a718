#include "guildhall/server/config.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

using namespace guildhall;
using server::Environment;
using server::load_config;
using server::load_config_from_string;

TEST(Config, DefaultsAreTheEmbeddedSetup) {
  auto c = load_config(std::nullopt, {});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->effective_database_url(), "sqlite:data/guildhall.db");
  EXPECT_FALSE(c->federation.allow_http);
  EXPECT_FALSE(c->federation.allow_private_addresses);
  EXPECT_EQ(c->public_origin(), "https://localhost:8080");
  EXPECT_EQ(c->listen_address(), "127.0.0.1");
  EXPECT_EQ(c->listen_port(), 8080);
}

TEST(Config, ReadsTomlSections) {
  auto c = load_config_from_string(R"(
domain = "guild.example.com"
listen = "[::1]:9000"
database_url = "postgresql:///guildhall?host=/run/postgresql"
[instance]
name = "Example Guild"
[federation]
allow_http = true
allow_private_addresses = true
[database]
pool_size = 4
)",
                                   {});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->domain, "guild.example.com");
  EXPECT_EQ(c->listen_address(), "::1");
  EXPECT_EQ(c->listen_port(), 9000);
  EXPECT_EQ(c->instance.name, "Example Guild");
  EXPECT_TRUE(c->federation.allow_http);
  EXPECT_EQ(c->public_origin(), "http://guild.example.com");
  EXPECT_EQ(c->database.pool_size, 4);
}

TEST(Config, EnvironmentOverridesFile) {
  Environment env{{"GUILDHALL_DOMAIN", "b.example"},
                  {"GUILDHALL_FEDERATION_ALLOW_HTTP", "true"},
                  {"GUILDHALL_HTTP_THREADS", "3"},
                  {"GUILDHALL_TEST_POSTGRES_URL", "ignored: belongs to the test harness"}};
  auto c = load_config_from_string("domain = \"a.example\"\n", env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->domain, "b.example");
  EXPECT_TRUE(c->federation.allow_http);
  EXPECT_EQ(c->http.threads, 3);
}

TEST(Config, UnknownKeysAreErrorsNamingTheKey) {
  auto c = load_config_from_string("domian = \"typo.example\"\n", {}, "guildhall.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("unknown key 'domian'"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("guildhall.toml"), std::string::npos);

  auto s = load_config_from_string("[federation]\nallow_htp = true\n", {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("federation.allow_htp"), std::string::npos);

  auto e = load_config_from_string("", {{"GUILDHALL_FEDERATION_ALLOWHTTP", "1"}});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("GUILDHALL_FEDERATION_ALLOWHTTP"), std::string::npos);
}

TEST(Config, InvalidValuesAreErrors) {
  const char* bad[] = {
      "domain = \"https://guild.example.com\"",  // scheme in domain
      "domain = \"Guild.Example.com\"",          // uppercase
      "domain = \"a.example:99999\"",
      "listen = \"8080\"",
      "database_url = \"mysql://x\"",
      "log_level = \"loud\"",
      "[http]\nthreads = -1",
      "[http]\nbody_limit = 10",
      "[federation]\nallow_http = \"yes\"",  // wrong type in TOML
      "domain = 5",
      "this is not toml",
  };
  for (const char* text : bad) {
    auto c = load_config_from_string(text, {});
    EXPECT_FALSE(c.ok()) << "accepted: " << text;
  }
  auto e = load_config_from_string("", {{"GUILDHALL_FEDERATION_ALLOW_HTTP", "maybe"}});
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("expected true or false"), std::string::npos);
}

TEST(Config, MissingFileIsAClearError) {
  auto c = load_config(std::string("/nonexistent/guildhall.toml"), {});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/nonexistent/guildhall.toml"), std::string::npos);
}

TEST(Config, EffectiveConfigRoundTripsThroughToml) {
  auto c = load_config_from_string("domain = \"x.example\"\n[federation]\nallow_http = true\n", {});
  ASSERT_TRUE(c.ok());
  auto again = load_config_from_string(server::to_toml(*c), {});
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << server::to_toml(*c);
  EXPECT_EQ(again->domain, "x.example");
  EXPECT_TRUE(again->federation.allow_http);
}

TEST(Config, EveryKeyHasAnEnvironmentNameAndIsDocumented) {
  std::ifstream doc(std::string(GUILDHALL_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(doc) << "docs/configuration.md is missing";
  std::string text((std::istreambuf_iterator<char>(doc)), {});
  for (const auto& key : server::config_keys()) {
    EXPECT_TRUE(key.env.starts_with("GUILDHALL_"));
    EXPECT_NE(text.find("`" + key.path + "`"), std::string::npos)
        << key.path << " is not documented in docs/configuration.md";
    EXPECT_NE(text.find(key.env), std::string::npos) << key.env << " is not documented";
  }
}
