// Remote communities seen from a member's instance (FEP-1b12 in Lemmy's dialect). A group that a
// local person follows Announces its members' activities; we unwrap the inner activity, check
// that it belongs to that community and that it is authentic, and apply it to our copy.
//
// Trust (catalogue rule 3, ORI-13): an inner activity embedded in the Announce is used only when it
// is on the group's own origin (the group's server vouches for its own users); one from another
// origin was reduced to its id at receive and is fetched from its origin before the transaction
// (prepare_announce). Moderation (removal, lock, pin, ban, moderator changes) additionally needs a
// moderator: an actor in the group's moderators collection as served by the group's origin, or an
// actor on the group's own server (FEP-1b12: "assumed admin").
#include <algorithm>

#include <spdlog/spdlog.h>

#include "guildhall/content/html.hpp"
#include "guildhall/federation/fetch/remote_actors.hpp"
#include "guildhall/federation/fetch/remote_groups.hpp"
#include "guildhall/federation/groups/thread_kinds.hpp"

#include "post_fields.hpp"

namespace guildhall::federation::inbox::detail {

namespace {

constexpr std::size_t kMaxModerators = 1000;  // bound on a fetched moderators collection (rule 6)

bool names(const as::Object& o, std::string_view group) {
  const std::vector<std::string> recipients = o.recipients();  // includes `audience`
  return std::find(recipients.begin(), recipients.end(), group) != recipients.end();
}

bool is_moderator(const HandlerContext& ctx, const storage::CommunityView& group) {
  if (same_origin_ids(ctx.actor.ap_id, group.actor.ap_id))
    return true;
  if (!ctx.moderators)
    return false;
  return std::find(ctx.moderators->begin(), ctx.moderators->end(), ctx.actor.ap_id) !=
         ctx.moderators->end();
}

// Moderation kinds whose actor must be a moderator (Undo of them too).
bool is_moderation(const as::Object& activity) {
  switch (activity.kind) {
    case as::Kind::add:
    case as::Kind::remove:
    case as::Kind::lock:
    case as::Kind::block:
    case as::Kind::delete_:
    case as::Kind::choose_answer:  // the question's author, or a moderator
      return true;
    case as::Kind::undo:
      return activity.object_ref().get() && is_moderation(*activity.object_ref().get());
    default:
      return false;
  }
}

// A post of this community named by id; nullopt (with a note) when unknown, forbidden when it
// belongs elsewhere (an Announce must not touch another community's posts).
core::Result<std::optional<storage::Post>> community_post(HandlerContext& ctx,
                                                          const storage::CommunityView& group,
                                                          std::string_view ap_id) {
  auto post = find_post(ctx.tx, ap_id);
  if (!post)
    return std::move(post).error();
  if (!*post) {
    ctx.note = "unknown post";
    return post;
  }
  if ((*post)->community_id != group.actor.id)
    return core::Error::forbidden("post belongs to another community");
  return post;
}

core::Result<void> apply_update(HandlerContext& ctx, const storage::CommunityView& group) {
  const as::Object* object = ctx.activity.object_ref().get();
  if (!object)
    return ctx.ignore("object not embedded");
  if (object->kind == as::Kind::group || object->id == group.actor.ap_id) {
    // The embedded copy is never used: the document its origin served before this transaction.
    const as::Object* fresh = ctx.group_document;
    if (!fresh || fresh->id != group.actor.ap_id || fresh->kind != as::Kind::group)
      return ctx.ignore("group profile not refetched from its origin");
    auto form = fetch::to_remote_actor_form(*fresh);
    if (!form)
      return std::move(form).error();
    auto stored = ctx.tx.communities().upsert_remote(*form, fetch::to_community_settings(*fresh));
    if (!stored)
      return std::move(stored).error();
    return {};
  }
  if (!is_post_kind(object->kind))
    return ctx.ignore("update of an unhandled object type");
  auto post = community_post(ctx, group, object->id);
  if (!post)
    return std::move(post).error();
  if (!*post)
    return {};
  if (ctx.actor.id == group.actor.id) {
    // The host's tallies of a poll (it counts the votes): only the counts are taken.
    if (!(*post)->is_thread())
      return ctx.ignore("group update of a comment");
    return groups::store_edited_shape(ctx.tx, **post, *object, true);
  }
  return handle_update(ctx);  // owner checks, edit history, stale updates dropped
}

core::Result<void> apply_delete(HandlerContext& ctx, const storage::CommunityView& group) {
  const std::string& object_id = ctx.activity.object_ref().id();
  if (object_id == ctx.actor.ap_id)
    return handle_delete(ctx);  // the account itself
  auto post = community_post(ctx, group, object_id);
  if (!post)
    return std::move(post).error();
  if (!*post) {
    // Delete before Create by the author: remembered (handle_delete checks the origin).
    if (same_origin_ids(object_id, ctx.actor.ap_id))
      return handle_delete(ctx);
    return {};
  }
  // Lemmy: a Delete with a summary, or of someone else's post, is a moderator's removal.
  const bool by_author = (*post)->author_id == ctx.actor.id;
  if (by_author && !ctx.activity.summary)
    return handle_delete(ctx);
  if (!is_moderator(ctx, group))
    return core::Error::forbidden("not a moderator of the community");
  if (auto removed = ctx.tx.posts().set_removed((*post)->id, true); !removed)
    return std::move(removed).error();
  return {};
}

core::Result<void> apply_reaction_in(HandlerContext& ctx, const storage::CommunityView& group) {
  auto post = community_post(ctx, group, ctx.activity.object_ref().id());
  if (!post)
    return std::move(post).error();
  if (!*post)
    return {};
  return apply_reaction(ctx, **post);
}

core::Result<void> set_locked(HandlerContext& ctx, const storage::CommunityView& group,
                              const as::Object& lock, bool locked) {
  if (!is_moderator(ctx, group))
    return core::Error::forbidden("not a moderator of the community");
  auto post = community_post(ctx, group, lock.object_ref().id());
  if (!post)
    return std::move(post).error();
  if (!*post)
    return {};
  if (auto done = ctx.tx.posts().set_locked((*post)->id, locked); !done)
    return std::move(done).error();
  return {};
}

// Add/Remove: pinning (target = the featured collection), moderators (target = the moderators
// collection; only local people's memberships are ours to change), or Remove of a post without a
// collection (a moderator's removal).
core::Result<void> add_or_remove(HandlerContext& ctx, const storage::CommunityView& group,
                                 const as::Object& activity, bool add) {
  if (!is_moderator(ctx, group))
    return core::Error::forbidden("not a moderator of the community");
  const std::string& target = activity.target.id();
  const std::string& object = activity.object_ref().id();
  if (group.actor.featured_url && target == *group.actor.featured_url) {
    auto post = community_post(ctx, group, object);
    if (!post)
      return std::move(post).error();
    if (!*post)
      return {};
    if (auto done = ctx.tx.posts().set_pinned((*post)->id, add); !done)
      return std::move(done).error();
    return {};
  }
  if (group.actor.moderators_url && target == *group.actor.moderators_url) {
    auto person = find_actor(ctx.tx, object);
    if (!person)
      return std::move(person).error();
    if (!*person || !(*person)->is_local())
      return ctx.ignore("moderator change of someone not here");
    auto membership = ctx.tx.memberships().get(group.actor.id, (*person)->id);
    if (!membership)
      return membership.error().kind == core::ErrorKind::not_found
                 ? ctx.ignore("not a member here")
                 : core::Result<void>(std::move(membership).error());
    auto done = ctx.tx.memberships().set_role(
        group.actor.id, (*person)->id,
        add ? storage::MemberRole::moderator : storage::MemberRole::member);
    if (!done)
      return std::move(done).error();
    return log_host_decision(ctx.tx, group.actor.id, ctx.actor.id,
                             add ? storage::ModerationAction::add_moderator
                                 : storage::ModerationAction::remove_moderator,
                             (*person)->id);
  }
  if (!add && (target.empty() || target == group.actor.ap_id)) {
    // Remove of a post (no collection): a moderator's removal, as Guildhall's hosting side says
    // when the moderator is the author (a Delete would read as the author's own deletion).
    auto post = community_post(ctx, group, object);
    if (!post)
      return std::move(post).error();
    if (!*post)
      return {};
    if (auto removed = ctx.tx.posts().set_removed((*post)->id, true); !removed)
      return std::move(removed).error();
    return {};
  }
  return ctx.ignore("add/remove with an unknown target");
}

constexpr std::size_t kMaxRemovedPages = 50;  // 10,000 posts per ban at most (rule 6)

// Every post of `author` in the community becomes removed (a moderator's removal, content kept).
core::Result<void> remove_posts_in(HandlerContext& ctx, const storage::CommunityView& group,
                                   storage::Id author) {
  storage::PageRequest page;
  page.limit = 200;
  for (std::size_t n = 0; n < kMaxRemovedPages; ++n) {
    auto posts = ctx.tx.posts().list_by_author(author, page);
    if (!posts)
      return std::move(posts).error();
    for (const storage::Post& p : *posts) {
      if (p.community_id != group.actor.id || p.removed_at)
        continue;
      if (auto removed = ctx.tx.posts().set_removed(p.id, true); !removed)
        return std::move(removed).error();
    }
    if (posts->size() < page.limit)
      break;
    page.before = posts->back().id;
  }
  return {};
}

// Block with the group as target: a ban. Only our own people's memberships are stored here.
core::Result<void> ban(HandlerContext& ctx, const storage::CommunityView& group,
                       const as::Object& block, bool banned) {
  if (!is_moderator(ctx, group))
    return core::Error::forbidden("not a moderator of the community");
  if (!block.target.id().empty() && block.target.id() != group.actor.ap_id)
    return ctx.ignore("ban from another scope (instance)");
  auto person = find_actor(ctx.tx, block.object_ref().id());
  if (!person)
    return std::move(person).error();
  if (!*person)
    return ctx.ignore("ban of someone not here");
  if (banned && block.remove_data.value_or(false)) {
    // Lemmy's removeData: the person's posts in this community go too, here as on the host.
    if (auto removed = remove_posts_in(ctx, group, (*person)->id); !removed)
      return removed;
  }
  if (!(*person)->is_local())
    return ctx.ignore("ban of someone who is not a member here");
  auto membership = ctx.tx.memberships().get(group.actor.id, (*person)->id);
  if (!membership) {
    if (membership.error().kind != core::ErrorKind::not_found)
      return std::move(membership).error();
    if (!banned)
      return ctx.ignore("not a member here");
    // A ban of someone who had not joined yet still bars them from joining.
    storage::MembershipForm form;
    form.community_id = group.actor.id;
    form.actor_id = (*person)->id;
    form.state = storage::MemberState::banned;
    if (auto created = ctx.tx.memberships().create(form); !created)
      return std::move(created).error();
  }
  std::optional<std::string> reason;
  if (block.summary && !block.summary->empty())
    reason = content::html_to_plain_text(*block.summary);
  auto done =
      banned ? ctx.tx.memberships().set_state(group.actor.id, (*person)->id,
                                              storage::MemberState::banned, reason, block.end_time)
             : ctx.tx.memberships().set_state(group.actor.id, (*person)->id,
                                              storage::MemberState::accepted);
  if (!done)
    return std::move(done).error();
  return log_host_decision(
      ctx.tx, group.actor.id, ctx.actor.id,
      banned ? storage::ModerationAction::ban : storage::ModerationAction::unban, (*person)->id,
      reason, banned ? block.end_time : std::nullopt);
}

core::Result<void> choose_answer(HandlerContext& ctx, const storage::CommunityView& group,
                                 const as::Object& choose, bool chosen);
core::Result<void> rsvp(HandlerContext& ctx, const storage::CommunityView& group,
                        const std::string& event_ap_id, std::optional<storage::RsvpStatus> status,
                        const std::string& answer_id);

core::Result<void> apply_undo(HandlerContext& ctx, const storage::CommunityView& group) {
  const as::Object* undone = ctx.activity.object_ref().get();
  if (undone && !undone->actor.id().empty() && undone->actor.id() != ctx.actor.ap_id)
    return core::Error::forbidden("undo of another actor's activity");
  const as::Kind kind = undone ? undone->kind : as::Kind::unknown;
  switch (kind) {
    case as::Kind::lock:
      return set_locked(ctx, group, *undone, false);
    case as::Kind::block:
      return ban(ctx, group, *undone, false);
    case as::Kind::choose_answer:
      return choose_answer(ctx, group, *undone, false);
    case as::Kind::accept:
    case as::Kind::tentative_accept:
    case as::Kind::reject:
    case as::Kind::join:
      return rsvp(ctx, group, undone->object_ref().id(), std::nullopt, undone->id);
    case as::Kind::delete_: {
      // Restoring a moderator's removal; an author's own delete cleared the content for good.
      auto post = community_post(ctx, group, undone->object_ref().id());
      if (!post)
        return std::move(post).error();
      if (!*post || !(*post)->removed_at)
        return ctx.ignore("nothing removed to restore");
      if (!is_moderator(ctx, group))
        return core::Error::forbidden("not a moderator of the community");
      if (auto done = ctx.tx.posts().set_removed((*post)->id, false); !done)
        return std::move(done).error();
      return {};
    }
    case as::Kind::like:
    case as::Kind::dislike:
    case as::Kind::emoji_react:
    case as::Kind::unknown: {
      if (undone) {
        auto post = community_post(ctx, group, undone->object_ref().id());
        if (!post)
          return std::move(post).error();
      }
      return handle_undo(ctx);
    }
    default:
      return ctx.ignore("undo of an unhandled type");
  }
}

// ChooseAnswer by the question's author or a moderator (the host checked too); Undo clears it.
core::Result<void> choose_answer(HandlerContext& ctx, const storage::CommunityView& group,
                                 const as::Object& choose, bool chosen) {
  auto answer = community_post(ctx, group, choose.object_ref().id());
  if (!answer)
    return std::move(answer).error();
  if (!*answer)
    return {};
  if ((*answer)->is_thread())
    return core::Error::invalid_input("the accepted answer must be a comment");
  auto thread = ctx.tx.posts().get((*answer)->thread_id);
  if (!thread)
    return std::move(thread).error();
  if (thread->author_id != ctx.actor.id && !is_moderator(ctx, group))
    return core::Error::forbidden("only the question's author or a moderator chooses its answer");
  if (!chosen && thread->accepted_answer_id != (*answer)->id)
    return ctx.ignore("not the accepted answer");
  if (!thread->is_question) {
    // The thread arrived before we knew it was a question (a peer that sends no isQuestion).
    return ctx.ignore("the thread is not a question");
  }
  auto set = ctx.tx.posts().set_accepted_answer(
      thread->id, chosen ? std::optional<storage::Id>((*answer)->id) : std::nullopt);
  if (!set)
    return std::move(set).error();
  return {};
}

// An answer to an event thread of this community: going, maybe, not going, or withdrawn.
core::Result<void> rsvp(HandlerContext& ctx, const storage::CommunityView& group,
                        const std::string& event_ap_id, std::optional<storage::RsvpStatus> status,
                        const std::string& answer_id) {
  auto post = community_post(ctx, group, event_ap_id);
  if (!post)
    return std::move(post).error();
  if (!*post)
    return {};
  if (!ctx.tx.events().get((*post)->id).ok())
    return ctx.ignore("not an event");
  if (!status) {
    if (auto removed = ctx.tx.events().remove_rsvp((*post)->id, ctx.actor.id); !removed)
      return std::move(removed).error();
    return {};
  }
  if (auto set = ctx.tx.events().set_rsvp((*post)->id, ctx.actor.id, *status, answer_id); !set)
    return std::move(set).error();
  return {};
}

core::Result<void> apply_member_activity(HandlerContext& ctx, const storage::CommunityView& group) {
  const as::Object& activity = ctx.activity;
  switch (activity.kind) {
    case as::Kind::create: {
      const as::Object* object = activity.object_ref().get();
      if (!object)
        return ctx.ignore("object not embedded");
      return store_community_post(ctx, group, *object);
    }
    case as::Kind::update:
      return apply_update(ctx, group);
    case as::Kind::delete_:
      return apply_delete(ctx, group);
    case as::Kind::like:
    case as::Kind::dislike:
    case as::Kind::emoji_react:
      return apply_reaction_in(ctx, group);
    case as::Kind::undo:
      return apply_undo(ctx, group);
    case as::Kind::lock:
      return set_locked(ctx, group, activity, true);
    case as::Kind::add:
      return add_or_remove(ctx, group, activity, true);
    case as::Kind::remove:
      return add_or_remove(ctx, group, activity, false);
    case as::Kind::block:
      return ban(ctx, group, activity, true);
    case as::Kind::choose_answer:
      return choose_answer(ctx, group, activity, true);
    case as::Kind::accept:
    case as::Kind::tentative_accept:
    case as::Kind::reject:
    case as::Kind::join:
    case as::Kind::leave:
      return rsvp(ctx, group, activity.object_ref().id(), groups::rsvp_status(activity.kind),
                  activity.id);
    default:
      return ctx.ignore("announced activity of an unhandled type");
  }
}

}  // namespace

core::Result<void> apply_own_moderation(storage::Tx& tx, const Urls& urls,
                                        const storage::CommunityView& group,
                                        const storage::Actor& moderator,
                                        const as::Object& activity) {
  // Our moderator's rights were checked by the caller (their role, which the group's announced
  // Add set); the host checks them again before it announces.
  const std::vector<std::string> moderators{moderator.ap_id};
  HandlerContext ctx{tx, activity, moderator, urls, core::SystemClock::instance(), false, {}};
  ctx.moderators = &moderators;
  return apply_member_activity(ctx, group);
}

core::Result<void> store_community_post(HandlerContext& ctx, const storage::CommunityView& group,
                                        const as::Object& object) {
  if (!is_post_kind(object.kind))
    return ctx.ignore("unhandled object type");
  if (auto owned = check_owned_object(ctx, object); !owned)
    return owned;
  auto tombstoned = ctx.tx.inbox_log().was_received(tombstone_key(object.id));
  if (!tombstoned)
    return std::move(tombstoned).error();
  if (*tombstoned)
    return ctx.ignore("deleted before it was created");
  auto existing = find_post(ctx.tx, object.id);
  if (!existing)
    return std::move(existing).error();
  if (*existing)
    return ctx.ignore("already stored");  // the Create and a plain Announce(Page), or a replay

  std::optional<storage::Post> parent;
  if (!object.in_reply_to.id().empty()) {
    auto p = find_post(ctx.tx, object.in_reply_to.id());
    if (!p)
      return std::move(p).error();
    if (!*p) {
      ctx.orphan_community = group.actor.id;
      ctx.orphan_reply = object;
      return ctx.ignore("reply to a post we do not have: its thread is backfilled");
    }
    if ((*p)->community_id != group.actor.id)
      return core::Error::forbidden("reply to a post of another community");
    parent = *p;
  } else if (!names(object, group.actor.ap_id) && !names(ctx.activity, group.actor.ap_id)) {
    // Lemmy finds the community in audience/to/cc; a thread naming none is not this group's.
    return core::Error::forbidden("thread is not addressed to the announcing community");
  }

  storage::NewPost post = new_remote_post(ctx, object);
  if (parent) {
    post.parent_id = parent->id;
    post.title.reset();
  } else {
    post.community_id = group.actor.id;
    // Mastodon-style posts (a Note mentioning the group) have no title: the first line, without
    // the mention, as Lemmy does.
    if (!post.title)
      post.title = content::derive_title(object.content.value_or(""));
    if (post.title->empty())
      post.title.reset();
  }
  if (object.source && object.source->media_type == "text/markdown")
    post.content_source = object.source->content;
  auto created = ctx.tx.posts().create(post);
  if (!created)
    return std::move(created).error();
  if (!parent)
    if (auto shaped = groups::store_new_shape(ctx.tx, *created, object); !shaped)
      return shaped;
  // Mbin and PieFed still say "locked" on the object (Lemmy sends Lock).
  if (!parent && object.comments_enabled == false) {
    if (auto locked = ctx.tx.posts().set_locked(created->id, true); !locked)
      return std::move(locked).error();
  }
  return {};
}

core::Result<std::optional<storage::CommunityView>> followed_community(storage::Tx& tx,
                                                                       std::string_view ap_id) {
  if (ap_id.empty())
    return std::optional<storage::CommunityView>();
  auto group = tx.communities().get_by_ap_id(ap_id);
  if (!group) {
    if (group.error().kind == core::ErrorKind::not_found)
      return std::optional<storage::CommunityView>();
    return std::move(group).error();
  }
  if (group->actor.is_local())
    return std::optional<storage::CommunityView>();
  // A remote community's memberships are our own people's: any accepted one means we follow it.
  auto members = tx.memberships().count(group->actor.id, storage::MemberState::accepted);
  if (!members)
    return std::move(members).error();
  if (*members == 0)
    return std::optional<storage::CommunityView>();
  return std::optional<storage::CommunityView>(std::move(group).value());
}

core::Result<void> handle_group_announce(HandlerContext& ctx, const storage::CommunityView& group) {
  const as::Ref& ref = ctx.activity.object_ref();
  const as::Object* inner = ref.get();
  if (!inner) {
    if (same_origin_ids(ref.id(), ctx.urls.origin()))
      return ctx.ignore("our own activity announced back: already stored");
    inner = ctx.fetched;
    if (!inner)
      return ctx.ignore("announced object not fetched from its origin");
    if (!same_origin_ids(inner->id, ref.id()))
      return core::Error::forbidden("origin_mismatch: fetched object is not the announced one");
  } else if (!same_origin_ids(inner->id, group.actor.ap_id)) {
    // Receive reduces these to ids; never trust one that slipped through.
    return ctx.ignore("embedded object from another origin");
  }

  // Whose activity (or post) it is: that actor must be stored (prepare_announce ensured it).
  std::string who = inner->actor.id();
  const bool plain_post = is_post_kind(inner->kind);
  if (!plain_post && !as::is_activity(inner->kind))
    return ctx.ignore("announced object of an unhandled type");  // PeerTube's Video, ...
  if (plain_post) {
    auto author = inner->author();  // Mastodon-style Announce(Page)
    if (!author)
      return std::move(author).error();
    who = *author;
  }
  if (who.empty())
    return core::Error::invalid_input("announced activity without an actor");
  if (!same_origin_ids(inner->id, who))
    return core::Error::forbidden(
        "origin_mismatch: announced activity is not on its actor's origin");
  if (same_origin_ids(who, ctx.urls.origin()))
    return ctx.ignore("our own member's activity announced back: already stored");
  auto actor = find_actor(ctx.tx, who);
  if (!actor)
    return std::move(actor).error();
  if (!*actor)
    return core::Error::unavailable("the announced activity's actor is not stored yet");
  if ((*actor)->suspended_at || ((*actor)->deleted_at && inner->kind != as::Kind::delete_))
    return ctx.ignore("actor suspended or deleted");

  HandlerContext inner_ctx{ctx.tx, *inner, **actor, ctx.urls, ctx.clock, false, {}};
  inner_ctx.moderators = ctx.moderators;
  inner_ctx.group_document = ctx.group_document;
  auto applied = plain_post ? store_community_post(inner_ctx, group, *inner)
                            : apply_member_activity(inner_ctx, group);
  ctx.note = std::move(inner_ctx.note);
  ctx.enqueued = ctx.enqueued || inner_ctx.enqueued;
  ctx.orphan_community = inner_ctx.orphan_community;
  ctx.orphan_reply = std::move(inner_ctx.orphan_reply);
  return applied;
}

core::Result<std::optional<storage::Membership>> our_membership(HandlerContext& ctx) {
  using Found = std::optional<storage::Membership>;
  const as::Ref& ref = ctx.activity.object_ref();
  Found membership;
  if (!ref.id().empty()) {
    auto by_id = ctx.tx.memberships().get_by_follow_ap_id(ref.id());
    if (by_id.ok())
      membership = std::move(by_id).value();
    else if (by_id.error().kind != core::ErrorKind::not_found)
      return std::move(by_id).error();
  }
  if (!membership) {
    // Some peers answer with a re-numbered Follow: match its (follower, group) pair.
    const as::Object* follow = ref.get();
    if (!follow || follow->object_ref().id() != ctx.actor.ap_id)
      return Found();
    auto follower = find_actor(ctx.tx, follow->actor.id());
    if (!follower)
      return std::move(follower).error();
    if (!*follower || !(*follower)->is_local())
      return Found();
    auto pair = ctx.tx.memberships().get(ctx.actor.id, (*follower)->id);
    if (!pair) {
      if (pair.error().kind == core::ErrorKind::not_found)
        return Found();
      return std::move(pair).error();
    }
    membership = std::move(pair).value();
  }
  if (membership->community_id != ctx.actor.id)
    return core::Error::forbidden("only the community may answer a join");
  return membership;
}

AnnouncePrep prepare_announce(storage::Database& db, const Urls& urls, const as::Object& announce,
                              ObjectSource* objects, ActorSource* actors) {
  AnnouncePrep prep;
  const as::Ref& ref = announce.object_ref();
  if (announce.kind != as::Kind::announce || ref.empty())
    return prep;
  auto group =
      db.read([&](storage::Tx& tx) { return followed_community(tx, announce.actor.id()); });
  if (!group || !*group)
    return prepare_boost(db, urls, announce, objects, actors);
  const as::Object* inner = ref.get();
  if (!inner && objects && !same_origin_ids(ref.id(), urls.origin())) {
    auto fetched = objects->fetch(ref.id());
    if (fetched) {
      prep.fetched = std::move(fetched).value();
      inner = &*prep.fetched;
    } else {
      spdlog::info("inbox.announce_fetch_failed announce={} object={} error=\"{}\"", announce.id,
                   ref.id(), fetched.error().message);
    }
  }
  if (!inner)
    return prep;
  std::string who = inner->actor.id();
  if (who.empty() && is_post_kind(inner->kind)) {
    if (auto author = inner->author(); author)
      who = *author;
  }
  if (who.empty() || same_origin_ids(who, urls.origin()))
    return prep;
  if (actors) {
    if (auto ensured = actors->ensure(who); !ensured)
      spdlog::debug("inbox.announce_actor_unavailable actor={} error=\"{}\"", who,
                    ensured.error().message);
  }
  if (objects && inner->kind == as::Kind::update &&
      inner->object_ref().id() == (*group)->actor.ap_id) {
    // An edited community: refetched from its origin (the embedded copy is never stored).
    auto fresh = objects->fetch((*group)->actor.ap_id);
    if (fresh && fresh->id == (*group)->actor.ap_id)
      prep.group_document = std::move(fresh).value();
  }
  const auto& moderators_url = (*group)->actor.moderators_url;
  if (objects && moderators_url && is_moderation(*inner) &&
      !same_origin_ids(who, (*group)->actor.ap_id)) {
    auto collection = objects->fetch(*moderators_url);
    if (collection && same_origin_ids(collection->id, (*group)->actor.ap_id)) {
      std::vector<std::string> ids;
      for (const as::Ref& item : collection->items) {
        if (ids.size() >= kMaxModerators)
          break;
        ids.push_back(item.id());
      }
      prep.moderators = std::move(ids);
    }
  }
  return prep;
}

}  // namespace guildhall::federation::inbox::detail
