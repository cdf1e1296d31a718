// Like, Dislike and EmojiReact of a local post become reactions (idempotent per actor, kind and
// emoji). Like and Dislike exclude each other, as a Lemmy vote does: a new vote replaces the old.
#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

core::Result<void> handle_reaction(HandlerContext& ctx) {
  auto post = find_post(ctx.tx, ctx.activity.object_ref().id());
  if (!post)
    return std::move(post).error();
  if (!*post || !(*post)->is_local)
    return ctx.ignore("not a local post");
  return apply_reaction(ctx, **post);
}

core::Result<void> apply_reaction(HandlerContext& ctx, const storage::Post& post) {
  if (post.deleted_at)
    return ctx.ignore("post is deleted");

  storage::ReactionForm form;
  form.post_id = post.id;
  form.actor_id = ctx.actor.id;
  form.ap_id = ctx.activity.id;
  switch (ctx.activity.kind) {
    case as::Kind::dislike:
      form.kind = storage::ReactionKind::dislike;
      break;
    case as::Kind::emoji_react: {
      form.kind = storage::ReactionKind::emoji;
      form.emoji = ctx.activity.content.value_or(ctx.activity.name.value_or(""));
      if (form.emoji.empty() || form.emoji.size() > 256)
        return core::Error::invalid_input("emoji reaction without a usable emoji");
      // A custom emoji's image comes in the Emoji tag of that name.
      for (const as::Ref& tag : ctx.activity.tag) {
        const as::Object* t = tag.get();
        if (t && t->kind == as::Kind::emoji && t->name == form.emoji && !t->icon.empty())
          form.emoji_icon_url = t->icon;
      }
      break;
    }
    default:
      form.kind = storage::ReactionKind::like;
  }
  if (form.kind != storage::ReactionKind::emoji) {
    const auto opposite = form.kind == storage::ReactionKind::like ? storage::ReactionKind::dislike
                                                                   : storage::ReactionKind::like;
    auto removed = ctx.tx.reactions().remove(form.post_id, form.actor_id, opposite);
    if (!removed)
      return std::move(removed).error();
  }
  auto added = ctx.tx.reactions().add(form);
  if (!added)
    return std::move(added).error();
  return {};
}

}  // namespace guildhall::federation::inbox::detail
