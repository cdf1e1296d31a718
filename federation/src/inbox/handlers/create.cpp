// Create(Note | Page | Article | Question) by a remote person, stored as that person's post when
// it concerns us: addressed to a local person, a reply to a local post, or by someone a local
// person follows. Its visibility comes from its addressing (visibility_of) and the local people it
// addresses are kept with its mentions, so a followers-only or direct post reaches only them. Posts
// to one of our groups, or replies in a group thread, are left to the communities work (they need
// their community).
//
// An object sent only by id was fetched from its origin and embedded before the transaction
// (resolve_object_by_id); without an ObjectSource it is ignored. A Create for an id that a
// Delete already tombstoned (Delete arrived first) is ignored: see handle_delete.
#include <algorithm>

#include "guildhall/federation/groups/thread_kinds.hpp"
#include "guildhall/federation/polls.hpp"
#include "guildhall/federation/signatures/verify.hpp"

#include "post_fields.hpp"

namespace guildhall::federation::inbox::detail {

namespace {

constexpr std::size_t kMaxRecipientLookups = 100;  // bounds the work per activity (rule 6)

enum class Relevance { ignore, group_post, store };

// Local recipients decide: a local group among them makes it a group post (the communities work
// stores those, with their community); a local person makes it ours. Only ids on our origin are
// looked up, and at most kMaxRecipientLookups of them.
core::Result<Relevance> concerns_us(HandlerContext& ctx, const as::Object& object,
                                    const std::optional<storage::Post>& parent) {
  std::vector<std::string> recipients = object.recipients();
  for (const std::string& r : ctx.activity.recipients())
    recipients.push_back(r);
  std::size_t looked = 0;
  bool to_local_person = false;
  for (const std::string& r : recipients) {
    if (r == as::kPublic || !same_origin_ids(r, ctx.urls.origin()))
      continue;
    if (++looked > kMaxRecipientLookups)
      break;
    auto actor = find_actor(ctx.tx, r);
    if (!actor)
      return std::move(actor).error();
    if (!*actor || !(*actor)->is_local())
      continue;
    if ((*actor)->kind == storage::ActorKind::group)
      return Relevance::group_post;
    to_local_person = to_local_person || (*actor)->kind == storage::ActorKind::person;
  }
  if (parent && parent->community_id)
    return Relevance::group_post;
  if (to_local_person || (parent && parent->is_local))
    return Relevance::store;
  storage::PageRequest page;
  page.limit = 1;
  auto followers = ctx.tx.follows().followers(ctx.actor.id, storage::FollowState::accepted, page);
  if (!followers)
    return std::move(followers).error();
  return followers->empty() ? Relevance::ignore : Relevance::store;
}

bool is_vote(const as::Object& object) {
  return object.kind == as::Kind::note && object.name && !object.name->empty() &&
         !object.content.has_value();
}

// A vote on a local person's poll (Mastodon's: a Note with the option as `name`, no content,
// replying to the Question): counted, never stored as a post; the author's Update carries the
// new tallies to the followers and voters.
core::Result<void> count_vote(HandlerContext& ctx, const as::Object& vote,
                              const storage::Post& poll_post) {
  auto poll = ctx.tx.polls().get(poll_post.id);
  if (!poll)
    return std::move(poll).error();
  auto positions = polls::positions_of(*poll, {*vote.name});
  if (!positions)
    return std::move(positions).error();
  auto earlier = ctx.tx.polls().votes_of(poll_post.id, ctx.actor.id);
  if (!earlier)
    return std::move(earlier).error();
  if (std::any_of(earlier->begin(), earlier->end(),
                  [&](const storage::PollVote& v) { return v.ap_id == vote.id; }))
    return ctx.ignore("vote counted before");
  if (auto allowed = polls::check_votes(*poll, *earlier, *positions, ctx.clock.now()); !allowed)
    return allowed;
  auto added = ctx.tx.polls().add_vote(poll_post.id, positions->front(), ctx.actor.id, vote.id);
  if (!added) {
    if (added.error().kind == core::ErrorKind::already_exists)
      return ctx.ignore("vote counted before");
    return std::move(added).error();
  }
  if (auto counted = ctx.tx.polls().recount(poll_post.id); !counted)
    return std::move(counted).error();
  if (auto sent = polls::send_tallies(ctx.tx, ctx.urls, poll_post.id); !sent)
    return sent;
  ctx.enqueued = true;
  return {};
}

}  // namespace

core::Result<void> handle_create(HandlerContext& ctx) {
  const as::Ref& ref = ctx.activity.object_ref();
  const as::Object* object = ref.get();
  if (!object)
    return ctx.ignore("object not embedded (no object source to fetch it)");
  if (!is_post_kind(object->kind))
    return ctx.ignore("create of an unhandled object type");
  if (auto owned = check_owned_object(ctx, *object); !owned)
    return owned;

  auto tombstoned = ctx.tx.inbox_log().was_received(tombstone_key(object->id));
  if (!tombstoned)
    return std::move(tombstoned).error();
  if (*tombstoned)
    return ctx.ignore("deleted before it was created");
  auto existing = find_post(ctx.tx, object->id);
  if (!existing)
    return std::move(existing).error();
  if (*existing)
    return ctx.ignore("already stored");

  std::optional<storage::Post> parent;
  if (!object->in_reply_to.id().empty()) {
    auto p = find_post(ctx.tx, object->in_reply_to.id());
    if (!p)
      return std::move(p).error();
    parent = *p;
  }
  if (parent && parent->is_local && !parent->community_id && is_vote(*object) &&
      ctx.tx.polls().get(parent->id).ok())
    return count_vote(ctx, *object, *parent);
  auto relevant = concerns_us(ctx, *object, parent);
  if (!relevant)
    return std::move(relevant).error();
  if (*relevant == Relevance::group_post)
    return ctx.ignore("group post (communities work)");
  if (*relevant == Relevance::ignore)
    return ctx.ignore("not addressed to anyone here");

  storage::NewPost post = new_remote_post(ctx, *object);
  post.visibility = visibility_of(*object, ctx.activity, ctx.actor);
  if (parent)
    post.parent_id = parent->id;
  auto created = ctx.tx.posts().create(post);
  if (!created)
    return std::move(created).error();
  // A poll or an event (a person's poll may be a reply too).
  if (auto shaped = groups::store_new_shape(ctx.tx, *created, *object); !shaped)
    return shaped;
  return store_mentions(ctx, *object, created->id);
}

core::Result<void> store_mentions(HandlerContext& ctx, const as::Object& object,
                                  storage::Id post_id) {
  // Mention tags, then whom the post and its activity address: a direct or followers-only post
  // names its readers there, and the Reader rule lets exactly those read it.
  std::vector<std::string> named;
  for (const as::Ref& ref : object.tag) {
    const as::Object* tag = ref.get();
    if (tag && tag->kind == as::Kind::mention)
      named.push_back(tag->href);
  }
  for (const as::Object* o : {&object, &ctx.activity})
    for (const auto* list : {&o->to, &o->cc, &o->bto, &o->bcc})
      named.insert(named.end(), list->begin(), list->end());
  std::vector<storage::Id> mentioned;
  std::size_t looked = 0;
  for (const std::string& id : named) {
    if (!same_origin_ids(id, ctx.urls.origin()))
      continue;
    if (++looked > kMaxRecipientLookups)
      break;
    auto actor = find_actor(ctx.tx, id);
    if (!actor)
      return std::move(actor).error();
    if (*actor && (*actor)->is_local() && (*actor)->kind == storage::ActorKind::person &&
        std::find(mentioned.begin(), mentioned.end(), (*actor)->id) == mentioned.end())
      mentioned.push_back((*actor)->id);
  }
  return ctx.tx.client_api().add_mentions(post_id, mentioned);
}

}  // namespace guildhall::federation::inbox::detail
