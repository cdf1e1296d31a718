// The retry schedule, status classification and Retry-After parsing.

#include "guildhall/federation/delivery/schedule.hpp"

#include <gtest/gtest.h>

#include "guildhall/federation/delivery/transport.hpp"

namespace guildhall::federation::delivery {
namespace {

using namespace std::chrono_literals;

TEST(RetrySchedule, DefaultIsSixteenAttemptsOverAboutFourAndAHalfDays) {
  const RetrySchedule s;
  EXPECT_EQ(s.max_attempts(), 16);
  std::chrono::seconds total{0};
  for (auto d : s.delays)
    total += d;
  EXPECT_GT(total, std::chrono::hours(24 * 4));
  EXPECT_LT(total, std::chrono::hours(24 * 5));
  // Non-decreasing: a peer that keeps failing is tried less and less often.
  EXPECT_TRUE(std::is_sorted(s.delays.begin(), s.delays.end()));
  EXPECT_EQ(s.delays.front(), 30s);
  // Jitter at its extremes stays within +-20 %; the last wait is followed by giving up.
  EXPECT_EQ(s.delay_after(1, 0.0), std::chrono::milliseconds(24'000));
  EXPECT_EQ(s.delay_after(1, 0.5), std::chrono::milliseconds(30'000));
  EXPECT_EQ(s.delay_after(1, 1.0), std::chrono::milliseconds(36'000));
  EXPECT_EQ(s.delay_after(15, 0.5), std::chrono::milliseconds(36h));
  EXPECT_FALSE(s.delay_after(16, 0.5).has_value());
  std::chrono::milliseconds min_total{0}, max_total{0};
  for (int k = 1; k < s.max_attempts(); ++k) {
    min_total += *s.delay_after(k, 0.0);
    max_total += *s.delay_after(k, 1.0);
  }
  EXPECT_GT(min_total, std::chrono::hours(24 * 3 + 12));
  EXPECT_LT(max_total, std::chrono::hours(24 * 5 + 12));
}

TEST(RetrySchedule, CustomTableAndNoJitter) {
  RetrySchedule s{.delays = {1s, 5s}, .jitter = 0};
  EXPECT_EQ(s.max_attempts(), 3);
  EXPECT_EQ(s.delay_after(0, 0.9), std::chrono::milliseconds(1000));
  EXPECT_EQ(s.delay_after(2, 0.1), std::chrono::milliseconds(5000));
  EXPECT_FALSE(s.delay_after(3, 0.1).has_value());
}

TEST(DeliveryClassification, MastodonsRule) {
  EXPECT_EQ(classify_status(200), DeliveryResult::delivered);
  EXPECT_EQ(classify_status(202), DeliveryResult::delivered);
  for (int s : {400, 403, 404, 405, 410, 413, 422, 501})
    EXPECT_EQ(classify_status(s), DeliveryResult::permanent) << s;
  for (int s : {401, 408, 429, 500, 502, 503, 504, 302, 100})
    EXPECT_EQ(classify_status(s), DeliveryResult::transient) << s;
  auto o = DeliveryOutcome::from_status(429, 120s);
  EXPECT_EQ(o.result, DeliveryResult::transient);
  EXPECT_EQ(o.status, 429);
  EXPECT_EQ(o.error, "HTTP 429");
  EXPECT_EQ(o.retry_after, 120s);
  EXPECT_EQ(DeliveryOutcome::transient_error("timeout").result, DeliveryResult::transient);
  EXPECT_EQ(DeliveryOutcome::permanent_error("refused").result, DeliveryResult::permanent);
  EXPECT_EQ(to_string(DeliveryResult::delivered), "delivered");
}

TEST(DeliveryClassification, RetryAfter) {
  core::TimePoint now;
  ASSERT_TRUE(core::parse_rfc3339("2015-10-21T07:28:00Z", now));
  EXPECT_EQ(parse_retry_after("120", now), 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now), 120s);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), 0s);  // in the past
  EXPECT_EQ(parse_retry_after("99999999999999999999999", now), std::chrono::hours(24));
  EXPECT_EQ(parse_retry_after("864000", now), std::chrono::hours(24));  // capped at a day
  EXPECT_FALSE(parse_retry_after("", now).has_value());
  EXPECT_FALSE(parse_retry_after("soon", now).has_value());
  EXPECT_FALSE(parse_retry_after("-5", now).has_value());
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT junk", now).has_value());
}

}  // namespace
}  // namespace guildhall::federation::delivery
