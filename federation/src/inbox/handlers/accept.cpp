// Accept(Follow) and Reject(Follow) of a Follow a local actor sent: of a person (follows), or of a
// remote community (the local person's membership: accepted, or removed on Reject). Only the
// followee may answer: the follow is matched by its activity id (or, when the peer embeds the
// Follow without an id we know, by the follower/followee pair) and its followee must be the
// activity's actor. A remote community's decision on a join request is written to its
// moderation log here, as its host logs it, so the person is notified (storage/client_api.hpp).
#include "guildhall/federation/groups/engine.hpp"

#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

namespace {

core::Result<std::optional<storage::Follow>> our_follow(HandlerContext& ctx) {
  const as::Ref& ref = ctx.activity.object_ref();
  if (ref.empty())
    return core::Error::invalid_input("accept without an object");
  if (const as::Object* inner = ref.get();
      inner && inner->kind != as::Kind::follow && inner->kind != as::Kind::unknown)
    return std::optional<storage::Follow>();  // Accept of something else (Invite, ...)

  std::optional<storage::Follow> follow;
  if (!ref.id().empty()) {
    auto by_id = ctx.tx.follows().get_by_ap_id(ref.id());
    if (by_id.ok())
      follow = std::move(by_id).value();
    else if (by_id.error().kind != core::ErrorKind::not_found)
      return std::move(by_id).error();
  }
  if (!follow) {
    const as::Object* inner = ref.get();
    if (!inner || inner->object_ref().id() != ctx.actor.ap_id)
      return std::optional<storage::Follow>();
    auto follower = find_actor(ctx.tx, inner->actor.id());
    if (!follower)
      return std::move(follower).error();
    if (!*follower || !(*follower)->is_local())
      return std::optional<storage::Follow>();
    auto pair = find_follow(ctx.tx, (*follower)->id, ctx.actor.id);
    if (!pair)
      return std::move(pair).error();
    follow = *pair;
  }
  if (follow && follow->followee_id != ctx.actor.id)
    return core::Error::forbidden("only the followee may answer a follow");
  return follow;
}

}  // namespace

core::Result<void> handle_accept(HandlerContext& ctx) {
  // A local person's join of a remote community (community.cpp).
  auto membership = our_membership(ctx);
  if (!membership)
    return std::move(membership).error();
  if (*membership) {
    if ((*membership)->state != storage::MemberState::pending)
      return ctx.ignore("join already settled");
    auto accepted = ctx.tx.memberships().set_state(
        (*membership)->community_id, (*membership)->actor_id, storage::MemberState::accepted);
    if (!accepted)
      return std::move(accepted).error();
    ctx.joined_community = (*membership)->community_id;
    // An open community accepts at once: only a manager's approval is news.
    auto group = ctx.tx.communities().get((*membership)->community_id);
    if (!group)
      return std::move(group).error();
    // The group answers: the host does not say which manager decided.
    if (groups::needs_approval(group->community))
      return log_host_decision(ctx.tx, (*membership)->community_id, ctx.actor.id,
                               storage::ModerationAction::approve_member, (*membership)->actor_id);
    return {};
  }
  auto follow = our_follow(ctx);
  if (!follow)
    return std::move(follow).error();
  if (!*follow)
    return ctx.ignore("no follow of ours matches");
  if ((*follow)->state == storage::FollowState::accepted)
    return ctx.ignore("already accepted");
  auto accepted = ctx.tx.follows().accept((*follow)->follower_id, (*follow)->followee_id);
  if (!accepted)
    return std::move(accepted).error();
  return {};
}

core::Result<void> handle_reject(HandlerContext& ctx) {
  auto membership = our_membership(ctx);
  if (!membership)
    return std::move(membership).error();
  if (*membership) {
    // A ban stays recorded (it bars a later join); a refused request simply goes.
    if ((*membership)->state == storage::MemberState::banned)
      return ctx.ignore("banned");
    auto removed =
        ctx.tx.memberships().remove((*membership)->community_id, (*membership)->actor_id);
    if (!removed && removed.error().kind != core::ErrorKind::not_found)
      return std::move(removed).error();
    if ((*membership)->state == storage::MemberState::pending)
      return log_host_decision(ctx.tx, (*membership)->community_id, ctx.actor.id,
                               storage::ModerationAction::reject_member, (*membership)->actor_id);
    return {};
  }
  auto follow = our_follow(ctx);
  if (!follow)
    return std::move(follow).error();
  if (!*follow)
    return ctx.ignore("no follow of ours matches");
  auto removed = ctx.tx.follows().remove((*follow)->follower_id, (*follow)->followee_id);
  if (!removed && removed.error().kind != core::ErrorKind::not_found)
    return std::move(removed).error();
  return {};
}

}  // namespace guildhall::federation::inbox::detail
