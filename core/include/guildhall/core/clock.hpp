#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>

namespace guildhall::core {

using TimePoint = std::chrono::system_clock::time_point;

// Injected wherever time matters (signature windows, retries, ids) so tests control it.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& instance() {
    static const SystemClock clock;
    return clock;
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }
  void set(TimePoint t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<TimePoint::rep> now_;
};

// RFC 3339 in UTC with milliseconds ("2026-11-23T19:47:00.123Z"), the form Mastodon clients expect.
std::string format_rfc3339(TimePoint t);
// Accepts RFC 3339 / ISO 8601 with 'Z' or an offset, with or without fractional seconds.
bool parse_rfc3339(std::string_view text, TimePoint& out);

}  // namespace guildhall::core
