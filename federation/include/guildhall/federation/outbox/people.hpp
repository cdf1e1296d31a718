#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/outbox/communities.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/client_api.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::storage {
class Database;
}

namespace guildhall::federation::outbox {

// Every member has an initializer so designated initializers compile warning-free on g++ 12.
struct NoteInput {
  std::string markdown{};
  std::optional<std::string> language{};
  std::optional<std::string> summary{};  // content warning
  bool sensitive = false;
  std::optional<storage::Id> in_reply_to{};  // a post we know (local or remote)
  // People mentioned (local or remote actors we have): linked where written ("@bob",
  // "@bob@host"), tagged as Mention, addressed in cc and delivered to their inboxes.
  std::vector<storage::Id> mentions{};
  // Uploads shown with the post, in order (attachments.hpp). On an edit, nullopt keeps the
  // attachments as they are.
  std::optional<std::vector<storage::Id>> media_ids{};
  // Who it is for (addressing and delivery as Mastodon's); an edit keeps the post's.
  storage::PostVisibility visibility = storage::PostVisibility::public_;
  // A poll (Mastodon's, sent as a Question); new posts only, an edit keeps the poll as it is.
  std::optional<PollInput> poll{};
};

// What local people do on the fediverse. Every call validates, changes our database and enqueues
// the activity it causes to the right inboxes in ONE transaction (the transactional outbox), then
// calls on_enqueued (the delivery worker's notify). Blocking: run on a worker thread.
class People {
 public:
  People(storage::Database& db, Urls urls, std::function<void()> on_enqueued = {});

  core::Result<storage::Post> publish_note(storage::Id author_id, const NoteInput& note);
  core::Result<storage::Post> edit_note(storage::Id author_id, storage::Id post_id,
                                        const NoteInput& note);
  core::Result<void> delete_note(storage::Id author_id, storage::Id post_id);
  core::Result<void> like(storage::Id actor_id, storage::Id post_id);
  core::Result<void> unlike(storage::Id actor_id, storage::Id post_id);
  // Boosts (Announce, Mastodon's shape) to the booster's followers and the post's author.
  // Boosting twice keeps the first boost and sends nothing new.
  core::Result<storage::Reblog> reblog(storage::Id actor_id, storage::Id post_id);
  // Votes for `options` (names) in a person's poll (polls::check_votes says who may). A local
  // poll counts them and sends its author's Update with the tallies; a remote one gets one
  // Create(Note{name}) per choice, to its author only, and our copy counts them until the
  // author's Update brings the real tallies. invalid_input for a post in a community (its
  // CommunityService votes) and for a post that is not a poll.
  core::Result<void> vote(storage::Id actor_id, storage::Id post_id,
                          const std::vector<std::string>& options);
  // Polls that ended since the last call (at most `limit`): their `poll` notifications appear
  // (PollRepo::close_ended) and a local person's poll sends its final tallies. Housekeeping calls
  // it every few seconds; returns how many closed.
  core::Result<std::size_t> close_ended_polls(std::size_t limit = 100);
  // Undo(Announce) to the same inboxes; not_found when there was no boost.
  core::Result<void> unreblog(storage::Id actor_id, storage::Id post_id);
  // Follows a (remote or local) person: pending until their Accept arrives (local: accepted now,
  // unless they approve followers by hand).
  core::Result<storage::Follow> follow(storage::Id follower_id, storage::Id followee_id);
  core::Result<void> unfollow(storage::Id follower_id, storage::Id followee_id);
  // Profile changes (display name, bio, locked); followers get Update(Person) with the new
  // actor document.
  core::Result<storage::Actor> update_profile(storage::Id person_id,
                                              const storage::ActorUpdate& update);
  // A person who approves followers by hand answers a pending follow: the follow is accepted or
  // goes, and a remote follower gets Accept(Follow) or Reject(Follow). not_found when nothing is
  // pending.
  core::Result<void> accept_follower(storage::Id person_id, storage::Id follower_id);
  core::Result<void> reject_follower(storage::Id person_id, storage::Id follower_id);
  // Pins one of the person's own posts to their profile (or unpins it): Add (Remove) with the
  // `featured` collection as target, to their followers, as Mastodon does. Only posts everyone
  // may read and that are not in a community (whose moderators pin its threads), at most
  // kMaxProfilePins; pinning twice or unpinning what is not pinned sends nothing.
  static constexpr std::size_t kMaxProfilePins = 5;
  core::Result<void> set_profile_pin(storage::Id person_id, storage::Id post_id, bool pinned);

 private:
  template <typename F>
  auto transact_and_notify(F&& body);
  core::Result<void> answer_follower(storage::Id person_id, storage::Id follower_id, bool accept);

  storage::Database& db_;
  Urls urls_;
  std::function<void()> on_enqueued_;
};

}  // namespace guildhall::federation::outbox
