#include "guildhall/core/result.hpp"

#include <gtest/gtest.h>

#include "guildhall/core/random.hpp"

using namespace guildhall::core;

TEST(Result, CarriesValueOrError) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = Error::not_found("no such thing");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::not_found);
  EXPECT_THROW(bad.value(), ErrorException);
  EXPECT_EQ(http_status(bad.error().kind), 404);
}

TEST(Result, VoidResult) {
  Result<void> ok;
  EXPECT_TRUE(ok.ok());
  Result<void> bad = Error::conflict("stale");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "stale");
}

TEST(Random, TokensAreUrlSafeAndDistinct) {
  const auto a = random_token(32), b = random_token(32);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}
