#pragma once

// Shared by the group engine's files: the context of one apply() and the helpers every activity
// kind uses (standing of the actor, distribution, the moderation log).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/federation/groups/engine.hpp"

namespace guildhall::federation::groups::detail {

using core::Error;
using core::Result;
using nlohmann::json;
using storage::Id;

struct GroupContext {
  storage::Tx& tx;
  const Urls& urls;
  const storage::CommunityView& group;
  const storage::Actor& actor;
  const as::Object& activity;
  const json& wire;
  const ApplyOptions& options;
  Applied out{};

  Result<Applied> ignore(std::string why) {
    out.note = std::move(why);
    return std::move(out);
  }
  Result<Applied> done() { return std::move(out); }
};

// Where the actor stands in the group.
struct Standing {
  std::optional<storage::Membership> membership;
  bool banned = false;     // a ban in force (not expired)
  bool member = false;     // accepted
  bool moderator = false;  // accepted owner or moderator, or an admin of this instance
};
Result<Standing> standing_of(storage::Tx& tx, const storage::CommunityView& group,
                             const storage::Actor& actor);

// Where a server wants our deliveries for this actor: its shared inbox, else its own.
std::string inbox_of(const storage::Actor& actor);

// Approval or private communities take posts and reactions only from accepted members.
bool members_only(const storage::Community& community) noexcept;

// Posting policy (threads when `thread`, comments and reactions otherwise). forbidden with a
// message naming the rule.
Result<void> check_may_contribute(const storage::CommunityView& group, const Standing& standing,
                                  bool thread);

// Row lookups that answer nullopt for "no such row".
Result<std::optional<storage::Post>> find_post(storage::Tx& tx, std::string_view ap_id);
Result<std::optional<storage::Actor>> find_actor(storage::Tx& tx, std::string_view ap_id);
// The post must belong to the group (invalid_input otherwise).
Result<void> check_in_group(const storage::CommunityView& group, const storage::Post& post);

// Announces `wire` (kind = the announced type) from the group to its follower instances, records
// it in the group's outbox. For a private community the Announce is addressed to the followers
// only; a local-only community announces nothing.
// `extra_inboxes`: more recipients (a banned person's server, which no longer follows).
Result<void> announce(GroupContext& ctx, std::string_view kind,
                      const std::vector<std::string>& extra_inboxes = {});
// An Announce to exactly `inboxes`, not recorded in the outbox (a report goes only to the
// moderators' and the reported author's servers, as Lemmy routes Flag).
Result<void> announce_to(GroupContext& ctx, const std::vector<std::string>& inboxes);
// Also sends the plain Announce(object) Mastodon and Pleroma followers read (new/edited threads).
Result<void> announce_object(GroupContext& ctx, const json& object);
// A group activity to one remote actor's inbox (Accept, Reject, the welcome message).
Result<bool> send_direct(storage::Tx& tx, const storage::CommunityView& group, json activity,
                         const storage::Actor& to);
// `{"@context", "id", "type", "actor": group}`, the id built from `id` (a fresh Snowflake).
json group_activity(const Urls& urls, const storage::CommunityView& group, std::string_view type,
                    Id id);

Result<void> log_moderation(storage::Tx& tx, const storage::CommunityView& group, Id moderator,
                            storage::ModerationAction action, std::optional<Id> target_actor,
                            std::optional<Id> target_post,
                            std::optional<std::string> reason = std::nullopt,
                            std::optional<core::TimePoint> expires_at = std::nullopt);

// Per activity kind (membership.cpp, content.cpp, moderation.cpp).
Result<Applied> apply_join(GroupContext& ctx);
Result<Applied> apply_leave(GroupContext& ctx);
Result<Applied> apply_create(GroupContext& ctx);
Result<Applied> apply_update(GroupContext& ctx);
Result<Applied> apply_delete(GroupContext& ctx);
Result<Applied> apply_reaction(GroupContext& ctx);
Result<Applied> apply_undo(GroupContext& ctx);
Result<Applied> apply_lock(GroupContext& ctx, bool locked);
Result<Applied> apply_add_remove(GroupContext& ctx, bool add);
Result<Applied> apply_block(GroupContext& ctx, bool ban);
Result<Applied> restore_post(GroupContext& ctx, const std::string& post_ap_id);
Result<Applied> apply_flag(GroupContext& ctx);
// The report as the group forwards it to the reported author's server (Mastodon's forwarding:
// `Flag {actor: group, object: [post, author], summary}`, id `{group}/reports/{report id}`).
json forwarded_flag(const storage::CommunityView& group, const storage::CommunityReport& report,
                    const storage::Actor& author, const storage::Post* post);

// Q&A, polls and events (questions_polls_events.cpp).
Result<Applied> apply_choose_answer(GroupContext& ctx, const as::Object& choose, bool chosen);
// A Note with a `name` and no content replying to a thread: a vote when the thread is a poll.
bool is_poll_vote(const as::Object& object, const storage::Post& parent);
Result<Applied> apply_poll_vote(GroupContext& ctx, const as::Object& vote,
                                const storage::Post& thread);
Result<void> announce_poll_tallies(GroupContext& ctx, const storage::Post& thread);
// nullopt status: the answer is withdrawn (Leave, Undo).
Result<Applied> apply_rsvp(GroupContext& ctx, const std::string& event_ap_id,
                           std::optional<storage::RsvpStatus> status);

// Accept(Follow) + welcome message for a member whose membership just became accepted.
Result<bool> welcome_member(storage::Tx& tx, const Urls& urls, const storage::CommunityView& group,
                            const storage::Actor& member, const std::string& follow_id,
                            std::string_view follow_type);

}  // namespace guildhall::federation::groups::detail
