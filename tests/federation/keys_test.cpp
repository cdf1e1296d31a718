#include "guildhall/federation/keys.hpp"

#include <gtest/gtest.h>

using namespace guildhall::federation;

TEST(Keys, GeneratesRsa2048PemPair) {
  auto pair = generate_rsa_keypair();
  ASSERT_TRUE(pair.ok()) << pair.error().message;
  EXPECT_TRUE(pair->public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
  EXPECT_TRUE(pair->private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  // A 2048-bit SubjectPublicKeyInfo is 294 bytes: 451 PEM characters with headers.
  EXPECT_EQ(pair->public_pem.size(), 451u);
  auto derived = public_pem_from_private(pair->private_pem);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(*derived, pair->public_pem);
}

TEST(Keys, RejectsGarbage) {
  EXPECT_FALSE(public_pem_from_private("not a key").ok());
  EXPECT_FALSE(public_pem_from_private("").ok());
}
