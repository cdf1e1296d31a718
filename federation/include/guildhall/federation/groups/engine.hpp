#pragma once

// The group engine: what a community HOSTED HERE (a local group) does with an activity sent to it
// by a member, local or remote (FEP-1b12 as Lemmy speaks it). One path for both: the inbox calls
// it for activities from other servers, outbox::Communities for our own people.
//
// apply() runs inside the caller's transaction. It checks first (membership, bans, posting
// policy, thread lock, authorship, moderator rights), then changes the database, then queues the
// group's `Announce` of the activity, embedded unchanged, to every follower instance's shared
// inbox once (plus the plain `Announce(Page)` Mastodon-style followers need for a new or edited
// thread). A refusal is a `forbidden` or `invalid_input` error: the caller rolls the transaction
// back, so nothing is stored. Follow/Join/Leave are answered (Accept/Reject, welcome message),
// never announced. See docs/FEDERATION.md, "Communities hosted here".

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::groups {

namespace as = guildhall::activitystreams;

struct ApplyOptions {
  // A local Create: the Snowflake its object id was built from (the post row gets that id).
  std::optional<storage::Id> new_post_id{};
  // A local Create or Update: the attachments as stored, linked to the uploads they show (the
  // object carries the same ones for the wire).
  std::optional<std::vector<storage::Attachment>> attachments{};
};

struct Applied {
  bool enqueued = false;                            // deliveries queued: notify the worker
  std::optional<storage::Post> post{};              // the post created or changed
  std::optional<storage::Membership> membership{};  // Follow/Join: the member's row
  std::string note{};                               // why nothing happened (tests, logs)
};

// The local group an activity is for, or nullopt when it concerns no local group (the person-level
// handlers take it then). Looks at the object (Follow, Join, Leave), the post the activity is
// about (Update, Delete, Like, Dislike, EmojiReact, Lock), the addressing and `audience` (Create,
// and a Delete of a post not stored yet), the collection in `target` (Add/Remove of moderators or
// featured, Block) and, for Undo, the activity undone. Bounded: at most a few dozen lookups.
core::Result<std::optional<storage::CommunityView>> find_target_group(storage::Tx& tx,
                                                                      const as::Object& activity);

// Applies `activity` by `actor` to `group` (a local community). `wire` is the activity's JSON as
// received (remote) or as built (local): it is what the Announce embeds.
core::Result<Applied> apply(storage::Tx& tx, const Urls& urls, const storage::CommunityView& group,
                            const storage::Actor& actor, const as::Object& activity,
                            const nlohmann::json& wire, const ApplyOptions& options = {});

// A manager's answer to a pending join request: the membership becomes accepted (Accept(Follow)
// to a remote member, then the welcome message) or goes (Reject(Follow)). Recorded in the
// moderation log. not_found when there is no pending request.
core::Result<Applied> answer_join(storage::Tx& tx, const Urls& urls,
                                  const storage::CommunityView& group,
                                  const storage::Actor& manager, const storage::Actor& member,
                                  bool accept);

// `Update(Group)` by `manager` (the group document as now stored), announced by the group to every
// follower instance as Lemmy and Mbin do. Called after a manager changed the settings.
core::Result<Applied> announce_group_update(storage::Tx& tx, const Urls& urls,
                                            const storage::CommunityView& group,
                                            const storage::Actor& manager);

// A moderator resolved `report`: when its author is on another server, that server gets
// `Resolve {actor: group, object: the forwarded Flag}` (it recorded the report when forwarded).
// Returns whether a delivery was queued.
core::Result<bool> forward_resolution(storage::Tx& tx, const storage::CommunityView& group,
                                      const storage::CommunityReport& report);

// An activity we build, as sent: serialized with `audience` as one id (Lemmy reads a single id,
// not a list), on the activity and on the objects it embeds.
nlohmann::json wire_json(const as::Object& activity);

// FEP-c0e0's fallback rule: servers whose NodeInfo `software.name` is Lemmy, Mbin, kbin, Mastodon,
// NodeBB, PeerTube or lotide do not read `EmojiReact`: they get a `Like` instead. Unknown software
// (no NodeInfo stored yet) gets EmojiReact. `host` is an instance as stored (host[:port]).
bool understands_emoji_react(const std::optional<std::string>& software);
core::Result<bool> instance_understands_emoji_react(storage::Tx& tx, const std::string& host);

// Whether joining waits for a manager's approval (a private community, or an approval join
// policy); for a remote community, as its host announces it.
bool needs_approval(const storage::Community& community) noexcept;

// Whether `actor` may moderate `group`: an accepted owner or moderator, or an admin of this
// instance (the group's host).
core::Result<bool> is_moderator(storage::Tx& tx, const storage::CommunityView& group,
                                const storage::Actor& actor);

}  // namespace guildhall::federation::groups
