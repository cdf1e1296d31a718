// Moderation sent to the group: Lock/Undo(Lock) of a thread, Add/Remove on the featured
// (pinned) and moderators collections, Block/Undo(Block) with the group as target (a ban). Each is
// checked against the moderators (Lock also by the thread's author, as Mbin allows), applied,
// written to the moderation log and announced.
#include "guildhall/content/html.hpp"

#include "internal.hpp"

namespace guildhall::federation::groups::detail {

namespace {

Result<void> require_moderator(GroupContext& ctx) {
  auto may = is_moderator(ctx.tx, ctx.group, ctx.actor);
  if (!may)
    return std::move(may).error();
  if (!*may)
    return Error::forbidden("only the community's moderators may do this");
  return {};
}

std::optional<std::string> reason_of(const as::Object& activity) {
  if (!activity.summary || activity.summary->empty())
    return std::nullopt;
  return content::html_to_plain_text(*activity.summary);
}

Result<storage::Post> thread_in_group(GroupContext& ctx, const std::string& ap_id) {
  auto post = find_post(ctx.tx, ap_id);
  if (!post)
    return std::move(post).error();
  if (!*post)
    return Error::not_found("no such post");
  if (auto in = check_in_group(ctx.group, **post); !in)
    return std::move(in).error();
  return std::move(**post);
}

Result<Applied> finish(GroupContext& ctx, storage::ModerationAction action,
                       std::optional<Id> target_actor, std::optional<Id> target_post,
                       std::optional<core::TimePoint> expires = std::nullopt,
                       const std::vector<std::string>& extra_inboxes = {}) {
  if (auto l = log_moderation(ctx.tx, ctx.group, ctx.actor.id, action, target_actor, target_post,
                              reason_of(ctx.activity), expires);
      !l)
    return std::move(l).error();
  if (auto a = announce(ctx, ctx.activity.type_name(), extra_inboxes); !a)
    return std::move(a).error();
  return ctx.done();
}

Result<Applied> set_pinned(GroupContext& ctx, const std::string& post_ap_id, bool pinned) {
  if (auto ok = require_moderator(ctx); !ok)
    return std::move(ok).error();
  auto post = thread_in_group(ctx, post_ap_id);
  if (!post)
    return ctx.ignore(post.error().message);
  if (!post->is_thread())
    return Error::invalid_input("only threads can be pinned");
  if (post->pinned == pinned)
    return ctx.ignore(pinned ? "already pinned" : "not pinned");
  auto changed = ctx.tx.posts().set_pinned(post->id, pinned);
  if (!changed)
    return std::move(changed).error();
  ctx.out.post = *changed;
  return finish(ctx, pinned ? storage::ModerationAction::pin : storage::ModerationAction::unpin,
                post->author_id, post->id);
}

Result<Applied> set_moderator(GroupContext& ctx, const std::string& person_ap_id, bool moderator) {
  if (auto ok = require_moderator(ctx); !ok)
    return std::move(ok).error();
  auto person = find_actor(ctx.tx, person_ap_id);
  if (!person)
    return std::move(person).error();
  if (!*person)
    return ctx.ignore("unknown actor (needs a fetch)");
  auto standing = standing_of(ctx.tx, ctx.group, **person);
  if (!standing)
    return std::move(standing).error();
  if (standing->banned)
    return Error::forbidden("a banned person cannot moderate");
  if (standing->membership && standing->membership->role == storage::MemberRole::owner)
    return Error::forbidden("the owner's role cannot be changed");
  const auto role = moderator ? storage::MemberRole::moderator : storage::MemberRole::member;
  if (standing->member && standing->membership->role == role)
    return ctx.ignore(moderator ? "already a moderator" : "not a moderator");
  if (!standing->member) {
    if (!moderator)
      return ctx.ignore("not a moderator");
    // Appointing someone who has not joined makes them a member too (Lemmy does the same).
    auto joined = ctx.tx.memberships().upsert({.community_id = ctx.group.actor.id,
                                               .actor_id = (*person)->id,
                                               .role = role,
                                               .state = storage::MemberState::accepted,
                                               .follow_ap_id = std::nullopt});
    if (!joined)
      return std::move(joined).error();
  }
  auto changed = ctx.tx.memberships().set_role(ctx.group.actor.id, (*person)->id, role);
  if (!changed)
    return std::move(changed).error();
  ctx.out.membership = *changed;
  return finish(ctx,
                moderator ? storage::ModerationAction::add_moderator
                          : storage::ModerationAction::remove_moderator,
                (*person)->id, std::nullopt);
}

// removeData: every post of the person in this community is removed (a moderator's removal,
// restorable), in batches.
Result<void> remove_posts_of(GroupContext& ctx, Id person_id) {
  storage::PageRequest page{.limit = 200};
  for (;;) {
    auto batch = ctx.tx.posts().list_by_author(person_id, page);
    if (!batch)
      return std::move(batch).error();
    for (const auto& post : *batch) {
      if (post.community_id != ctx.group.actor.id || post.removed_at || post.deleted_at)
        continue;
      if (auto removed = ctx.tx.posts().set_removed(post.id, true); !removed)
        return std::move(removed).error();
    }
    if (batch->size() < page.limit)
      return {};
    page.before = batch->back().id;
  }
}

}  // namespace

Result<Applied> apply_lock(GroupContext& ctx, bool locked) {
  auto post = thread_in_group(ctx, ctx.activity.kind == as::Kind::undo
                                       ? ctx.activity.object_ref().get()->object_ref().id()
                                       : ctx.activity.object_ref().id());
  if (!post)
    return ctx.ignore(post.error().message);
  auto may = is_moderator(ctx.tx, ctx.group, ctx.actor);
  if (!may)
    return std::move(may).error();
  if (!*may && post->author_id != ctx.actor.id)
    return Error::forbidden("only a moderator or the author may lock a thread");
  // Lemmy also locks a comment (its replies); Guildhall locks whole threads only, for now.
  if (!post->is_thread())
    return ctx.ignore("comment locks are not supported; lock the thread");
  const storage::Post* thread = &*post;
  if (thread->locked == locked)
    return ctx.ignore(locked ? "already locked" : "not locked");
  auto changed = ctx.tx.posts().set_locked(thread->id, locked);
  if (!changed)
    return std::move(changed).error();
  ctx.out.post = *changed;
  return finish(ctx, locked ? storage::ModerationAction::lock : storage::ModerationAction::unlock,
                thread->author_id, thread->id);
}

Result<Applied> apply_add_remove(GroupContext& ctx, bool add) {
  const std::string& target = ctx.activity.target.id();
  const std::string& object = ctx.activity.object_ref().id();
  const auto& g = ctx.group.actor;
  if (target.empty() && !add)
    return apply_delete(ctx);  // Remove{object: post}: a moderator's removal
  if (target == g.featured_url.value_or(Urls::featured(g.ap_id)))
    return set_pinned(ctx, object, add);
  if (target == g.moderators_url.value_or(Urls::moderators(g.ap_id)))
    return set_moderator(ctx, object, add);
  return ctx.ignore("add/remove on an unknown collection");
}

Result<Applied> apply_block(GroupContext& ctx, bool ban) {
  if (auto ok = require_moderator(ctx); !ok)
    return std::move(ok).error();
  const as::Object& block =
      ban ? ctx.activity : *ctx.activity.object_ref().get();  // Undo(Block): the Block undone
  auto person = find_actor(ctx.tx, block.object_ref().id());
  if (!person)
    return std::move(person).error();
  if (!*person)
    return ctx.ignore("unknown actor");
  if ((*person)->id == ctx.actor.id)
    return Error::invalid_input("moderators cannot ban themselves");
  auto standing = standing_of(ctx.tx, ctx.group, **person);
  if (!standing)
    return std::move(standing).error();
  if (!ban) {
    if (!standing->membership || standing->membership->state != storage::MemberState::banned)
      return ctx.ignore("not banned");
    // Unbanned people are not members again: they may join anew.
    if (auto removed = ctx.tx.memberships().remove(ctx.group.actor.id, (*person)->id); !removed)
      return std::move(removed).error();
    return finish(ctx, storage::ModerationAction::unban, (*person)->id, std::nullopt);
  }
  if (standing->membership && standing->membership->role != storage::MemberRole::member &&
      standing->member)
    return Error::forbidden("remove their moderator role before banning them");
  if (standing->banned)
    return ctx.ignore("already banned");
  if (!standing->membership) {
    auto row = ctx.tx.memberships().create({.community_id = ctx.group.actor.id,
                                            .actor_id = (*person)->id,
                                            .role = storage::MemberRole::member,
                                            .state = storage::MemberState::banned,
                                            .follow_ap_id = std::nullopt});
    if (!row)
      return std::move(row).error();
  }
  auto banned = ctx.tx.memberships().set_state(ctx.group.actor.id, (*person)->id,
                                               storage::MemberState::banned, reason_of(block),
                                               block.end_time);
  if (!banned)
    return std::move(banned).error();
  ctx.out.membership = *banned;
  if (block.remove_data.value_or(false))
    if (auto removed = remove_posts_of(ctx, (*person)->id); !removed)
      return std::move(removed).error();
  // The banned person's server no longer follows, but must learn of the ban (Lemmy tells it too).
  std::vector<std::string> extra;
  if (!(*person)->is_local())
    extra.push_back((*person)->shared_inbox_url.value_or((*person)->inbox_url));
  return finish(ctx, storage::ModerationAction::ban, (*person)->id, std::nullopt, block.end_time,
                extra);
}

}  // namespace guildhall::federation::groups::detail
