#pragma once

// Threads that are more than text (schema migration 0008):
//
//   PollRepo   a thread that is a poll (AS2 Question, oneOf/anyOf), its options with their tallies
//              and, on the host, the votes counted;
//   EventRepo  a thread that is an event (AS2 Event: start, end, place) and who answered going,
//              maybe or not going.
//
// Both live inside a transaction (Tx::polls(), Tx::events()). Every call blocks.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/model.hpp"
#include "guildhall/storage/repositories.hpp"

namespace guildhall::storage {

struct PollOption {
  int position = 0;  // 0-based, the order shown
  std::string name{};
  std::int64_t votes = 0;
};

struct Poll {
  Id post_id = 0;
  bool multiple = false;  // anyOf (several options per person), else oneOf
  std::optional<TimePoint> end_time{};
  std::int64_t voters_count = 0;
  std::vector<PollOption> options{};  // ordered by position
  bool hide_totals = false;           // tallies shown once it ended (Mastodon's hide_totals)
  std::optional<Id> closed_id{};      // set by close_ended: names its `poll` notifications
};

struct NewPoll {
  Id post_id = 0;
  bool multiple = false;
  std::optional<TimePoint> end_time{};
  std::vector<std::string> options{};  // names, in order; votes start at 0
  bool hide_totals = false;
};

struct PollVote {
  Id id = 0;
  Id post_id = 0;
  int position = 0;
  Id actor_id = 0;
  std::optional<std::string> ap_id{};  // the vote Note
  TimePoint created_at{};
};

class PollRepo {
 public:
  virtual ~PollRepo() = default;
  // already_exists if the post is a poll already; invalid_input for an unknown post or no option.
  virtual Result<Poll> create(const NewPoll& poll) = 0;
  virtual Result<Poll> get(Id post_id) = 0;  // not_found: not a poll
  // A vote of `actor_id` for option `position`; already_exists when that person chose that option
  // before (or the vote's ap_id is known), invalid_input for an unknown option.
  virtual Result<PollVote> add_vote(Id post_id, int position, Id actor_id,
                                    std::optional<std::string> ap_id) = 0;
  virtual Result<std::vector<PollVote>> votes_of(Id post_id, Id actor_id) = 0;
  // Everyone who voted, once each, in the order of their first vote.
  virtual Result<std::vector<Id>> voters(Id post_id) = 0;
  // The host: tallies recounted from the stored votes.
  virtual Result<Poll> recount(Id post_id) = 0;
  // A member's copy: tallies as the host announced them (`votes` by position; extra or missing
  // entries are ignored).
  virtual Result<Poll> set_tallies(Id post_id, const std::vector<std::int64_t>& votes,
                                   std::int64_t voters_count) = 0;
  // Polls whose end time has passed and that were not closed yet, at most `limit` of them, oldest
  // end first: each gets its closed_id (a fresh Snowflake) and a poll_closed change, once.
  virtual Result<std::vector<Poll>> close_ended(std::size_t limit) = 0;
};

enum class RsvpStatus { going, maybe, not_going };
std::string_view to_string(RsvpStatus v) noexcept;
bool parse(std::string_view text, RsvpStatus& out) noexcept;

struct Event {
  Id post_id = 0;
  TimePoint start_time{};
  std::optional<TimePoint> end_time{};
  std::optional<std::string> location_name{};
  std::optional<std::string> location_address{};
};

struct Rsvp {
  Id id = 0;
  Id post_id = 0;
  Id actor_id = 0;
  RsvpStatus status = RsvpStatus::going;
  std::optional<std::string> ap_id{};
  TimePoint created_at{};
};

struct RsvpCounts {
  std::int64_t going = 0;
  std::int64_t maybe = 0;
  std::int64_t not_going = 0;
};

class EventRepo {
 public:
  virtual ~EventRepo() = default;
  // Inserts or replaces the event details of a thread (an Update(Event) moves it); invalid_input
  // for an unknown post or an end before the start.
  virtual Result<Event> put(const Event& event) = 0;
  virtual Result<Event> get(Id post_id) = 0;  // not_found: not an event
  // One answer per person: a new one replaces the previous.
  virtual Result<Rsvp> set_rsvp(Id post_id, Id actor_id, RsvpStatus status,
                                std::optional<std::string> ap_id) = 0;
  virtual Result<bool> remove_rsvp(Id post_id, Id actor_id) = 0;
  virtual Result<std::optional<Rsvp>> rsvp_of(Id post_id, Id actor_id) = 0;
  virtual Result<RsvpCounts> counts(Id post_id) = 0;
};

}  // namespace guildhall::storage
