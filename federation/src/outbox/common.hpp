#pragma once

// What every outbox service (People, Communities, RemoteCommunities) does the same way: who may
// act, and the transactional outbox (the activity queued in the caller's transaction).

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/content/url.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/groups/thread_kinds.hpp"
#include "guildhall/federation/outbox/communities.hpp"
#include "guildhall/federation/polls.hpp"
#include "guildhall/storage/database.hpp"
#include "guildhall/storage/federation_queue.hpp"

namespace guildhall::federation::outbox::detail {

namespace as = activitystreams;

inline std::string inbox_of(const storage::Actor& a) {
  return a.shared_inbox_url.value_or(a.inbox_url);
}

// Enqueues `payload` (the activity `ap_id`, signed by `actor_id`) to `inboxes` inside the
// caller's transaction.
inline core::Result<void> enqueue(storage::Tx& tx, storage::Id activity_id,
                                  const std::string& ap_id, std::string payload,
                                  storage::Id actor_id, const std::vector<std::string>& inboxes) {
  if (inboxes.empty())
    return {};  // nobody to tell (no remote followers yet)
  auto queued = tx.delivery_queue().enqueue(
      {.id = activity_id, .ap_id = ap_id, .actor_id = actor_id, .payload = std::move(payload)},
      inboxes);
  if (!queued)
    return std::move(queued).error();
  return {};
}

inline core::Result<void> enqueue(storage::Tx& tx, storage::Id activity_id,
                                  const as::Object& activity, storage::Id actor_id,
                                  const std::vector<std::string>& inboxes) {
  return enqueue(tx, activity_id, activity.id, as::serialize(activity), actor_id, inboxes);
}

// Inboxes of an actor's remote followers (accepted), shared inboxes preferred; the queue collapses
// duplicates.
inline core::Result<std::vector<std::string>> follower_inboxes(storage::Tx& tx,
                                                               storage::Id actor_id) {
  constexpr std::size_t kFollowerPage = 200;
  std::vector<std::string> inboxes;
  storage::PageRequest page{.limit = kFollowerPage, .oldest_first = true};
  for (;;) {
    auto batch = tx.follows().followers(actor_id, storage::FollowState::accepted, page);
    if (!batch)
      return std::move(batch).error();
    for (const auto& f : *batch) {
      auto follower = tx.actors().get(f.follower_id);
      if (!follower)
        return std::move(follower).error();
      if (!follower->is_local())
        inboxes.push_back(inbox_of(*follower));
    }
    if (batch->size() < page.limit)
      break;
    page.after = batch->back().id;
  }
  return inboxes;
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

constexpr std::size_t kMaxLocationBytes = 500;
constexpr std::size_t kMaxLinkBytes = 2048;

// A poll as asked for, in a community or not: 2 to 20 distinct options, an end in the future.
inline core::Result<void> check_poll(const PollInput& poll, core::TimePoint now) {
  const auto& options = poll.options;
  if (options.size() < 2 || options.size() > polls::kMaxOptions)
    return core::Error::invalid_input("a poll needs 2 to 20 options");
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (options[i].find_first_not_of(" \t\r\n") == std::string::npos ||
        options[i].size() > polls::kMaxOptionBytes)
      return core::Error::invalid_input("a poll option has 1 to 200 bytes of text");
    for (std::size_t j = 0; j < i; ++j)
      if (options[j] == options[i])
        return core::Error::invalid_input("poll options must differ: '" + options[i] + "'");
  }
  if (poll.end_time && *poll.end_time <= now)
    return core::Error::invalid_input("a poll must end in the future");
  return {};
}

// A poll, event or link thread as asked for: valid options, times and link, wherever the
// community lives.
inline core::Result<void> check_thread_kind(const ThreadInput& input, core::TimePoint now) {
  if (input.link && (input.link->size() > kMaxLinkBytes || !content::safe_url(*input.link, false)))
    return core::Error::invalid_input("a link is an http(s) URL of at most 2048 bytes");
  if (input.poll && input.event)
    return core::Error::invalid_input("a thread is a poll or an event, not both");
  if (input.poll)
    if (auto ok = check_poll(*input.poll, now); !ok)
      return ok;
  if (input.event) {
    if (input.event->end_time && *input.event->end_time < input.event->start_time)
      return core::Error::invalid_input("an event cannot end before it starts");
    for (const auto* text : {&input.event->location_name, &input.event->location_address})
      if (*text && (*text)->size() > kMaxLocationBytes)
        return core::Error::invalid_input("a location has at most 500 bytes");
  }
  return {};
}

// Mobilizon's answers to an event: Accept = going, TentativeAccept = maybe, Reject = not going.
inline as::Kind rsvp_kind(storage::RsvpStatus status) {
  switch (status) {
    case storage::RsvpStatus::maybe:
      return as::Kind::tentative_accept;
    case storage::RsvpStatus::not_going:
      return as::Kind::reject;
    default:
      return as::Kind::accept;
  }
}

// What a new thread is on the wire besides a Page (groups/thread_kinds.hpp).
inline groups::ThreadShape shape_of(const ThreadInput& input) {
  groups::ThreadShape shape;
  shape.question = input.is_question;
  if (input.poll) {
    storage::Poll poll;
    poll.multiple = input.poll->multiple;
    poll.end_time = input.poll->end_time;
    for (std::size_t i = 0; i < input.poll->options.size(); ++i)
      poll.options.push_back({static_cast<int>(i), input.poll->options[i], 0});
    shape.poll = std::move(poll);
  }
  if (input.event)
    shape.event = storage::Event{0, input.event->start_time, input.event->end_time,
                                 input.event->location_name, input.event->location_address};
  return shape;
}

}  // namespace guildhall::federation::outbox::detail
