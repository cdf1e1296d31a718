// Announce. By a remote community a local person follows (FEP-1b12): the inner activity of one of
// its members, applied to our copy of the community (community.cpp). Anything else is a boost of a
// person's post: nothing stores boosts yet, so it is ignored. An embedded object from another
// origin was already reduced to its id at receive (rule 3), so nothing here could trust it.
#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

core::Result<void> handle_announce(HandlerContext& ctx) {
  auto group = followed_community(ctx.tx, ctx.actor.ap_id);
  if (!group)
    return std::move(group).error();
  if (!*group)
    return ctx.ignore("boosts are not stored");
  return handle_group_announce(ctx, **group);
}

}  // namespace guildhall::federation::inbox::detail
