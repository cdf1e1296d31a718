// Block of a local person by a remote actor: the follows between them go, both ways (Mastodon
// does the same). The block itself is not stored: nothing would read it yet.
#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

core::Result<void> handle_block(HandlerContext& ctx) {
  // Lemmy's Block with a target is a community or instance ban by a moderator, not a person
  // blocking a person: the communities work handles it.
  if (!ctx.activity.target.empty())
    return ctx.ignore("moderation ban");
  auto target = find_actor(ctx.tx, ctx.activity.object_ref().id());
  if (!target)
    return std::move(target).error();
  if (!*target || !(*target)->is_local())
    return ctx.ignore("block of a non-local actor");
  for (auto [from, to] :
       {std::pair{ctx.actor.id, (*target)->id}, std::pair{(*target)->id, ctx.actor.id}}) {
    auto removed = ctx.tx.follows().remove(from, to);
    if (!removed && removed.error().kind != core::ErrorKind::not_found)
      return std::move(removed).error();
  }
  return {};
}

}  // namespace guildhall::federation::inbox::detail
