#pragma once

// The change feed: what committed transactions changed, for live consumers (the streaming API).
// Repositories record a Change where the row is written (a post created, edited or deleted, a
// reaction or follow that may notify someone, a token revoked); the Database hands them to its
// subscribers after the transaction commits, never for a rolled-back one or an undone savepoint.
//
// On PostgreSQL every change is also sent with NOTIFY in the same transaction (delivered only on
// commit), and a database that has subscribers LISTENs on one extra connection, so processes
// sharing one PostgreSQL see each other's changes. SQLite is one process: its feed is local.
//
// Changes carry ids only; consumers read the rows they need (a deleted post is a tombstone that
// keeps its author and thread).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "guildhall/storage/model.hpp"

namespace guildhall::storage {

enum class ChangeKind {
  post_created,    // id: the post
  post_edited,     // id: the post
  post_deleted,    // id: the post (tombstoned, or removed by a moderator)
  reaction_added,  // id: the reaction (a like may notify the post's author)
  reblog_created,  // id: the boost (home streams of the booster's followers; notifies the author)
  follow_created,  // id: the follow (may notify the followee)
  token_revoked,   // id: the OAuth token (its streams close)
  poll_closed,     // id: the poll's closed_id (notifies its author and voters)
  moderation_logged,  // id: the moderation log entry (a join decision, appointment or ban notifies)
  report_filed,       // id: the community report (notifies its managers and the admins)
};

struct Change {
  ChangeKind kind = ChangeKind::post_created;
  Id id = 0;
  bool operator==(const Change&) const = default;
};

std::string_view to_string(ChangeKind kind) noexcept;
std::optional<ChangeKind> parse_change_kind(std::string_view text) noexcept;

// Called on the committing thread (local changes) or the listener thread (other processes'):
// must be quick and must not open a transaction; hand work to another thread.
using ChangeListener = std::function<void(const Change&)>;
using ChangeSubscription = std::uint64_t;

}  // namespace guildhall::storage
