// Delete of a post by its author (object id, or an embedded Tombstone): the post becomes a
// tombstone. Delete of the actor itself marks the actor deleted.
//
// Delete before Create (catalogue ORI-19, R-14): when the post is unknown, the object id is
// remembered as received under tombstone_key(id) in the inbox log's dedupe table, and
// handle_create ignores a Create for it. The mark is pruned with the received ids after the
// retention window (7 days), long enough for any reordered delivery. Only ids on the deleting
// actor's own origin are marked (checked at receive), so nobody can pre-empt another server's
// posts.
#include "guildhall/federation/signatures/verify.hpp"

#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

core::Result<void> handle_delete(HandlerContext& ctx) {
  const std::string& object_id = ctx.activity.object_ref().id();
  if (object_id.empty())
    return core::Error::invalid_input("delete without an object");
  if (object_id == ctx.actor.ap_id) {
    storage::ActorUpdate update;
    update.deleted_at = std::optional<core::TimePoint>(ctx.clock.now());
    auto done = ctx.tx.actors().update(ctx.actor.id, update);
    if (!done)
      return std::move(done).error();
    return {};
  }
  if (!same_origin_ids(object_id, ctx.actor.ap_id))
    return core::Error::forbidden("origin_mismatch: object is not on the actor's origin");

  auto post = find_post(ctx.tx, object_id);
  if (!post)
    return std::move(post).error();
  if (!*post) {
    auto marked = ctx.tx.inbox_log().record_received(tombstone_key(object_id), ctx.actor.ap_id);
    if (!marked)
      return std::move(marked).error();
    return ctx.ignore("unknown post: tombstone recorded");
  }
  if ((*post)->author_id != ctx.actor.id)
    return core::Error::forbidden("owner_mismatch: not the author of the post");  // ORI-04
  if ((*post)->deleted_at)
    return ctx.ignore("already deleted");
  auto deleted = ctx.tx.posts().soft_delete((*post)->id);
  if (!deleted)
    return std::move(deleted).error();
  return {};
}

}  // namespace guildhall::federation::inbox::detail
