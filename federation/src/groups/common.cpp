// Standing, policy checks and distribution: the parts every group activity shares.
#include "guildhall/activitystreams/serialize.hpp"
#include "guildhall/storage/federation_queue.hpp"

#include "internal.hpp"

namespace guildhall::federation::groups::detail {

namespace {

constexpr std::size_t kMemberPage = 200;

template <typename T>
Result<std::optional<T>> optional_row(Result<T> r) {
  if (r.ok())
    return std::optional<T>(std::move(r).value());
  if (r.error().kind == core::ErrorKind::not_found)
    return std::optional<T>();
  return std::move(r).error();
}

struct FollowerInbox {
  std::string inbox;
  std::string host;  // the member's instance
};

// Shared inboxes of the group's remote accepted members; the queue collapses duplicates.
Result<std::vector<FollowerInbox>> follower_inboxes(storage::Tx& tx, Id group_id) {
  std::vector<FollowerInbox> inboxes;
  storage::PageRequest page{.limit = kMemberPage, .oldest_first = true};
  for (;;) {
    auto batch = tx.memberships().list(group_id, storage::MemberState::accepted, page);
    if (!batch)
      return std::move(batch).error();
    for (const auto& m : *batch) {
      auto member = tx.actors().get(m.actor_id);
      if (!member)
        return std::move(member).error();
      if (!member->is_local() && !member->deleted_at && !member->suspended_at)
        inboxes.push_back({inbox_of(*member), member->domain.value_or("")});
    }
    if (batch->size() < page.limit)
      break;
    page.after = batch->back().id;
  }
  return inboxes;
}

std::string followers_of(const storage::CommunityView& group) {
  return group.actor.followers_url.value_or(Urls::followers(group.actor.ap_id));
}

Result<void> enqueue(storage::Tx& tx, const storage::CommunityView& group, Id id,
                     const std::string& ap_id, const json& payload,
                     const std::vector<std::string>& inboxes) {
  if (inboxes.empty())
    return {};
  auto queued = tx.delivery_queue().enqueue(
      {.id = id, .ap_id = ap_id, .actor_id = group.actor.id, .payload = payload.dump()}, inboxes);
  if (!queued)
    return std::move(queued).error();
  return {};
}

// Public communities address the world and cc the followers (Lemmy's Announce); private ones only
// their followers.
void address(json& activity, const storage::CommunityView& group) {
  if (group.community.visibility == storage::CommunityVisibility::private_) {
    activity["to"] = json::array({followers_of(group)});
  } else {
    activity["to"] = json::array({std::string(as::kPublic)});
    activity["cc"] = json::array({followers_of(group)});
  }
}

std::vector<std::string> inbox_urls(const std::vector<FollowerInbox>& inboxes) {
  std::vector<std::string> out;
  out.reserve(inboxes.size());
  for (const auto& i : inboxes)
    out.push_back(i.inbox);
  return out;
}

// FEP-c0e0's fallback: the Like a server without EmojiReact reads instead (same actor and object,
// id = the reaction's id + "#like", on the reactor's origin); an Undo gets the same treatment.
json like_fallback(const json& wire) {
  json like = {{"id", wire.value("id", "") + "#like"},
               {"type", "Like"},
               {"actor", wire.value("actor", "")},
               {"object", wire.value("object", json())}};
  if (wire.contains("audience"))
    like["audience"] = wire["audience"];
  if (wire.value("type", "") == "Undo") {
    like["type"] = "Undo";
    like["object"] = like_fallback(wire.value("object", json::object()));
  }
  return like;
}

bool is_emoji_react(const json& wire) {
  const std::string type = wire.value("type", "");
  if (type == "Undo" && wire.contains("object") && wire["object"].is_object())
    return is_emoji_react(wire["object"]);
  return type == "EmojiReact";
}

}  // namespace

std::string inbox_of(const storage::Actor& a) {
  return a.shared_inbox_url.value_or(a.inbox_url);
}

bool members_only(const storage::Community& c) noexcept {
  return c.visibility == storage::CommunityVisibility::private_ ||
         c.join_policy == storage::JoinPolicy::approval;
}

Result<std::optional<storage::Post>> find_post(storage::Tx& tx, std::string_view ap_id) {
  if (ap_id.empty())
    return std::optional<storage::Post>();
  return optional_row(tx.posts().get_by_ap_id(ap_id));
}

Result<std::optional<storage::Actor>> find_actor(storage::Tx& tx, std::string_view ap_id) {
  if (ap_id.empty())
    return std::optional<storage::Actor>();
  return optional_row(tx.actors().get_by_ap_id(ap_id));
}

Result<void> check_in_group(const storage::CommunityView& group, const storage::Post& post) {
  if (post.community_id != group.actor.id)
    return Error::invalid_input("the post is not in this community");
  return {};
}

Result<Standing> standing_of(storage::Tx& tx, const storage::CommunityView& group,
                             const storage::Actor& actor) {
  Standing s;
  auto m = optional_row(tx.memberships().get(group.actor.id, actor.id));
  if (!m)
    return std::move(m).error();
  s.membership = std::move(*m);
  if (s.membership) {
    const auto& row = *s.membership;
    s.banned = row.state == storage::MemberState::banned &&
               (!row.ban_expires_at || *row.ban_expires_at > tx.now());
    s.member = row.state == storage::MemberState::accepted;
    s.moderator = s.member && row.role != storage::MemberRole::member;
  }
  if (!s.moderator && actor.is_local() && actor.kind == storage::ActorKind::person) {
    auto user = optional_row(tx.users().get(actor.id));
    if (!user)
      return std::move(user).error();
    s.moderator = *user && (*user)->user.is_admin;
  }
  return s;
}

Result<void> check_may_contribute(const storage::CommunityView& group, const Standing& standing,
                                  bool thread) {
  if (standing.banned)
    return Error::forbidden("you are banned from this community");
  if (standing.moderator)
    return {};
  if (thread && group.community.posting_policy == storage::PostingPolicy::moderators)
    return Error::forbidden("only moderators may start threads in this community");
  if (members_only(group.community) && !standing.member)
    return Error::forbidden("only members may take part in this community");
  return {};
}

json group_activity(const Urls& urls, const storage::CommunityView& group, std::string_view type,
                    Id id) {
  json a = json::object();
  a["@context"] = as::default_context();
  a["id"] = urls.activity(core::to_string_id(id));
  a["type"] = std::string(type);
  a["actor"] = group.actor.ap_id;
  return a;
}

namespace {

json announce_of_wire(const GroupContext& ctx, Id id) {
  json a = group_activity(ctx.urls, ctx.group, "Announce", id);
  address(a, ctx.group);
  a["object"] = ctx.wire;  // unchanged (FEP-1b12): receivers trust it because the group sent it
  a["audience"] = ctx.group.actor.ap_id;
  return a;
}

}  // namespace

Result<void> announce(GroupContext& ctx, std::string_view kind,
                      const std::vector<std::string>& extra_inboxes) {
  const Id id = ctx.tx.next_id();
  const json a = announce_of_wire(ctx, id);
  const std::string ap_id = a["id"];
  auto recorded = ctx.tx.community_outbox().add({.id = id,
                                                 .community_id = ctx.group.actor.id,
                                                 .ap_id = ap_id,
                                                 .kind = std::string(kind),
                                                 .payload = a.dump()});
  if (!recorded)
    return std::move(recorded).error();
  if (ctx.group.community.visibility == storage::CommunityVisibility::local_only)
    return {};
  auto followers = follower_inboxes(ctx.tx, ctx.group.actor.id);
  if (!followers)
    return std::move(followers).error();
  std::vector<std::string> inboxes;
  std::vector<std::string> like_inboxes;  // instances without EmojiReact get the Like fallback
  const bool emoji = is_emoji_react(ctx.wire);
  for (auto& f : *followers) {
    bool understood = true;
    if (emoji) {
      auto knows = instance_understands_emoji_react(ctx.tx, f.host);
      if (!knows)
        return std::move(knows).error();
      understood = *knows;
    }
    (understood ? inboxes : like_inboxes).push_back(std::move(f.inbox));
  }
  inboxes.insert(inboxes.end(), extra_inboxes.begin(), extra_inboxes.end());
  if (auto q = enqueue(ctx.tx, ctx.group, id, ap_id, a, inboxes); !q)
    return q;
  if (!like_inboxes.empty()) {
    const Id like_id = ctx.tx.next_id();
    json like = announce_of_wire(ctx, like_id);
    like["object"] = like_fallback(ctx.wire);
    if (auto q = enqueue(ctx.tx, ctx.group, like_id, like["id"], like, like_inboxes); !q)
      return q;
  }
  ctx.out.enqueued = ctx.out.enqueued || !inboxes.empty() || !like_inboxes.empty();
  return {};
}

Result<void> announce_to(GroupContext& ctx, const std::vector<std::string>& inboxes) {
  if (ctx.group.community.visibility == storage::CommunityVisibility::local_only)
    return {};
  const Id id = ctx.tx.next_id();
  const json a = announce_of_wire(ctx, id);
  if (auto q = enqueue(ctx.tx, ctx.group, id, a["id"], a, inboxes); !q)
    return q;
  ctx.out.enqueued = ctx.out.enqueued || !inboxes.empty();
  return {};
}

Result<void> announce_object(GroupContext& ctx, const json& object) {
  if (ctx.group.community.visibility == storage::CommunityVisibility::local_only)
    return {};
  const Id id = ctx.tx.next_id();
  json a = group_activity(ctx.urls, ctx.group, "Announce", id);
  address(a, ctx.group);
  a["object"] = object;
  a["audience"] = ctx.group.actor.ap_id;
  auto followers = follower_inboxes(ctx.tx, ctx.group.actor.id);
  if (!followers)
    return std::move(followers).error();
  const std::vector<std::string> inboxes = inbox_urls(*followers);
  if (auto q = enqueue(ctx.tx, ctx.group, id, a["id"], a, inboxes); !q)
    return q;
  ctx.out.enqueued = ctx.out.enqueued || !inboxes.empty();
  return {};
}

Result<bool> send_direct(storage::Tx& tx, const storage::CommunityView& group, json activity,
                         const storage::Actor& to) {
  if (to.is_local() || group.community.visibility == storage::CommunityVisibility::local_only)
    return false;
  if (!activity.contains("to"))
    activity["to"] = json::array({to.ap_id});
  const std::string ap_id = activity["id"];
  auto queued = tx.delivery_queue().enqueue(
      {.id = std::nullopt, .ap_id = ap_id, .actor_id = group.actor.id, .payload = activity.dump()},
      {to.inbox_url});
  if (!queued)
    return std::move(queued).error();
  return true;
}

Result<void> log_moderation(storage::Tx& tx, const storage::CommunityView& group, Id moderator,
                            storage::ModerationAction action, std::optional<Id> target_actor,
                            std::optional<Id> target_post, std::optional<std::string> reason,
                            std::optional<core::TimePoint> expires_at) {
  if (reason && reason->empty())
    reason.reset();
  auto added = tx.moderation_log().add({.community_id = group.actor.id,
                                        .moderator_id = moderator,
                                        .action = action,
                                        .target_actor_id = target_actor,
                                        .target_post_id = target_post,
                                        .reason = std::move(reason),
                                        .expires_at = expires_at});
  if (!added)
    return std::move(added).error();
  return {};
}

}  // namespace guildhall::federation::groups::detail

namespace guildhall::federation::groups {

bool needs_approval(const storage::Community& c) noexcept {
  return detail::members_only(c);
}

}  // namespace guildhall::federation::groups
