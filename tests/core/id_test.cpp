#include "guildhall/core/id.hpp"

#include <set>

#include <gtest/gtest.h>

using namespace guildhall::core;
using namespace std::chrono_literals;

TEST(IdGenerator, IdsIncreaseAndAreUnique) {
  IdGenerator gen;
  std::set<Id> seen;
  Id last = 0;
  for (int i = 0; i < 100000; ++i) {
    const Id id = gen.next();
    ASSERT_GT(id, last);
    last = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100000u);
}

TEST(IdGenerator, IdsAreOrderedByTimeAndCarryIt) {
  ManualClock clock(TimePoint(std::chrono::milliseconds(1767225600000)));  // 2026-01-01
  IdGenerator gen(clock);
  const Id a = gen.next();
  clock.advance(5ms);
  const Id b = gen.next();
  EXPECT_LT(a, b);
  EXPECT_EQ(IdGenerator::time_of(a), clock.now() - 5ms);
  EXPECT_GE(b, IdGenerator::lower_bound_for(clock.now()));
  EXPECT_LT(a, IdGenerator::lower_bound_for(clock.now()));
}

TEST(IdGenerator, SequenceDoesNotStartAtZero) {
  // Ids must not reveal how many rows exist: two generators in the same millisecond differ.
  ManualClock clock(TimePoint(std::chrono::milliseconds(1767225600000)));
  IdGenerator a(clock), b(clock);
  int different = 0;
  for (int i = 0; i < 8; ++i) {
    clock.advance(1ms);
    different += a.next() != b.next();
  }
  EXPECT_GE(different, 7);
}

TEST(IdGenerator, ClockGoingBackwardsStaysMonotonic) {
  ManualClock clock(TimePoint(std::chrono::milliseconds(1767225600000)));
  IdGenerator gen(clock);
  const Id a = gen.next();
  clock.advance(-10s);
  EXPECT_GT(gen.next(), a);
}

TEST(Id, ParsesOnlyCanonicalDecimal) {
  Id id = 0;
  EXPECT_TRUE(parse_id("123456789", id));
  EXPECT_EQ(id, 123456789);
  EXPECT_FALSE(parse_id("", id));
  EXPECT_FALSE(parse_id("-5", id));
  EXPECT_FALSE(parse_id("12a", id));
  EXPECT_FALSE(parse_id("99999999999999999999", id));
  EXPECT_EQ(to_string_id(42), "42");
}
