#include "guildhall/core/clock.hpp"

#include <gtest/gtest.h>

using namespace guildhall::core;

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  const TimePoint t{std::chrono::milliseconds(1700000000123)};
  EXPECT_EQ(format_rfc3339(t), "2023-11-14T22:13:20.123Z");
}

TEST(Rfc3339, ParsesZuluOffsetsAndFractions) {
  TimePoint t;
  ASSERT_TRUE(parse_rfc3339("2023-11-14T22:13:20Z", t));
  EXPECT_EQ(t, TimePoint(std::chrono::seconds(1700000000)));
  ASSERT_TRUE(parse_rfc3339("2023-11-14T23:13:20.5+01:00", t));
  EXPECT_EQ(t, TimePoint(std::chrono::milliseconds(1700000000500)));
  ASSERT_TRUE(parse_rfc3339("2023-11-14T22:13:20.123456789Z", t));
}

TEST(Rfc3339, RejectsMalformed) {
  TimePoint t;
  EXPECT_FALSE(parse_rfc3339("2023-11-14T22:13:20", t));  // no zone
  EXPECT_FALSE(parse_rfc3339("2023-13-14T22:13:20Z", t));
  EXPECT_FALSE(parse_rfc3339("2023-02-30T22:13:20Z", t));
  EXPECT_FALSE(parse_rfc3339("2023-11-14T22:13:20Zjunk", t));
  EXPECT_FALSE(parse_rfc3339("yesterday", t));
}

TEST(Rfc3339, FormatsTimesBefore1970) {
  EXPECT_EQ(format_rfc3339(TimePoint(std::chrono::microseconds(-500))), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(TimePoint(std::chrono::milliseconds(-1001))),
            "1969-12-31T23:59:58.999Z");
}
