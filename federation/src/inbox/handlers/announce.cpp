// Announce (a boost) of a person's post. Nothing stores boosts yet (no table), so it is ignored;
// group Announces (FEP-1b12) come with the communities work. An embedded object from another
// origin was already reduced to its id at receive (rule 3), so nothing here could trust it.
#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

core::Result<void> handle_announce(HandlerContext& ctx) {
  return ctx.ignore("boosts are not stored");
}

}  // namespace guildhall::federation::inbox::detail
