#pragma once

// The reads behind the community API (docs/api.md, "Community API"), written once for both
// backends (schema migration 0009): the community directory, thread lists with their sorts and
// the home feed with read markers, and the insights figures for managers. They cover local and
// remote communities alike: everything here is computed from the rows this instance holds.
//
// Like every repository it lives inside a transaction (Tx::community_queries()). Every call
// blocks.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/model.hpp"
#include "guildhall/storage/repositories.hpp"

namespace guildhall::storage {

// Which communities the directory lists, relative to the viewer.
enum class DirectoryMembership { any, joined, managed };

struct DirectoryQuery {
  Id viewer_id = 0;
  std::string text{};  // case-insensitive substring of handle, title or description; "" = all
  CommunityScope scope = CommunityScope::all;
  std::optional<std::string> language{};  // communities that list this tag (or list none)
  DirectoryMembership membership = DirectoryMembership::any;
  PageRequest page{};  // keyset over the community's actor id, newest first
};

enum class ThreadSort {
  newest,  // publication, keyset over the id
  active,  // the latest live comment (or the publication), by offset
  top,     // likes minus dislikes, then newest, by offset
};

struct ThreadQuery {
  // Exactly one of the two: the threads of one community, or of every community `member_id` is
  // an accepted member of (the home feed).
  std::optional<Id> community_id{};
  std::optional<Id> member_id{};
  ThreadSort sort = ThreadSort::newest;
  std::optional<TimePoint> published_since{};  // top: the period
  bool include_removed = false;                // managers see removed threads
  std::optional<Id> reader_id{};               // fills the read state
  bool unread_only = false;                    // needs reader_id
  PageRequest page{};      // newest: keyset; pinned threads first when a community's first page
  std::size_t offset = 0;  // active and top; page.limit applies
};

struct ThreadSummary {
  Post post{};
  std::int64_t comment_count = 0;  // live comments
  TimePoint last_activity_at{};    // the latest live comment, else the publication
  std::int64_t score = 0;          // likes minus dislikes
  // With a reader: when they last marked it read, and the live comments by others since then
  // (all of them when never read). Unread: new comments, or never read and not their own thread.
  std::optional<TimePoint> read_at{};
  std::int64_t new_comments = 0;
  bool unread = false;
};

struct InsightsDay {
  std::int64_t day = 0;  // days since the Unix epoch (UTC)
  std::int64_t joined = 0;
  std::int64_t threads = 0;
  std::int64_t comments = 0;
  std::int64_t reactions = 0;
};

struct QuestionStats {
  std::int64_t total = 0;
  std::int64_t answered = 0;  // a live comment by someone other than the asker
  std::int64_t accepted = 0;
  std::optional<std::int64_t> median_seconds_to_first_answer{};
  std::vector<Post> oldest_unanswered{};  // at most 20
};

struct InstanceMembers {
  std::optional<std::string> host{};  // nullopt: this instance
  std::int64_t members = 0;
};

struct CommunityInsights {
  std::int64_t members_total = 0;         // accepted now
  std::int64_t members_before_range = 0;  // accepted ones that joined before the first day
  std::vector<InsightsDay> days{};        // one per day of the range, oldest first
  std::int64_t active_day = 0;            // distinct people who posted or reacted
  std::int64_t active_week = 0;
  std::int64_t active_month = 0;
  std::vector<ReactionCount> reactions{};  // over the community's life, by kind and emoji
  QuestionStats questions{};
  std::vector<InstanceMembers> members_by_instance{};  // largest first
};

class CommunityQueryRepo {
 public:
  virtual ~CommunityQueryRepo() = default;
  virtual Result<std::vector<CommunityView>> directory(const DirectoryQuery& query) = 0;
  // Tombstones are left out; removed threads unless include_removed.
  virtual Result<std::vector<ThreadSummary>> threads(const ThreadQuery& query) = 0;
  // One thread's figures (any state); not_found for an unknown id or a comment.
  virtual Result<ThreadSummary> thread(Id thread_id, std::optional<Id> reader_id) = 0;
  // Records that `actor_id` has read the thread now; returns that time.
  virtual Result<TimePoint> mark_read(Id actor_id, Id thread_id) = 0;
  // Accepted owners and moderators, the owner first.
  virtual Result<std::vector<Membership>> managers(Id community_id) = 0;
  // The figures for `days` UTC days ending with the day of `now` (1 to 366).
  virtual Result<CommunityInsights> insights(Id community_id, TimePoint now, int days) = 0;
};

}  // namespace guildhall::storage
