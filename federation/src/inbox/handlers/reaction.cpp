// Like, Dislike and EmojiReact of a local post become reactions (idempotent per actor, kind and
// emoji). Like and Dislike exclude each other, as a Lemmy vote does: a new vote replaces the old.
#include "post_fields.hpp"

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

  auto form = reaction_form(ctx.activity, post.id, ctx.actor.id);
  if (!form)
    return std::move(form).error();
  auto added = store_reaction(ctx.tx, *form);
  if (!added)
    return std::move(added).error();
  return {};
}

}  // namespace guildhall::federation::inbox::detail
