#include "guildhall/server/password.hpp"

#include <gtest/gtest.h>

using namespace guildhall::server;

TEST(Password, HashesWithArgon2idAndVerifies) {
  auto hash = hash_password("correct horse battery staple");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *hash;
  EXPECT_TRUE(verify_password("correct horse battery staple", *hash));
  EXPECT_FALSE(verify_password("correct horse battery stapler", *hash));
  EXPECT_FALSE(verify_password("", *hash));
}

TEST(Password, SaltsDiffer) {
  EXPECT_NE(*hash_password("same password"), *hash_password("same password"));
}

TEST(Password, RejectsForeignOrBrokenHashes) {
  EXPECT_FALSE(verify_password("x", "plaintext"));
  EXPECT_FALSE(verify_password("x", "$argon2i$v=19$m=16,t=2,p=1$c29tZXNhbHQ$aGFzaA"));
  EXPECT_FALSE(verify_password("x", ""));
}

TEST(Password, Policy) {
  EXPECT_FALSE(check_password_policy("short").ok());
  EXPECT_TRUE(check_password_policy("long enough").ok());
  EXPECT_FALSE(check_password_policy(std::string(2000, 'a')).ok());
}
