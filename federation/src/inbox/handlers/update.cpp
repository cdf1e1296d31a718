// Update(Note | Page | Article | Question) by the post's author: an edit, the previous version kept
// in the history. Updates are applied in `updated` order: one older than the stored edit is
// dropped (peers may deliver out of order, catalogue 3.4). An Update of a post we do not have is
// ignored (Mastodon does the same). An Update of the actor itself was turned into a refetch by the
// processor (ActorSource::refresh) before this runs; its embedded copy is never used.
#include "guildhall/federation/groups/thread_kinds.hpp"

#include "post_fields.hpp"

namespace guildhall::federation::inbox::detail {

core::Result<void> handle_update(HandlerContext& ctx) {
  const as::Object* object = ctx.activity.object_ref().get();
  if (!object)
    return ctx.ignore("object not embedded (no object source to fetch it)");
  if (!is_post_kind(object->kind))
    return ctx.ignore("update of an unhandled object type");
  if (auto owned = check_owned_object(ctx, *object); !owned)
    return owned;
  auto existing = find_post(ctx.tx, object->id);
  if (!existing)
    return std::move(existing).error();
  if (!*existing)
    return ctx.ignore("update of an unknown post");
  const storage::Post& post = **existing;
  if (post.author_id != ctx.actor.id)
    return core::Error::forbidden("owner_mismatch: not the author of the post");  // ORI-03
  if (post.deleted_at)
    return ctx.ignore("post is deleted");
  // A poll's tallies as its author counted them (Mastodon updates its polls so, keeping
  // `updated` at the last edit): taken from every Update; only a changed text is an edit.
  if (!post.community_id)
    if (auto counted = groups::store_edited_shape(ctx.tx, post, *object, true); !counted)
      return counted;
  const core::TimePoint now = ctx.clock.now();
  const core::TimePoint edited = std::min(object->updated.value_or(now), now);
  if (post.updated_at && object->updated && edited <= *post.updated_at)
    return ctx.ignore("stale update");
  PostFields fields = post_fields(*object);
  if (groups::read_shape(*object).poll && fields.content_html == post.content_html &&
      fields.summary == post.summary)
    return ctx.ignore("new poll tallies only");

  storage::PostEdit edit = post_edit(std::move(fields), edited);
  auto updated = ctx.tx.posts().update(post.id, edit);
  if (!updated)
    return std::move(updated).error();
  if (auto mentions = store_mentions(ctx, *object, updated->id); !mentions)
    return mentions;
  // A moved event.
  if (updated->is_thread() && updated->community_id)
    return groups::store_edited_shape(ctx.tx, *updated, *object, true);
  return {};
}

}  // namespace guildhall::federation::inbox::detail
