#pragma once

// What local people do in communities hosted on OTHER servers (Lemmy, Mbin, PieFed, another
// Guildhall): join and leave, post threads and comments, edit and delete them, vote, react and
// report. Each call checks, changes our database and queues the activity to the group's inbox in
// ONE transaction (the transactional outbox, as People does), then calls on_enqueued. The group
// Announces it to its followers; when that Announce comes back to us it is recognised as ours and
// not stored twice. Activities have Lemmy's shape (docs/FEDERATION.md). Blocking: worker threads.
//
// Local communities are the hosting engine's business: every call here answers invalid_input for
// one.

#include <functional>
#include <optional>
#include <string>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/outbox/communities.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::storage {
class Database;
}

namespace guildhall::federation::outbox {

// The inputs are the hosting side's (communities.hpp): one shape whichever server hosts the
// community.

class RemoteCommunities {
 public:
  RemoteCommunities(storage::Database& db, Urls urls, std::function<void()> on_enqueued = {});

  // Follow (Lemmy's join): the membership is pending until the group's Accept. Joining again
  // while pending or accepted returns the row as is; a ban is forbidden.
  core::Result<storage::Membership> join(storage::Id person_id, storage::Id community_id);
  // Undo(Follow); the membership goes (a ban stays recorded).
  core::Result<void> leave(storage::Id person_id, storage::Id community_id);

  // Create(Page). Needs an accepted membership; moderators-only communities refuse others.
  core::Result<storage::Post> post_thread(storage::Id author_id, storage::Id community_id,
                                          const ThreadInput& thread);
  // Create(Note) replying to a thread or comment of a remote community; refused when locked.
  core::Result<storage::Post> comment(storage::Id author_id, storage::Id parent_id,
                                      const CommentInput& comment);
  // Update(Page | Note) by its author (history kept).
  core::Result<storage::Post> edit(storage::Id author_id, storage::Id post_id,
                                   const EditInput& edit);
  // Delete by its author (tombstone; no `summary`, which Lemmy reads as a moderator's removal).
  core::Result<void> remove(storage::Id author_id, storage::Id post_id);

  // Like / Dislike (a vote: Lemmy's shape, not addressed publicly) or EmojiReact (FEP-c0e0);
  // a vote replaces the opposite one. Reacting twice sends nothing new.
  core::Result<void> react(storage::Id actor_id, storage::Id post_id, storage::ReactionKind kind,
                           const std::string& emoji = {});
  // Undo of that reaction.
  core::Result<void> unreact(storage::Id actor_id, storage::Id post_id, storage::ReactionKind kind,
                             const std::string& emoji = {});

  // Q&A, polls and events, as Communities does them for communities hosted here (same rules),
  // sent to the group: ChooseAnswer / Undo, one vote Note per option (our vote is remembered so a
  // second one is refused here already; the tallies come from the host's Update), and
  // Accept / TentativeAccept / Reject of the event / Undo.
  core::Result<void> choose_answer(storage::Id actor_id, storage::Id comment_id, bool chosen);
  core::Result<void> vote(storage::Id actor_id, storage::Id poll_id,
                          const std::vector<std::string>& options);
  core::Result<void> rsvp(storage::Id actor_id, storage::Id event_id,
                          std::optional<storage::RsvpStatus> status);

  // Flag to the group (its moderators see it); nothing is stored here.
  core::Result<void> report(storage::Id actor_id, storage::Id post_id, const std::string& reason);

  // Moderation by one of our people who moderates the remote community (appointed there: the
  // group's announced Add gave the membership its role), in Lemmy's shapes: a removal is `Delete`
  // with `summary` (the reason, else " "), restored by its Undo; `Lock` / Undo(Lock) of a thread;
  // a pin is `Add` / `Remove` with `target` = the group's `featured`; a ban is `Block {object:
  // person, target: group, summary, endTime}` / Undo(Block). The group checks the moderator again,
  // applies and announces; the effect is applied here at once (the Announce of our own activity
  // is not applied twice). forbidden for anyone but an accepted moderator or owner.
  core::Result<void> remove_post(storage::Id moderator_id, storage::Id post_id,
                                 const std::optional<std::string>& reason);
  core::Result<void> restore_post(storage::Id moderator_id, storage::Id post_id);
  core::Result<void> lock(storage::Id moderator_id, storage::Id post_id, bool locked);
  core::Result<void> pin(storage::Id moderator_id, storage::Id post_id, bool pinned);
  core::Result<void> ban(storage::Id moderator_id, storage::Id community_id, storage::Id person_id,
                         const std::optional<std::string>& reason,
                         std::optional<core::TimePoint> until);
  core::Result<void> unban(storage::Id moderator_id, storage::Id community_id,
                           storage::Id person_id);

 private:
  core::Result<void> set_ban(storage::Id moderator_id, storage::Id community_id,
                             storage::Id person_id, const std::optional<std::string>& reason,
                             std::optional<core::TimePoint> until, bool banned);

  storage::Database& db_;
  Urls urls_;
  std::function<void()> on_enqueued_;
};

}  // namespace guildhall::federation::outbox
