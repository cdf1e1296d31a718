#include "guildhall/federation/delivery/schedule.hpp"

#include <algorithm>

namespace guildhall::federation::delivery {

std::vector<std::chrono::seconds> RetrySchedule::default_delays() {
  using namespace std::chrono_literals;
  using std::chrono::seconds;
  // Failure k -> wait. Sum: about 4.5 days; the 16th attempt is the last.
  return {30s,
          seconds(1min),
          seconds(2min),
          seconds(5min),
          seconds(10min),
          seconds(20min),
          seconds(40min),
          seconds(1h),
          seconds(2h),
          seconds(3h),
          seconds(6h),
          seconds(12h),
          seconds(24h),
          seconds(24h),
          seconds(36h)};
}

std::optional<std::chrono::milliseconds> RetrySchedule::delay_after(int failures,
                                                                    double unit_random) const {
  if (failures < 1)
    failures = 1;
  if (static_cast<std::size_t>(failures) > delays.size())
    return std::nullopt;
  const double spread = std::clamp(jitter, 0.0, 1.0);
  const double factor = 1.0 + spread * (2.0 * std::clamp(unit_random, 0.0, 1.0) - 1.0);
  const auto base = std::chrono::duration<double, std::milli>(delays[failures - 1]);
  return std::chrono::duration_cast<std::chrono::milliseconds>(base * factor);
}

}  // namespace guildhall::federation::delivery
