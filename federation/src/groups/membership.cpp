// Membership: Follow/Join (accepted at once in an open public community, else pending until a
// manager answers), Leave and Undo(Follow), and the answers the group sends: Accept, Reject and the
// welcome message. None of these is announced (Lemmy does not either: they are between the group
// and one actor).
#include "guildhall/activitystreams/serialize.hpp"

#include "internal.hpp"

namespace guildhall::federation::groups::detail {

namespace {

// The Follow (or Join) being answered, embedded as Lemmy requires.
json embedded_follow(const storage::CommunityView& group, const storage::Actor& member,
                     const std::string& follow_id, std::string_view follow_type) {
  return json{{"id", follow_id},
              {"type", std::string(follow_type)},
              {"actor", member.ap_id},
              {"object", group.actor.ap_id}};
}

Result<bool> send_answer(storage::Tx& tx, const Urls& urls, const storage::CommunityView& group,
                         const storage::Actor& member, const std::string& follow_id,
                         std::string_view follow_type, bool accept) {
  json answer = group_activity(urls, group, accept ? "Accept" : "Reject", tx.next_id());
  answer["object"] = embedded_follow(group, member, follow_id, follow_type);
  return send_direct(tx, group, std::move(answer), member);
}

// The community's welcome message as a direct Note from the group (Mastodon's direct-message
// shape: addressed to the member only, with a Mention), so every kind of server shows it.
Result<bool> send_welcome(storage::Tx& tx, const Urls& urls, const storage::CommunityView& group,
                          const storage::Actor& member) {
  const auto& c = group.community;
  if (c.welcome_html.empty())
    return false;
  const Id id = tx.next_id();
  as::Object note =
      as::make_object(as::Kind::note, group.actor.ap_id + "/welcome/" + core::to_string_id(id));
  note.attributed_to = {as::Ref(group.actor.ap_id)};
  note.to = {member.ap_id};
  note.content = c.welcome_html;
  note.media_type = "text/html";
  if (!c.welcome_source.empty())
    note.source = as::Source{c.welcome_source, "text/markdown"};
  note.published = tx.now();
  as::Object mention = as::make_object(as::Kind::mention, "");
  mention.href = member.ap_id;
  note.tag = {as::Ref(mention)};
  json note_json = as::to_json(note);
  note_json.erase("@context");
  json create = group_activity(urls, group, "Create", id);
  create["to"] = json::array({member.ap_id});
  create["object"] = std::move(note_json);
  return send_direct(tx, group, std::move(create), member);
}

}  // namespace

Result<bool> welcome_member(storage::Tx& tx, const Urls& urls, const storage::CommunityView& group,
                            const storage::Actor& member, const std::string& follow_id,
                            std::string_view follow_type) {
  bool sent = false;
  if (!follow_id.empty()) {
    auto accepted = send_answer(tx, urls, group, member, follow_id, follow_type, true);
    if (!accepted)
      return accepted;
    sent = *accepted;
  }
  auto welcomed = send_welcome(tx, urls, group, member);
  if (!welcomed)
    return welcomed;
  return sent || *welcomed;
}

Result<Applied> apply_join(GroupContext& ctx) {
  const auto& group = ctx.group;
  if (group.community.visibility == storage::CommunityVisibility::local_only &&
      !ctx.actor.is_local())
    return Error::forbidden("this community is open to members of its own instance only");
  if (group.actor.id == ctx.actor.id)
    return Error::invalid_input("a community cannot join itself");
  auto standing = standing_of(ctx.tx, group, ctx.actor);
  if (!standing)
    return std::move(standing).error();
  const std::string follow_type(ctx.activity.type_name());
  const std::string& follow_id = ctx.activity.id;

  if (standing->banned) {
    // Said plainly to the actor's server; the ban row stays as it is.
    auto rejected = send_answer(ctx.tx, ctx.urls, group, ctx.actor, follow_id, follow_type, false);
    if (!rejected)
      return std::move(rejected).error();
    ctx.out.enqueued = *rejected;
    if (ctx.actor.is_local())
      return Error::forbidden("you are banned from this community");
    return ctx.ignore("banned: join rejected");
  }
  if (standing->member) {
    // A repeated Follow (the peer lost its state): answer again so its view converges.
    auto accepted = send_answer(ctx.tx, ctx.urls, group, ctx.actor, follow_id, follow_type, true);
    if (!accepted)
      return std::move(accepted).error();
    ctx.out.enqueued = *accepted;
    ctx.out.membership = standing->membership;
    return ctx.ignore("already a member");
  }
  const bool pending = needs_approval(group.community);
  auto row = ctx.tx.memberships().upsert(
      {.community_id = group.actor.id,
       .actor_id = ctx.actor.id,
       .role = storage::MemberRole::member,
       .state = pending ? storage::MemberState::pending : storage::MemberState::accepted,
       .follow_ap_id = follow_id.empty() ? std::nullopt : std::optional<std::string>(follow_id)});
  if (!row)
    return std::move(row).error();
  ctx.out.membership = *row;
  if (pending)
    return ctx.ignore("join request pending a manager's approval");
  auto sent = welcome_member(ctx.tx, ctx.urls, group, ctx.actor, follow_id, follow_type);
  if (!sent)
    return std::move(sent).error();
  ctx.out.enqueued = *sent;
  return ctx.done();
}

Result<Applied> apply_leave(GroupContext& ctx) {
  auto standing = standing_of(ctx.tx, ctx.group, ctx.actor);
  if (!standing)
    return std::move(standing).error();
  if (!standing->membership)
    return ctx.ignore("not a member");
  if (standing->membership->state == storage::MemberState::banned)
    return ctx.ignore("banned: the ban stays");  // leaving must not lift a ban
  if (standing->membership->role == storage::MemberRole::owner)
    return Error::forbidden("the owner cannot leave the community; hand it over first");
  auto removed = ctx.tx.memberships().remove(ctx.group.actor.id, ctx.actor.id);
  if (!removed)
    return std::move(removed).error();
  return ctx.done();
}

}  // namespace guildhall::federation::groups::detail

