// apply(): which activity kind goes where; find_target_group(): which local group an incoming
// activity is for; Undo.
#include "guildhall/activitystreams/serialize.hpp"
#include "guildhall/federation/discovery/actors.hpp"
#include "guildhall/federation/groups/thread_kinds.hpp"

#include "../inbox/handlers/post_fields.hpp"
#include "internal.hpp"

namespace guildhall::federation::groups {

using namespace detail;

namespace {

constexpr std::size_t kMaxAddressLookups = 20;  // bounds the work per activity (rule 6)

using MaybeGroup = std::optional<storage::CommunityView>;

Result<MaybeGroup> local_group(storage::Tx& tx, std::string_view ap_id) {
  auto actor = find_actor(tx, ap_id);
  if (!actor)
    return std::move(actor).error();
  if (!*actor || !(*actor)->is_local() || (*actor)->kind != storage::ActorKind::group)
    return MaybeGroup();
  auto group = tx.communities().get((*actor)->id);
  if (!group)
    return std::move(group).error();
  return MaybeGroup(std::move(*group));
}

Result<MaybeGroup> group_of_post(storage::Tx& tx, std::string_view post_ap_id) {
  auto post = find_post(tx, post_ap_id);
  if (!post)
    return std::move(post).error();
  if (!*post || !(*post)->community_id)
    return MaybeGroup();
  auto group = tx.communities().get(*(*post)->community_id);
  if (!group)
    return std::move(group).error();
  if (!group->actor.is_local())
    return MaybeGroup();
  return MaybeGroup(std::move(*group));
}

// The first local group named in `audience`, then `to`/`cc` (a group's followers collection counts
// as the group).
Result<MaybeGroup> group_in_addressing(storage::Tx& tx, const as::Object& object,
                                       std::size_t& budget) {
  for (std::string id : object.recipients()) {
    if (id == as::kPublic)
      continue;
    if (budget == 0)
      break;
    --budget;
    constexpr std::string_view kFollowers = "/followers";
    if (id.ends_with(kFollowers))
      id.resize(id.size() - kFollowers.size());
    auto group = local_group(tx, id);
    if (!group || *group)
      return group;
  }
  return MaybeGroup();
}

std::string strip_suffix(std::string id, std::string_view suffix) {
  if (id.ends_with(suffix))
    id.resize(id.size() - suffix.size());
  return id;
}

Result<MaybeGroup> find_group(storage::Tx& tx, const as::Object& activity, int depth) {
  const std::string& object_id = activity.object_ref().id();
  std::size_t budget = kMaxAddressLookups;
  switch (activity.kind) {
    case as::Kind::follow:
      return local_group(tx, object_id);
    case as::Kind::join:
    case as::Kind::leave: {
      auto g = local_group(tx, object_id);
      if (!g || *g)
        return g;
      return group_of_post(tx, object_id);  // an answer to an event
    }
    case as::Kind::accept:
    case as::Kind::tentative_accept:
    case as::Kind::reject:
    case as::Kind::choose_answer:
      // An event's answer or a question's accepted answer; an Accept of our Follow names no post.
      return object_id.empty() ? Result<MaybeGroup>(MaybeGroup()) : group_of_post(tx, object_id);
    case as::Kind::create: {
      const as::Object* object = activity.object_ref().get();
      if (!object)
        return MaybeGroup();
      auto g = group_in_addressing(tx, activity, budget);
      if (!g || *g)
        return g;
      g = group_in_addressing(tx, *object, budget);
      if (!g || *g)
        return g;
      if (!object->in_reply_to.id().empty())
        return group_of_post(tx, object->in_reply_to.id());
      return MaybeGroup();
    }
    case as::Kind::update:
      return group_of_post(tx, object_id);
    case as::Kind::delete_:
    case as::Kind::like:
    case as::Kind::dislike:
    case as::Kind::emoji_react:
    case as::Kind::lock: {
      if (object_id.empty() || object_id == activity.actor.id())
        return MaybeGroup();  // an actor deleting itself is person-level
      auto g = group_of_post(tx, object_id);
      if (!g || *g || activity.kind != as::Kind::delete_)
        return g;
      // A Delete of a post we do not have (yet): its addressing names the group.
      return group_in_addressing(tx, activity, budget);
    }
    case as::Kind::add:
    case as::Kind::remove: {
      const std::string& target = activity.target.id();
      if (target.empty())
        return group_of_post(tx, object_id);
      return local_group(tx, strip_suffix(strip_suffix(target, "/featured"), "/moderators"));
    }
    case as::Kind::flag: {
      // Mbin reports [post, author]; Lemmy the post, addressed to the group.
      for (const as::Ref& ref : activity.object) {
        auto g = group_of_post(tx, ref.id());
        if (!g || *g)
          return g;
      }
      return group_in_addressing(tx, activity, budget);
    }
    case as::Kind::block:
      if (activity.target.id().empty())
        return MaybeGroup();
      return local_group(tx, activity.target.id());
    case as::Kind::undo: {
      if (depth > 0)
        return MaybeGroup();
      if (const as::Object* inner = activity.object_ref().get())
        return find_group(tx, *inner, depth + 1);
      // Only an id: the activities we keep by id are follows (memberships) and reactions.
      auto membership = tx.memberships().get_by_follow_ap_id(object_id);
      if (membership.ok()) {
        auto group = tx.communities().get(membership->community_id);
        if (!group)
          return std::move(group).error();
        return group->actor.is_local() ? MaybeGroup(std::move(*group)) : MaybeGroup();
      }
      auto reaction = tx.reactions().get_by_ap_id(object_id);
      if (reaction.ok()) {
        auto post = tx.posts().get(reaction->post_id);
        if (!post)
          return std::move(post).error();
        return group_of_post(tx, post->ap_id);
      }
      return MaybeGroup();
    }
    default:
      return MaybeGroup();
  }
}

Result<Applied> undo_reaction(GroupContext& ctx, const as::Ref& ref) {
  std::optional<storage::Reaction> reaction;
  auto by_id = ctx.tx.reactions().get_by_ap_id(ref.id());
  if (by_id.ok())
    reaction = std::move(*by_id);
  else if (by_id.error().kind != core::ErrorKind::not_found)
    return std::move(by_id).error();
  if (reaction) {
    if (reaction->actor_id != ctx.actor.id)
      return Error::forbidden("undo of someone else's reaction");
    auto post = ctx.tx.posts().get(reaction->post_id);
    if (!post)
      return std::move(post).error();
    if (auto in = check_in_group(ctx.group, *post); !in)
      return std::move(in).error();
    if (auto removed = ctx.tx.reactions().remove_by_ap_id(ref.id()); !removed)
      return std::move(removed).error();
  } else {
    // Stored under another id (the peer re-numbered it): match the embedded copy.
    const as::Object* inner = ref.get();
    if (!inner)
      return ctx.ignore("no such reaction");
    auto post = find_post(ctx.tx, inner->object_ref().id());
    if (!post)
      return std::move(post).error();
    if (!*post)
      return ctx.ignore("reaction target unknown");
    if (auto in = check_in_group(ctx.group, **post); !in)
      return std::move(in).error();
    auto form = inbox::detail::reaction_form(*inner, (*post)->id, ctx.actor.id);
    if (!form)
      return ctx.ignore("not a reaction");
    auto removed = ctx.tx.reactions().remove((*post)->id, ctx.actor.id, form->kind, form->emoji);
    if (!removed)
      return std::move(removed).error();
    if (!*removed)
      return ctx.ignore("no such reaction");
  }
  if (auto a = announce(ctx, "Undo"); !a)
    return std::move(a).error();
  return ctx.done();
}

}  // namespace

namespace {

bool is_post(GroupContext& ctx, const std::string& ap_id) {
  auto post = find_post(ctx.tx, ap_id);
  return post && *post;
}

}  // namespace

Result<Applied> detail::apply_undo(GroupContext& ctx) {
  const as::Ref& ref = ctx.activity.object_ref();
  if (ref.id().empty())
    return Error::invalid_input("undo without an object");
  const as::Object* inner = ref.get();
  if (inner && !inner->actor.id().empty() && inner->actor.id() != ctx.actor.ap_id)
    return Error::forbidden("undo of another actor's activity");
  as::Kind kind = inner ? inner->kind : as::Kind::unknown;
  if (kind == as::Kind::unknown) {
    if (ctx.tx.memberships().get_by_follow_ap_id(ref.id()).ok())
      kind = as::Kind::follow;
    else
      kind = as::Kind::like;  // the only other thing find_target_group matches by id
  }
  switch (kind) {
    case as::Kind::join:
      if (is_post(ctx, inner->object_ref().id()))
        return apply_rsvp(ctx, inner->object_ref().id(), std::nullopt);
      return apply_leave(ctx);
    case as::Kind::follow:
      return apply_leave(ctx);
    case as::Kind::accept:
    case as::Kind::tentative_accept:
    case as::Kind::reject:
      return apply_rsvp(ctx, inner->object_ref().id(), std::nullopt);
    case as::Kind::choose_answer:
      return apply_choose_answer(ctx, *inner, false);
    case as::Kind::like:
    case as::Kind::dislike:
    case as::Kind::emoji_react:
      return undo_reaction(ctx, ref);
    case as::Kind::delete_:
    case as::Kind::remove:
      return restore_post(ctx, inner->object_ref().id());
    case as::Kind::lock:
      return apply_lock(ctx, false);
    case as::Kind::block:
      return apply_block(ctx, false);
    default:
      return ctx.ignore("undo of an unhandled type");
  }
}

namespace {

void single_audience(json& j) {
  if (!j.is_object())
    return;
  if (auto it = j.find("audience"); it != j.end() && it->is_array() && it->size() == 1)
    *it = json((*it)[0]);
  if (auto it = j.find("object"); it != j.end())
    single_audience(*it);
}

}  // namespace

json wire_json(const as::Object& activity) {
  json j = as::to_json(activity);
  single_audience(j);
  return j;
}

core::Result<std::optional<storage::CommunityView>> find_target_group(storage::Tx& tx,
                                                                      const as::Object& activity) {
  return find_group(tx, activity, 0);
}

bool understands_emoji_react(const std::optional<std::string>& software) {
  if (!software)
    return true;  // unknown: FEP-c0e0 as is (servers that do not know it ignore it)
  for (const char* name : {"lemmy", "mbin", "kbin", "mastodon", "nodebb", "peertube", "lotide"})
    if (*software == name)
      return false;
  return true;
}

Result<bool> instance_understands_emoji_react(storage::Tx& tx, const std::string& host) {
  auto instance = tx.instances().get_by_host(host);
  if (!instance) {
    if (instance.error().kind == core::ErrorKind::not_found)
      return true;
    return std::move(instance).error();
  }
  return understands_emoji_react(instance->software_name);
}

core::Result<bool> is_moderator(storage::Tx& tx, const storage::CommunityView& group,
                                const storage::Actor& actor) {
  auto standing = standing_of(tx, group, actor);
  if (!standing)
    return std::move(standing).error();
  return standing->moderator && !standing->banned;
}

core::Result<Applied> apply(storage::Tx& tx, const Urls& urls, const storage::CommunityView& group,
                            const storage::Actor& actor, const as::Object& activity,
                            const nlohmann::json& wire, const ApplyOptions& options) {
  if (!group.actor.is_local())
    return Error::invalid_input("this community is hosted on another instance");
  if (group.actor.deleted_at || group.actor.suspended_at)
    return Error::not_found("no such community");
  if (activity.actor.id() != actor.ap_id)
    return Error::forbidden("the activity's actor is not its sender");
  GroupContext ctx{tx, urls, group, actor, activity, wire, options};
  switch (activity.kind) {
    case as::Kind::follow:
      return apply_join(ctx);
    case as::Kind::join:
    case as::Kind::leave: {
      const std::string& object_id = activity.object_ref().id();
      if (object_id != group.actor.ap_id)
        return apply_rsvp(ctx, object_id,
                          activity.kind == as::Kind::join
                              ? std::optional<storage::RsvpStatus>(storage::RsvpStatus::going)
                              : std::nullopt);
      return activity.kind == as::Kind::join ? apply_join(ctx) : apply_leave(ctx);
    }
    case as::Kind::accept:
    case as::Kind::tentative_accept:
    case as::Kind::reject:
      return apply_rsvp(ctx, activity.object_ref().id(), rsvp_status(activity.kind));
    case as::Kind::choose_answer:
      return apply_choose_answer(ctx, activity, true);
    case as::Kind::create:
      return apply_create(ctx);
    case as::Kind::update:
      return apply_update(ctx);
    case as::Kind::delete_:
      return apply_delete(ctx);
    case as::Kind::like:
    case as::Kind::dislike:
    case as::Kind::emoji_react:
      return apply_reaction(ctx);
    case as::Kind::undo:
      return apply_undo(ctx);
    case as::Kind::lock:
      return apply_lock(ctx, true);
    case as::Kind::add:
      return apply_add_remove(ctx, true);
    case as::Kind::remove:
      return apply_add_remove(ctx, false);
    case as::Kind::block:
      return apply_block(ctx, true);
    case as::Kind::flag:
      return apply_flag(ctx);
    default:
      return ctx.ignore("not a group activity we handle");
  }
}

core::Result<Applied> announce_group_update(storage::Tx& tx, const Urls& urls,
                                            const storage::CommunityView& group,
                                            const storage::Actor& manager) {
  json document = discovery::group_document(group);
  document.erase("@context");
  as::Object update =
      as::make_activity(as::Kind::update, urls.activity(core::to_string_id(tx.next_id())),
                        manager.ap_id, as::Ref(group.actor.ap_id));
  update.to = {std::string(as::kPublic)};
  update.cc = {group.actor.ap_id};
  update.audience = {group.actor.ap_id};
  json wire = wire_json(update);
  wire["object"] = std::move(document);
  const ApplyOptions options;
  GroupContext ctx{tx, urls, group, manager, update, wire, options};
  if (auto a = announce(ctx, "Update"); !a)
    return std::move(a).error();
  return ctx.done();
}

}  // namespace guildhall::federation::groups
