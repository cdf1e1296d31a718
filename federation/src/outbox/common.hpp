#pragma once

// What every outbox service (People, Communities, RemoteCommunities) does the same way: who may
// act, and the transactional outbox (the activity queued in the caller's transaction).

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/storage/database.hpp"
#include "guildhall/storage/federation_queue.hpp"

namespace guildhall::federation::outbox::detail {

namespace as = activitystreams;

inline std::string inbox_of(const storage::Actor& a) {
  return a.shared_inbox_url.value_or(a.inbox_url);
}

// Enqueues `activity` (signed by `actor_id`) to `inboxes` inside the caller's transaction.
inline core::Result<void> enqueue(storage::Tx& tx, storage::Id activity_id,
                                  const as::Object& activity, storage::Id actor_id,
                                  const std::vector<std::string>& inboxes) {
  if (inboxes.empty())
    return {};  // nobody to tell (no remote followers yet)
  auto queued = tx.delivery_queue().enqueue({.id = activity_id,
                                             .ap_id = activity.id,
                                             .actor_id = actor_id,
                                             .payload = as::serialize(activity)},
                                            inboxes);
  if (!queued)
    return std::move(queued).error();
  return {};
}

inline core::Result<storage::Actor> local_actor(storage::Tx& tx, storage::Id id) {
  auto actor = tx.actors().get(id);
  if (!actor)
    return std::move(actor).error();
  if (!actor->is_local() || !actor->private_key_pem)
    return core::Error::forbidden("only local actors can publish");
  return actor;
}

// Runs body in one transaction and, once it committed, wakes the delivery worker.
template <typename F>
auto transact_and_notify(storage::Database& db, const std::function<void()>& on_enqueued,
                         F&& body) {
  auto result = db.transact(std::forward<F>(body));
  if (result && on_enqueued)
    on_enqueued();
  return result;
}

inline core::Result<storage::Post> own_post(storage::Tx& tx, storage::Id author_id,
                                            storage::Id post_id) {
  auto post = tx.posts().get(post_id);
  if (!post)
    return std::move(post).error();
  if (post->author_id != author_id)
    return core::Error::forbidden("only the author can change a post");
  if (post->deleted_at)
    return core::Error::not_found("the post was deleted");
  return post;
}

// Which communities an outbox service acts on: Communities applies to groups hosted here,
// RemoteCommunities sends to groups hosted elsewhere.
enum class Hosted { here, elsewhere };

// The community, refused when it lives on the other side of `where` or is gone.
inline core::Result<storage::CommunityView> community_hosted(storage::Tx& tx, storage::Id id,
                                                             Hosted where) {
  auto group = tx.communities().get(id);
  if (!group)
    return std::move(group).error();
  if (where == Hosted::here && !group->actor.is_local())
    return core::Error::invalid_input("community " + group->actor.ap_id +
                                      " is hosted on another instance; this action works only "
                                      "for communities hosted here for now");
  if (where == Hosted::elsewhere && group->actor.is_local())
    return core::Error::invalid_input("a local community: it is not joined over federation");
  if (group->actor.deleted_at || group->actor.suspended_at)
    return core::Error::not_found("no such community");
  return group;
}

// A post and the community it belongs to.
struct PostInCommunity {
  storage::Post post;
  storage::CommunityView group;
};

inline core::Result<PostInCommunity> post_in_community(storage::Tx& tx, storage::Id post_id,
                                                       Hosted where) {
  auto post = tx.posts().get(post_id);
  if (!post)
    return std::move(post).error();
  if (!post->community_id)
    return core::Error::invalid_input("the post is not in a community");
  auto group = community_hosted(tx, *post->community_id, where);
  if (!group)
    return std::move(group).error();
  return PostInCommunity{std::move(post).value(), std::move(group).value()};
}

}  // namespace guildhall::federation::outbox::detail
