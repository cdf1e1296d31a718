// Undo of the actor's own earlier activity: Follow (the follow goes), Like/Dislike/EmojiReact (the
// reaction goes), Announce (the boost goes), Block (nothing stored, so nothing to undo).
// The undone activity is identified by id when we stored it (follows and reactions keep their
// activity ids), else by its embedded copy, whose actor must be the Undo's actor.
#include "post_fields.hpp"

namespace guildhall::federation::inbox::detail {

namespace {

core::Result<void> undo_follow(HandlerContext& ctx, const as::Ref& ref) {
  std::optional<storage::Follow> follow;
  auto by_id = ctx.tx.follows().get_by_ap_id(ref.id());
  if (by_id.ok())
    follow = std::move(by_id).value();
  else if (by_id.error().kind != core::ErrorKind::not_found)
    return std::move(by_id).error();
  if (!follow && ref.get()) {
    auto followee = find_actor(ctx.tx, ref.get()->object_ref().id());
    if (!followee)
      return std::move(followee).error();
    if (*followee) {
      auto pair = find_follow(ctx.tx, ctx.actor.id, (*followee)->id);
      if (!pair)
        return std::move(pair).error();
      follow = *pair;
    }
  }
  if (!follow)
    return ctx.ignore("no such follow");
  if (follow->follower_id != ctx.actor.id)
    return core::Error::forbidden("undo of someone else's follow");
  auto removed = ctx.tx.follows().remove(follow->follower_id, follow->followee_id);
  if (!removed && removed.error().kind != core::ErrorKind::not_found)
    return std::move(removed).error();
  return {};
}

core::Result<void> undo_reaction(HandlerContext& ctx, const as::Ref& ref) {
  auto by_id = ctx.tx.reactions().get_by_ap_id(ref.id());
  if (by_id.ok()) {
    if (by_id->actor_id != ctx.actor.id)
      return core::Error::forbidden("undo of someone else's reaction");
    auto removed = ctx.tx.reactions().remove_by_ap_id(ref.id());
    if (!removed)
      return std::move(removed).error();
    return {};
  }
  if (by_id.error().kind != core::ErrorKind::not_found)
    return std::move(by_id).error();
  // Not stored under that id (a peer re-numbered it): match the embedded copy.
  const as::Object* inner = ref.get();
  if (!inner)
    return ctx.ignore("no such reaction");
  auto post = find_post(ctx.tx, inner->object_ref().id());
  if (!post)
    return std::move(post).error();
  if (!*post)
    return ctx.ignore("reaction target unknown");
  auto form = reaction_form(*inner, (*post)->id, ctx.actor.id);
  if (!form)
    return ctx.ignore("not a reaction");
  auto removed = ctx.tx.reactions().remove((*post)->id, ctx.actor.id, form->kind, form->emoji);
  if (!removed)
    return std::move(removed).error();
  return {};
}

core::Result<void> undo_boost(HandlerContext& ctx, const as::Ref& ref) {
  auto by_id = ctx.tx.client_api().get_reblog_by_ap_id(ref.id());
  std::optional<storage::Reblog> boost;
  if (by_id.ok())
    boost = std::move(by_id).value();
  else if (by_id.error().kind != core::ErrorKind::not_found)
    return std::move(by_id).error();
  if (!boost && ref.get()) {  // re-numbered: match the embedded copy's object
    auto post = find_post(ctx.tx, ref.get()->object_ref().id());
    if (!post)
      return std::move(post).error();
    if (*post) {
      auto removed = ctx.tx.client_api().remove_reblog(ctx.actor.id, (*post)->id);
      if (!removed && removed.error().kind != core::ErrorKind::not_found)
        return std::move(removed).error();
      return {};
    }
  }
  if (!boost)
    return ctx.ignore("no such boost");
  if (boost->actor_id != ctx.actor.id)
    return core::Error::forbidden("undo of someone else's boost");
  auto removed = ctx.tx.client_api().remove_reblog(boost->actor_id, boost->post_id);
  if (!removed && removed.error().kind != core::ErrorKind::not_found)
    return std::move(removed).error();
  return {};
}

}  // namespace

core::Result<void> handle_undo(HandlerContext& ctx) {
  const as::Ref& ref = ctx.activity.object_ref();
  if (ref.id().empty())
    return core::Error::invalid_input("undo without an object");
  const as::Object* inner = ref.get();
  if (inner && !inner->actor.id().empty() && inner->actor.id() != ctx.actor.ap_id)
    return core::Error::forbidden("undo of another actor's activity");
  // Without an embedded copy the type is unknown: look the id up where activities are kept.
  as::Kind kind = inner ? inner->kind : as::Kind::unknown;
  if (kind == as::Kind::unknown) {
    auto follow = ctx.tx.follows().get_by_ap_id(ref.id());
    if (follow.ok())
      kind = as::Kind::follow;
    else if (auto reaction = ctx.tx.reactions().get_by_ap_id(ref.id()); reaction.ok())
      kind = as::Kind::like;
    else if (auto boost = ctx.tx.client_api().get_reblog_by_ap_id(ref.id()); boost.ok())
      kind = as::Kind::announce;
  }
  switch (kind) {
    case as::Kind::follow:
      return undo_follow(ctx, ref);
    case as::Kind::like:
    case as::Kind::dislike:
    case as::Kind::emoji_react:
      return undo_reaction(ctx, ref);
    case as::Kind::announce:
      return undo_boost(ctx, ref);
    case as::Kind::block:
      return ctx.ignore("blocks are not stored");
    default:
      return ctx.ignore("undo of an unhandled type");
  }
}

}  // namespace guildhall::federation::inbox::detail
