// Announce. By a remote community a local person follows (FEP-1b12): the inner activity of one of
// its members, applied to our copy of the community (community.cpp). Anything else is a person's
// boost of a post, stored when it concerns us: the post is ours, or a local person follows the
// booster. A post we do not have was fetched from its origin before the transaction
// (prepare_boost); an embedded object from another origin was already reduced to its id at
// receive (rule 3), so nothing here trusts an embedded copy.
#include <spdlog/spdlog.h>

#include "guildhall/federation/signatures/verify.hpp"

#include "post_fields.hpp"

namespace guildhall::federation::inbox::detail {

namespace {

// Whether a boost by `booster` of the post `object_id` concerns anyone here.
core::Result<bool> boost_concerns_us(storage::Tx& tx, const Urls& urls,
                                     const storage::Actor& booster, std::string_view object_id) {
  if (booster.kind == storage::ActorKind::group)
    return false;  // a community nobody here follows: not a boost (no reblog by a group)
  if (same_origin_ids(object_id, urls.origin()))
    return true;  // one of our posts: its author is told
  auto followers = tx.follows().followers(booster.id, storage::FollowState::accepted, {.limit = 1});
  if (!followers)
    return std::move(followers).error();
  return !followers->empty();
}

core::Result<std::optional<storage::Post>> skip(HandlerContext& ctx, std::string why) {
  ctx.note = std::move(why);
  return std::optional<storage::Post>{};
}

// The boosted post as fetched from its origin, stored as its author's: the author must be
// stored already (the prepare step ensured it) and be on the object's origin.
core::Result<std::optional<storage::Post>> store_boosted_post(HandlerContext& ctx,
                                                              const as::Object& object) {
  auto author_id = object.author();
  if (!author_id || !same_origin_ids(*author_id, object.id))
    return skip(ctx, "the boosted post's author is not on its origin");
  auto tombstoned = ctx.tx.inbox_log().was_received(tombstone_key(object.id));
  if (!tombstoned)
    return std::move(tombstoned).error();
  if (*tombstoned)
    return skip(ctx, "the boosted post was deleted");
  auto author = find_actor(ctx.tx, *author_id);
  if (!author)
    return std::move(author).error();
  if (!*author)
    return skip(ctx, "the boosted post's author is unknown");
  storage::NewPost post = new_remote_post(ctx, object);
  post.author_id = (*author)->id;
  post.visibility = visibility_of(object, object, **author);
  // Only public and unlisted posts can be boosted (Mastodon refuses the others too); an object
  // without any addressing is taken as public, as before visibility existed.
  const bool addressed = !object.to.empty() || !object.cc.empty();
  if (!addressed)
    post.visibility = storage::PostVisibility::public_;
  else if (post.visibility == storage::PostVisibility::private_ ||
           post.visibility == storage::PostVisibility::direct)
    return skip(ctx, "a boost of a post that is not public");
  if (!object.in_reply_to.id().empty()) {
    auto parent = find_post(ctx.tx, object.in_reply_to.id());
    if (!parent)
      return std::move(parent).error();
    if (*parent)
      post.parent_id = (*parent)->id;
  }
  auto created = ctx.tx.posts().create(post);
  if (!created)
    return std::move(created).error();
  return std::optional<storage::Post>(std::move(*created));
}

core::Result<void> handle_boost(HandlerContext& ctx) {
  const std::string& object_id = ctx.activity.object_ref().id();
  if (object_id.empty())
    return core::Error::invalid_input("announce without an object");
  auto relevant = boost_concerns_us(ctx.tx, ctx.urls, ctx.actor, object_id);
  if (!relevant)
    return std::move(relevant).error();
  if (!*relevant)
    return ctx.ignore("a boost nobody here follows");
  auto post = find_post(ctx.tx, object_id);
  if (!post)
    return std::move(post).error();
  if (!*post) {
    if (!ctx.fetched || ctx.fetched->id != object_id || !is_post_kind(ctx.fetched->kind))
      return ctx.ignore("the boosted post is unknown and could not be fetched");
    auto stored = store_boosted_post(ctx, *ctx.fetched);
    if (!stored)
      return std::move(stored).error();
    if (!*stored)
      return {};
    post = std::move(*stored);
  }
  if ((*post)->deleted_at || (*post)->removed_at)
    return ctx.ignore("the boosted post is gone");
  auto reblog = ctx.tx.client_api().add_reblog(ctx.actor.id, (*post)->id, ctx.activity.id);
  if (!reblog)
    return std::move(reblog).error();
  return {};
}

}  // namespace

core::Result<void> handle_announce(HandlerContext& ctx) {
  auto group = followed_community(ctx.tx, ctx.actor.ap_id);
  if (!group)
    return std::move(group).error();
  if (!*group)
    return handle_boost(ctx);
  return handle_group_announce(ctx, **group);
}

AnnouncePrep prepare_boost(storage::Database& db, const Urls& urls, const as::Object& announce,
                           ObjectSource* objects, ActorSource* actors) {
  AnnouncePrep prep;
  const std::string& object_id = announce.object_ref().id();
  if (!objects || object_id.empty() || same_origin_ids(object_id, urls.origin()))
    return prep;
  auto wanted = db.read([&](storage::Tx& tx) -> core::Result<bool> {
    auto booster = tx.actors().get_by_ap_id(announce.actor.id());
    if (!booster)
      return std::move(booster).error();
    auto known = find_post(tx, object_id);
    if (!known)
      return std::move(known).error();
    if (*known)
      return false;
    return boost_concerns_us(tx, urls, *booster, object_id);
  });
  if (!wanted || !*wanted)
    return prep;
  auto fetched = objects->fetch(object_id);
  if (!fetched) {
    spdlog::info("inbox.boost_fetch_failed announce={} object={} error=\"{}\"", announce.id,
                 object_id, fetched.error().message);
    return prep;
  }
  if (fetched->id != object_id || !is_post_kind(fetched->kind))
    return prep;
  if (auto author = fetched->author(); author && actors && !same_origin_ids(*author, urls.origin()))
    if (auto ensured = actors->ensure(*author); !ensured)
      spdlog::debug("inbox.boost_author_unavailable actor={} error=\"{}\"", *author,
                    ensured.error().message);
  prep.fetched = std::move(fetched).value();
  return prep;
}

}  // namespace guildhall::federation::inbox::detail
