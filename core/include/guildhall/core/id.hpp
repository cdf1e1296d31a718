#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "guildhall/core/clock.hpp"

namespace guildhall::core {

// Time-ordered, opaque 63-bit ids (Snowflake-like): 42 bits of milliseconds since 2024-01-01,
// 21 random-seeded bits of sequence. The sequence starts at a random value every millisecond, so
// ids do not reveal how many rows were created, and one sequence serves every table so nothing can
// be inferred across visibilities. Ids sort by creation time, which the Mastodon API relies on
// (max_id / since_id / min_id pagination).
using Id = std::int64_t;

class IdGenerator {
 public:
  explicit IdGenerator(const Clock& clock = SystemClock::instance());
  Id next();

  // The smallest id that could have been generated at time t (for "since time t" queries).
  static Id lower_bound_for(TimePoint t);
  static TimePoint time_of(Id id);

 private:
  const Clock& clock_;
  std::mutex mutex_;
  std::int64_t last_ms_ = -1;
  std::uint32_t sequence_ = 0;
  std::uint64_t rng_state_;
};

// Ids travel as decimal strings in JSON: JavaScript clients cannot hold 63-bit integers.
std::string to_string_id(Id id);
bool parse_id(std::string_view text, Id& out);

}  // namespace guildhall::core
