#include "guildhall/core/id.hpp"

#include <charconv>

#include "guildhall/core/random.hpp"

namespace guildhall::core {

namespace {
constexpr std::int64_t kEpochMs = 1704067200000;  // 2024-01-01T00:00:00Z
constexpr int kSequenceBits = 21;
constexpr std::uint32_t kSequenceMask = (1u << kSequenceBits) - 1;

std::int64_t to_ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
}  // namespace

IdGenerator::IdGenerator(const Clock& clock) : clock_(clock) {
  random_bytes(&rng_state_, sizeof rng_state_);
}

Id IdGenerator::next() {
  std::lock_guard lock(mutex_);
  std::int64_t ms = to_ms(clock_.now()) - kEpochMs;
  if (ms < last_ms_)
    ms = last_ms_;  // the wall clock stepped back: stay monotonic
  if (ms != last_ms_) {
    // xorshift64*: a fresh starting point each millisecond; seeded from the OS, not for secrets.
    rng_state_ ^= rng_state_ >> 12;
    rng_state_ ^= rng_state_ << 25;
    rng_state_ ^= rng_state_ >> 27;
    // Start in the lower half so that a burst within one millisecond rarely overflows.
    sequence_ = static_cast<std::uint32_t>((rng_state_ * 2685821657736338717ULL) >> 44) &
                (kSequenceMask >> 1);
    last_ms_ = ms;
  } else if (++sequence_ > kSequenceMask) {
    // More than ~1M ids in one millisecond: borrow the next millisecond.
    ++last_ms_;
    sequence_ = 0;
  }
  return (last_ms_ << kSequenceBits) | sequence_;
}

Id IdGenerator::lower_bound_for(TimePoint t) {
  return (to_ms(t) - kEpochMs) << kSequenceBits;
}

TimePoint IdGenerator::time_of(Id id) {
  return TimePoint(std::chrono::milliseconds((id >> kSequenceBits) + kEpochMs));
}

std::string to_string_id(Id id) {
  return std::to_string(id);
}

bool parse_id(std::string_view text, Id& out) {
  if (text.empty() || text.size() > 19)
    return false;
  Id value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || value < 0)
    return false;
  out = value;
  return true;
}

}  // namespace guildhall::core
