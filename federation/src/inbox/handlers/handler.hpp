#pragma once

// The person-level handlers (Lemmy style: verify() decides whether and on what to act, receive()
// writes). Each runs inside the processor's transaction, which also marks the log row done, so
// an activity's writes commit exactly once; they are still written to be idempotent because a
// peer may send the same thing under a new activity id.
//
// Contract: ok when handled or deliberately ignored (ctx.note says why); forbidden when the
// activity would create or change something its actor does not own (catalogue 2.2: never retried);
// invalid_input for a shape we cannot act on; anything else is transient and retried.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/inbox/processor.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::inbox::detail {

namespace as = guildhall::activitystreams;

struct HandlerContext {
  storage::Tx& tx;
  const as::Object& activity;
  const storage::Actor& actor;  // the activity's actor, remote, already in the actors table
  const Urls& urls;
  const core::Clock& clock;
  bool enqueued = false;  // a delivery was queued: wake the delivery worker after the commit
  std::string note;       // why nothing happened (tests and logs)
  // Announce: the announced object as fetched from its origin before the transaction (the
  // processor's prepare step), when it came by id or embedded from another origin.
  const as::Object* fetched = nullptr;
  // Announce: the group's moderators collection as served by its origin (fetched in the prepare
  // step for moderation activities by actors from another origin).
  const std::vector<std::string>* moderators = nullptr;
  // Announce of an Update of the group itself: the Group document as its origin serves it now.
  const as::Object* group_document = nullptr;
  // Accept of a local person's Follow of a remote community: backfill it after the commit.
  std::optional<storage::Id> joined_community{};
  // A comment in a remote community whose parent we do not have: backfill its thread after the
  // commit (the comment as checked here, and the community).
  std::optional<storage::Id> orphan_community{};
  std::optional<as::Object> orphan_reply{};

  core::Result<void> ignore(std::string why) {
    note = std::move(why);
    return {};
  }
};

core::Result<void> dispatch(HandlerContext& ctx);

core::Result<void> handle_follow(HandlerContext& ctx);
core::Result<void> handle_accept(HandlerContext& ctx);  // Accept(Follow)
core::Result<void> handle_reject(HandlerContext& ctx);  // Reject(Follow)
core::Result<void> handle_undo(HandlerContext& ctx);
core::Result<void> handle_create(HandlerContext& ctx);
core::Result<void> handle_update(HandlerContext& ctx);
// The local people a post's Mention tags name or its to/cc/bto/bcc (the object's and the
// activity's) address, added to the post's mentions: their `mention` notifications, and who may
// read a followers-only or direct post. An edit may add some; bounded like the recipients.
core::Result<void> store_mentions(HandlerContext& ctx, const as::Object& object,
                                  storage::Id post_id);
core::Result<void> handle_delete(HandlerContext& ctx);
core::Result<void> handle_reaction(HandlerContext& ctx);  // Like, Dislike, EmojiReact
core::Result<void> handle_announce(HandlerContext& ctx);
core::Result<void> handle_block(HandlerContext& ctx);
// A report (Flag) about our people's posts forwarded by another instance, and its Resolve.
core::Result<void> handle_flag(HandlerContext& ctx);
core::Result<void> handle_resolve(HandlerContext& ctx);
// Activities for a community hosted here go to the group engine (groups/engine.hpp): true when
// the activity was one (handled or deliberately ignored), false to fall through to the
// person-level handlers.
core::Result<bool> handle_group_activity(HandlerContext& ctx);

// Remote communities (community.cpp): what a group we follow announces, and the answers to our
// members' Follows.
core::Result<void> handle_group_announce(HandlerContext& ctx, const storage::CommunityView& group);
// A thread or comment by ctx.actor (checked: origin, author) into that community; idempotent.
core::Result<void> store_community_post(HandlerContext& ctx, const storage::CommunityView& group,
                                        const as::Object& object);
