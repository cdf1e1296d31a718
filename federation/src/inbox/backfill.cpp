#include "guildhall/federation/inbox/backfill.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "handlers/handler.hpp"

namespace guildhall::federation::inbox {

namespace as = guildhall::activitystreams;

namespace {

constexpr int kMaxUnwrap = 3;  // Announce(Create(Page)) is the deepest shape outboxes use
constexpr std::size_t kMaxRecent = 1000;  // remembered contexts, then the memory starts over

// The thread inside an outbox item: Announce(Create(Page)), Create(Page), a Page, or an id.
const as::Ref* thread_ref(const as::Ref& item) {
  const as::Ref* ref = &item;
  for (int depth = 0; depth < kMaxUnwrap; ++depth) {
    const as::Object* o = ref->get();
    if (!o || detail::is_post_kind(o->kind) || !as::is_activity(o->kind))
      return ref;
    if (o->kind != as::Kind::announce && o->kind != as::Kind::create)
      return nullptr;  // votes, deletes...: not threads
    if (o->object_ref().empty())
      return nullptr;
    ref = &o->object_ref();
  }
  return nullptr;
}

}  // namespace

CommunityBackfill::CommunityBackfill(storage::Database& db, Urls urls, const core::Clock& clock,
                                     ObjectSource& objects, ActorSource* actors,
                                     BackfillOptions options)
    : db_(db),
      urls_(std::move(urls)),
      clock_(clock),
      objects_(objects),
      actors_(actors),
      options_(options) {}

std::vector<as::Ref> CommunityBackfill::collect(const as::Object& collection, std::size_t limit) {
  // Lemmy inlines orderedItems; others page through `first`/`next`.
  std::vector<as::Ref> items = collection.items;
  std::string next = items.empty() ? collection.first.id() : std::string();
  if (const as::Object* first = collection.first.get(); first && items.empty()) {
    items = first->items;
    next = first->next.id();
  }
  for (std::size_t page = 0; page < options_.max_pages && items.size() < limit && !next.empty() &&
                             detail::same_origin_ids(next, collection.id);
       ++page) {
    auto fetched = objects_.fetch(next);
    if (!fetched)
      break;
    for (const as::Ref& r : fetched->items)
      items.push_back(r);
    next = fetched->next.id();
  }
  if (items.size() > limit)
    items.resize(limit);
  return items;
}

bool CommunityBackfill::store(const storage::CommunityView& group, const as::Ref& ref,
                              const std::string& trusted_origin) {
  if (ref.id().empty() || detail::same_origin_ids(ref.id(), urls_.origin()))
    return false;  // ours: stored already
  auto known = db_.read([&](storage::Tx& tx) { return detail::find_post(tx, ref.id()); });
  if (known && *known)
    return false;
  // Trusted as embedded only from the origin the collection came from, when it is the object's.
  std::optional<as::Object> fetched;
  const as::Object* object = ref.get();
  if (!object || !detail::same_origin_ids(object->id, trusted_origin)) {
    auto f = objects_.fetch(ref.id());
    if (!f) {
      spdlog::info("backfill.object_unavailable community={} object={} error=\"{}\"",
                   group.actor.ap_id, ref.id(), f.error().message);
      return false;
    }
    fetched = std::move(f).value();
    object = &*fetched;
  }
  auto author_id = object->author();
  if (!author_id || !detail::is_post_kind(object->kind))
    return false;
  if (actors_)
    (void)actors_->ensure(*author_id);
  bool created = false;
  auto done = db_.transact([&](storage::Tx& tx) -> core::Result<void> {
    auto author = tx.actors().get_by_ap_id(*author_id);
    if (!author)
      return std::move(author).error();
    if (author->is_local() || author->suspended_at || author->deleted_at)
      return {};
    detail::HandlerContext ctx{tx, *object, *author, urls_, clock_, false, {}};
    auto r = detail::store_community_post(ctx, group, *object);
    created = r.ok() && ctx.note.empty();
    return r;
  });
  if (!done) {
    spdlog::info("backfill.object_refused community={} object={} error=\"{}\"", group.actor.ap_id,
                 ref.id(), done.error().message);
    return false;
  }
  return created;
}

std::size_t CommunityBackfill::comments_of(const storage::CommunityView& group,
                                           const std::string& context_url) {
  auto collection = objects_.fetch(context_url);
  if (!collection) {
    spdlog::info("backfill.context_unavailable community={} context={} error=\"{}\"",
                 group.actor.ap_id, context_url, collection.error().message);
    return 0;
  }
  // The thread first, then its comments oldest first: each parent is stored before its replies.
  std::size_t stored = 0;
  for (const as::Ref& item : collect(*collection, options_.max_comments + 1))
    stored += store(group, item, collection->id) ? 1 : 0;
  return stored;
}

bool CommunityBackfill::recently_backfilled(const std::string& context_url) {
  std::lock_guard lock(mutex_);
  const core::TimePoint now = clock_.now();
  auto it = recent_.find(context_url);
  if (it != recent_.end() && now - it->second < options_.recent_context)
    return true;
  if (recent_.size() >= kMaxRecent)
    recent_.clear();
  recent_[context_url] = now;
  return false;
}

core::Result<std::size_t> CommunityBackfill::run(storage::Id community_id) {
  auto group = db_.read([&](storage::Tx& tx) { return tx.communities().get(community_id); });
  if (!group)
    return group.error();
  if (group->actor.is_local())
    return core::Error::invalid_input("a local community needs no backfill");
  if (!group->actor.outbox_url)
    return std::size_t{0};

  auto outbox = objects_.fetch(*group->actor.outbox_url);
  if (!outbox)
    return outbox.error();
  if (!detail::same_origin_ids(outbox->id, group->actor.ap_id))
    return core::Error::forbidden("origin_mismatch: the outbox is not on the group's origin");

  std::size_t stored = 0;
  std::size_t seen = 0;
  std::vector<std::string> threads;
  for (const as::Ref& item : collect(*outbox, options_.max_threads)) {
    if (seen >= options_.max_threads)
      break;
    const as::Ref* ref = thread_ref(item);
    if (!ref || ref->id().empty() || detail::same_origin_ids(ref->id(), urls_.origin()))
      continue;
    const as::Object* embedded = ref->get();
    if (embedded && !embedded->in_reply_to.id().empty())
      continue;  // comments come with their thread's context
    ++seen;
    stored += store(*group, *ref, group->actor.ap_id) ? 1 : 0;
    threads.push_back(ref->id());
  }
  // Then the comments of every thread we hold, from the context its origin published.
  for (const std::string& thread_id : threads) {
    auto thread = db_.read([&](storage::Tx& tx) { return detail::find_post(tx, thread_id); });
    if (!thread || !*thread || !(*thread)->is_thread() || !(*thread)->context_url)
      continue;
    if (!recently_backfilled(*(*thread)->context_url))
      stored += comments_of(*group, *(*thread)->context_url);
  }
  return stored;
}

core::Result<std::size_t> CommunityBackfill::thread_of(storage::Id community_id,
                                                       const as::Object& reply) {
  auto group = db_.read([&](storage::Tx& tx) { return tx.communities().get(community_id); });
  if (!group)
    return group.error();
  if (group->actor.is_local())
    return core::Error::invalid_input("a local community needs no backfill");
  std::size_t stored = 0;
  const std::string& context = reply.context.id();
  if (!context.empty() && !detail::same_origin_ids(context, urls_.origin())) {
    if (!recently_backfilled(context))
      stored += comments_of(*group, context);
  } else {
    // No context: the parents, walked up until one we have (or the thread), stored top down.
    std::vector<as::Object> parents;
    std::string next = reply.in_reply_to.id();
    while (!next.empty() && parents.size() < options_.max_depth &&
           !detail::same_origin_ids(next, urls_.origin())) {
      auto known = db_.read([&](storage::Tx& tx) { return detail::find_post(tx, next); });
      if (!known || *known)
        break;
      auto parent = objects_.fetch(next);
      if (!parent || !detail::is_post_kind(parent->kind))
        break;
      next = parent->in_reply_to.id();
      parents.push_back(std::move(parent).value());
    }
    for (auto it = parents.rbegin(); it != parents.rend(); ++it)
      stored += store(*group, as::Ref(*it), it->id) ? 1 : 0;
  }
  // The reply itself, now that its parent may be here (as the handler trusted it).
  stored += store(*group, as::Ref(reply), reply.id) ? 1 : 0;
  return stored;
}

}  // namespace guildhall::federation::inbox
