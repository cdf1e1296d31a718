#include "guildhall/federation/urls.hpp"

#include <gtest/gtest.h>

using namespace guildhall::federation;

TEST(Urls, LocalLayout) {
  Urls urls("https://guild.example.com");
  EXPECT_EQ(urls.host(), "guild.example.com");
  EXPECT_EQ(urls.user("alice"), "https://guild.example.com/users/alice");
  EXPECT_EQ(urls.group("rust"), "https://guild.example.com/c/rust");
  EXPECT_EQ(Urls::inbox(urls.group("rust")), "https://guild.example.com/c/rust/inbox");
  EXPECT_EQ(Urls::key_id(urls.user("alice")), "https://guild.example.com/users/alice#main-key");
  EXPECT_EQ(urls.shared_inbox(), "https://guild.example.com/inbox");
  EXPECT_EQ(Urls("http://127.0.0.1:8080").host(), "127.0.0.1:8080");
}

TEST(Handles, OnlyLowercaseAsciiDigitsUnderscoreUpTo30) {
  EXPECT_TRUE(is_valid_local_handle("alice"));
  EXPECT_TRUE(is_valid_local_handle("rust_guild_2026"));
  EXPECT_TRUE(is_valid_local_handle(std::string(30, 'a')));
  EXPECT_FALSE(is_valid_local_handle(std::string(31, 'a')));
  EXPECT_FALSE(is_valid_local_handle(""));
  EXPECT_FALSE(is_valid_local_handle("Alice"));
  EXPECT_FALSE(is_valid_local_handle("al-ice"));
  EXPECT_FALSE(is_valid_local_handle("al ice"));
  EXPECT_FALSE(is_valid_local_handle("alice@host"));
  EXPECT_FALSE(is_valid_local_handle("ålice"));
}
