// Follow of a local person: a follow row (pending when the person approves followers by hand),
// and for an accepted follow an Accept(Follow) signed by the person, queued in the same
// transaction (transactional outbox).
#include "guildhall/activitystreams/serialize.hpp"

#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

namespace {

struct FollowTarget {
  storage::Actor followee;
  std::optional<storage::Follow> existing;
};

// Returns nullopt (with ctx.note) when the Follow is not ours to handle.
core::Result<std::optional<FollowTarget>> verify(HandlerContext& ctx) {
  const std::string& object = ctx.activity.object_ref().id();
  auto followee = find_actor(ctx.tx, object);
  if (!followee)
    return std::move(followee).error();
  if (!*followee || !(*followee)->is_local()) {
    ctx.note = "object is not a local actor";
    return std::optional<FollowTarget>();
  }
  if ((*followee)->kind != storage::ActorKind::person) {
    // Group membership (Follow of a community) comes with the communities work.
    ctx.note = "follow of a non-person actor";
    return std::optional<FollowTarget>();
  }
  if ((*followee)->deleted_at || (*followee)->suspended_at) {
    ctx.note = "followee deleted or suspended";
    return std::optional<FollowTarget>();
  }
  auto existing = find_follow(ctx.tx, ctx.actor.id, (*followee)->id);
  if (!existing)
    return std::move(existing).error();
  return std::optional<FollowTarget>(FollowTarget{**followee, *existing});
}

}  // namespace

// The Accept(Follow) a local person sends back; the Follow is embedded (Lemmy requires it).
core::Result<void> enqueue_accept(HandlerContext& ctx, const storage::Actor& local,
                                  const storage::Actor& follower, const std::string& follow_id) {
  const storage::Id id = ctx.tx.next_id();
  const std::string accept_id = local.ap_id + "#accepts/follows/" + core::to_string_id(id);
  as::Object follow =
      as::make_activity(as::Kind::follow, follow_id, follower.ap_id, as::Ref(local.ap_id));
  as::Object accept = as::make_activity(as::Kind::accept, accept_id, local.ap_id, as::Ref(follow));
  accept.to = {follower.ap_id};
  storage::NewOutboxActivity out;
  out.id = id;
  out.ap_id = accept_id;
  out.actor_id = local.id;
  out.payload = as::serialize(accept);
  std::vector<std::string> inboxes{follower.inbox_url};
  auto queued = ctx.tx.delivery_queue().enqueue(out, inboxes);
  if (!queued)
    return std::move(queued).error();
  ctx.enqueued = true;
  return {};
}

core::Result<void> handle_follow(HandlerContext& ctx) {
  auto target = verify(ctx);
  if (!target)
    return std::move(target).error();
  if (!*target)
    return {};
  const storage::Actor& followee = (*target)->followee;
  const std::string& follow_id = ctx.activity.id;

  if ((*target)->existing) {
    // A repeated Follow (the peer lost its state, or re-sent under a new id): answer again if we
    // had accepted, as Mastodon does, so the peer's view converges; a pending one stays pending.
    if ((*target)->existing->state == storage::FollowState::accepted)
      return enqueue_accept(ctx, followee, ctx.actor, follow_id);
    return ctx.ignore("follow already pending");
  }
  const bool manual = followee.manually_approves_followers;
  auto created = ctx.tx.follows().create(
      ctx.actor.id, followee.id,
      manual ? storage::FollowState::pending : storage::FollowState::accepted, follow_id);
  if (!created)
    return std::move(created).error();
  if (manual)
    return {};
  return enqueue_accept(ctx, followee, ctx.actor, follow_id);
}

}  // namespace guildhall::federation::inbox::detail
