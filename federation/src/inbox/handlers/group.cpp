// Routing to the group engine: an activity whose target is a community hosted here (see
// groups::find_target_group) is applied by the engine, with the received JSON as the wire form the
// group announces unchanged. Delete-before-Create is handled here as on the person level: a
// Delete of a post we do not have leaves a tombstone mark, and a later Create for it is ignored.
#include "guildhall/federation/groups/engine.hpp"

#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

core::Result<bool> handle_group_activity(HandlerContext& ctx) {
  auto group = groups::find_target_group(ctx.tx, ctx.activity);
  if (!group)
    return std::move(group).error();
  if (!*group)
    return false;

  const std::string& object_id = ctx.activity.object_ref().id();
  if (ctx.activity.kind == as::Kind::create && !object_id.empty()) {
    auto tombstoned = ctx.tx.inbox_log().was_received(tombstone_key(object_id));
    if (!tombstoned)
      return std::move(tombstoned).error();
    if (*tombstoned) {
      ctx.note = "deleted before it was created";
      return true;
    }
  }
  if (ctx.activity.kind == as::Kind::delete_) {
    auto post = find_post(ctx.tx, object_id);
    if (!post)
      return std::move(post).error();
    if (!*post) {
      // Only the author's server may pre-empt its own post (a moderator's removal of a post we
      // never saw has nothing to remove).
      if (same_origin_ids(object_id, ctx.actor.ap_id)) {
        auto marked = ctx.tx.inbox_log().record_received(tombstone_key(object_id), ctx.actor.ap_id);
        if (!marked)
          return std::move(marked).error();
      }
      ctx.note = "unknown post: tombstone recorded";
      return true;
    }
  }

  auto applied =
      groups::apply(ctx.tx, ctx.urls, **group, ctx.actor, ctx.activity, ctx.activity.raw);
  if (!applied)
    return std::move(applied).error();
  ctx.enqueued = ctx.enqueued || applied->enqueued;
  ctx.note = std::move(applied->note);
  return true;
}

}  // namespace guildhall::federation::inbox::detail
