#pragma once

// The retry schedule (documented in docs/FEDERATION.md "Delivery"). Mastodon-like in shape: quick
// retries for a blip, then hours apart, 16 attempts over about 4.5 days (3.6 to 5.5 with jitter),
// inside the 7-day retention window for a dead peer's backlog.

#include <chrono>
#include <optional>
#include <vector>

namespace guildhall::federation::delivery {

struct RetrySchedule {
  // delays[k]: the wait after the (k+1)-th failed attempt. Attempts in total: delays.size() + 1.
  std::vector<std::chrono::seconds> delays = default_delays();
  // Each wait is scaled by a uniform factor in [1 - jitter, 1 + jitter] so a peer that comes back
  // is not hit by every server's retries at the same instant.
  double jitter = 0.2;

  static std::vector<std::chrono::seconds> default_delays();

  int max_attempts() const noexcept { return static_cast<int>(delays.size()) + 1; }
  // The wait after `failures` failed attempts; nullopt once the delivery should be given up.
  // unit_random: uniform in [0, 1) (the worker's jitter source).
  std::optional<std::chrono::milliseconds> delay_after(int failures, double unit_random) const;
};

}  // namespace guildhall::federation::delivery