namespace guildhall::federation::groups {

core::Result<Applied> answer_join(storage::Tx& tx, const Urls& urls,
                                  const storage::CommunityView& group,
                                  const storage::Actor& manager, const storage::Actor& member,
                                  bool accept) {
  using namespace detail;
  auto may = is_moderator(tx, group, manager);
  if (!may)
    return std::move(may).error();
  if (!*may)
    return Error::forbidden("only the community's managers may answer join requests");
  auto row = tx.memberships().get(group.actor.id, member.id);
  if (!row)
    return std::move(row).error();
  if (row->state != storage::MemberState::pending)
    return Error::not_found("there is no pending join request from " + member.ap_id);
  Applied out;
  const std::string follow_id = row->follow_ap_id.value_or("");
  if (accept) {
    auto updated =
        tx.memberships().set_state(group.actor.id, member.id, storage::MemberState::accepted);
    if (!updated)
      return std::move(updated).error();
    out.membership = *updated;
    auto sent = welcome_member(tx, urls, group, member, follow_id, "Follow");
    if (!sent)
      return std::move(sent).error();
    out.enqueued = *sent;
  } else {
    if (auto removed = tx.memberships().remove(group.actor.id, member.id); !removed)
      return std::move(removed).error();
    if (!follow_id.empty()) {
      auto sent = send_answer(tx, urls, group, member, follow_id, "Follow", false);
      if (!sent)
        return std::move(sent).error();
      out.enqueued = *sent;
    }
  }
  if (auto logged = log_moderation(tx, group, manager.id,
                                   accept ? storage::ModerationAction::approve_member
                                          : storage::ModerationAction::reject_member,
                                   member.id, std::nullopt);
      !logged)
    return std::move(logged).error();
  return out;
}

}  // namespace guildhall::federation::groups
