#include "guildhall/federation/signatures/structured_fields.hpp"

#include <gtest/gtest.h>

using namespace guildhall::federation::signatures;

TEST(StructuredFields, ParsesSignatureInputDictionary) {
  const std::string text =
      R"(sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519", sig2=("@method");alg="ed25519")";
  auto dict = sf::parse_dictionary(text);
  ASSERT_TRUE(dict.ok()) << dict.error().message;
  ASSERT_EQ(dict->size(), 2u);
  EXPECT_EQ((*dict)[0].first, "sig-b26");
  const auto& list = std::get<sf::InnerList>((*dict)[0].second);
  ASSERT_EQ(list.items.size(), 6u);
  EXPECT_EQ(std::get<std::string>(list.items[1].value), "@method");
  EXPECT_EQ(std::get<std::int64_t>(*sf::find_param(list.params, "created")), 1618884473);
  EXPECT_EQ(std::get<std::string>(*sf::find_param(list.params, "keyid")), "test-key-ed25519");
  // Serialisation is canonical and round-trips.
  EXPECT_EQ(
      "sig-b26=" + sf::serialize_inner_list(list),
      R"(sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519")");
}

TEST(StructuredFields, ParsesEveryBareItemType) {
  auto dict = sf::parse_dictionary(
      R"(a=1, b=-2.5, c="q\"s\\", d=tok/en:x, e=:aGVsbG8=:, f=?0, g, h;p=1;q)");
  ASSERT_TRUE(dict.ok()) << dict.error().message;
  const auto item = [&](std::size_t i) { return std::get<sf::Item>((*dict)[i].second); };
  EXPECT_EQ(std::get<std::int64_t>(item(0).value), 1);
  EXPECT_EQ(std::get<sf::Decimal>(item(1).value).value, -2.5);
  EXPECT_EQ(std::get<std::string>(item(2).value), "q\"s\\");
  EXPECT_EQ(std::get<sf::Token>(item(3).value).value, "tok/en:x");
  EXPECT_EQ(std::get<sf::ByteSequence>(item(4).value).bytes, "hello");
  EXPECT_EQ(std::get<bool>(item(5).value), false);
  EXPECT_EQ(std::get<bool>(item(6).value), true);
  EXPECT_EQ(item(7).params.size(), 2u);
  EXPECT_EQ(sf::serialize_item(item(2)), R"("q\"s\\")");
  EXPECT_EQ(sf::serialize_item(item(7)), "?1;p=1;q");
  EXPECT_EQ(sf::serialize_bare_item(item(1).value), "-2.5");
}

TEST(StructuredFields, LaterDuplicateKeyOverwrites) {
  auto dict = sf::parse_dictionary("a=1, b=2, a=3");
  ASSERT_TRUE(dict.ok());
  ASSERT_EQ(dict->size(), 2u);
  EXPECT_EQ(std::get<std::int64_t>(std::get<sf::Item>((*dict)[0].second).value), 3);
}

TEST(StructuredFields, RejectsMalformedInput) {
  for (const char* bad :
       {"a=\"unterminated", "a=1,", "A=1", "a=(\"x\"", "a=:abc", "a=1 b=2", "a=\"\\n\"", "a=?2",
        "a=1234567890123456", "a=1.2345", ",a=1", "a=(\"x\"\"y\")", "a=\"tab\there\""}) {
    EXPECT_FALSE(sf::parse_dictionary(bad).ok()) << bad;
  }
  EXPECT_TRUE(sf::parse_dictionary("").ok());
  EXPECT_TRUE(sf::parse_dictionary("a=1 ,\tb=2").ok());
}
