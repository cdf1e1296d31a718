#pragma once

// Threads that are more than a Page, on the wire and in storage, for both sides of a community
// (the host's engine and a member's instance read and write them the same way):
//
//   Q&A    a thread marked as a question (`isQuestion: true`) and its accepted answer
//          (`acceptedAnswer`: the comment's id; set and cleared by `ChooseAnswer` / its Undo);
//   polls  an AS2 `Question` with `oneOf`/`anyOf` options, each with `replies.totalItems`, plus
//          `endTime` and `votersCount` (Mastodon's shape);
//   events an AS2 `Event` with `startTime`, `endTime` and `location` (a `Place` with `name` and
//          `address`).
//
// See docs/FEDERATION.md, "Questions, polls and events".

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::groups {

namespace as = guildhall::activitystreams;

struct ThreadShape {
  bool question = false;                         // Q&A
  std::optional<std::string> accepted_answer{};  // the accepted comment's ActivityPub id
  std::optional<storage::Poll> poll{};           // options with their tallies
  std::optional<storage::Event> event{};
};

// What a received (or locally built) thread object says: a poll when it has options, an event
// when it is an `Event` with a start; `Question` without options is a Q&A question, like
// `isQuestion`.
ThreadShape read_shape(const as::Object& object);

// What we store about a thread, as sent.
core::Result<ThreadShape> stored_shape(storage::Tx& tx, const storage::Post& thread);

// Writes `shape` onto a thread object's JSON: the type (`Question` for a poll, `Event`) and the
// properties above. A plain thread stays a `Page` for peers that know none of this.
void write_shape(const ThreadShape& shape, nlohmann::json& object);

// Stores the poll or event of a thread just created from `object` (a poll's tallies as sent).
core::Result<void> store_new_shape(storage::Tx& tx, const storage::Post& thread,
                                   const as::Object& object);
// An edit: the event moves; with `tallies`, a poll takes the counts the object carries (a member's
// copy follows the host's or the author's Update; the host counts for itself).
core::Result<void> store_edited_shape(storage::Tx& tx, const storage::Post& thread,
                                      const as::Object& object, bool tallies);

// An answer to an event: Accept and Join = going, TentativeAccept = maybe, Reject = not going;
// nullopt for anything else (Leave withdraws).
std::optional<storage::RsvpStatus> rsvp_status(as::Kind kind);

}  // namespace guildhall::federation::groups