// What one of our people who moderates a remote community sends it (outbox::RemoteCommunities:
// a moderator's Delete, Lock, Add/Remove to `featured`, Block and their Undo), applied here at once
// as the group's Announce of it would be (that Announce of our own activity is not applied again).
core::Result<void> apply_own_moderation(storage::Tx& tx, const Urls& urls,
                                        const storage::CommunityView& group,
                                        const storage::Actor& moderator,
                                        const as::Object& activity);
// Accept/Reject of a local person's Follow of a remote group: nullopt when it is not one.
core::Result<std::optional<storage::Membership>> our_membership(HandlerContext& ctx);
// Reaction on a post we have (any post: a local one, or one in a community we follow).
core::Result<void> apply_reaction(HandlerContext& ctx, const storage::Post& post);
// Before the handler's transaction (BLOCKING: database reads and the network). For an Announce by
// a remote community with local members: fetches the announced object from its origin when it
// came as an id (or was reduced to one at receive because it was embedded from another origin),
// makes sure the inner activity's actor is stored, and for moderation by an actor from another
// origin fetches the group's moderators collection.
struct AnnouncePrep {
  std::optional<as::Object> fetched;
  std::optional<std::vector<std::string>> moderators;
  std::optional<as::Object> group_document;
};
AnnouncePrep prepare_announce(storage::Database& db, const Urls& urls, const as::Object& announce,
                              ObjectSource* objects, ActorSource* actors);
// The same for a person's boost (announce.cpp): the boosted post from its origin, and its author
// stored, when the boost concerns us and we do not have the post yet.
AnnouncePrep prepare_boost(storage::Database& db, const Urls& urls, const as::Object& announce,
                           ObjectSource* objects, ActorSource* actors);
// Before the handler's transaction (BLOCKING: the network): a Create or Update whose object came
// as an id only, with that object fetched from its origin and embedded; nullopt when there is
// nothing to fetch (embedded, our own, no ObjectSource). Errors: forbidden when the id is not on
// the actor's origin or the fetched copy left it, and the fetch's own (not_found, unavailable...).
core::Result<std::optional<as::Object>> resolve_object_by_id(const Urls& urls,
                                                             const as::Object& activity,
                                                             ObjectSource* objects);
// The remote community (not local) that `ap_id` names, if a local person is an accepted member.
core::Result<std::optional<storage::CommunityView>> followed_community(storage::Tx& tx,
                                                                       std::string_view ap_id);

// Shared helpers (common.cpp). Lookups answer nullopt for "no such row" and pass other errors on.
core::Result<std::optional<storage::Actor>> find_actor(storage::Tx& tx, std::string_view ap_id);
core::Result<std::optional<storage::Post>> find_post(storage::Tx& tx, std::string_view ap_id);
core::Result<std::optional<storage::Follow>> find_follow(storage::Tx& tx, storage::Id follower,
                                                         storage::Id followee);
// The key under which a Delete that arrived before its Create is remembered in the inbox log's
// received ids (pruned with them after the retention window). "tombstone:" is no scheme a peer
// uses for activity ids, so it cannot collide with a real activity.
std::string tombstone_key(std::string_view object_id);
// signatures::same_origin on ids with their fragment removed: Mastodon's activity ids carry one
// ("{actor}#likes/1", "{status}#delete") and same_origin refuses any URL with a fragment.
bool same_origin_ids(std::string_view a, std::string_view b);
// Records in a remote community's moderation log what its host decided about one of our people
// (a join request answered, a moderator change, a ban), as the host logs it: the person's
// notifications are derived from it (storage/client_api.hpp).
core::Result<void> log_host_decision(storage::Tx& tx, storage::Id community_id,
                                     storage::Id moderator_id, storage::ModerationAction action,
                                     storage::Id person_id,
                                     std::optional<std::string> reason = std::nullopt,
                                     std::optional<core::TimePoint> expires_at = std::nullopt);
// Content objects we store as posts.
bool is_post_kind(as::Kind kind) noexcept;

}  // namespace guildhall::federation::inbox::detail
