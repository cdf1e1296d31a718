#include "guildhall/federation/inbox/backfill.hpp"

#include <spdlog/spdlog.h>

#include "handlers/handler.hpp"

namespace guildhall::federation::inbox {

namespace as = guildhall::activitystreams;

namespace {

constexpr int kMaxUnwrap = 3;  // Announce(Create(Page)) is the deepest shape outboxes use

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

core::Result<std::size_t> CommunityBackfill::run(storage::Id community_id) {
  auto group = db_.read([&](storage::Tx& tx) { return tx.communities().get(community_id); });
  if (!group)
    return group.error();
  if (group->actor.is_local())
    return core::Error::invalid_input("a local community needs no backfill");
  if (!group->actor.outbox_url)
    return std::size_t{0};

  // The outbox, then its pages (Lemmy inlines orderedItems; others page through `first`/`next`).
  std::vector<as::Ref> items;
  auto collection = objects_.fetch(*group->actor.outbox_url);
  if (!collection)
    return collection.error();
  if (!detail::same_origin_ids(collection->id, group->actor.ap_id))
    return core::Error::forbidden("origin_mismatch: the outbox is not on the group's origin");
  items = collection->items;
  std::string next = items.empty() ? collection->first.id() : std::string();
  if (const as::Object* first = collection->first.get(); first && items.empty()) {
    items = first->items;
    next = first->next.id();
  }
  for (std::size_t page = 0; page < options_.max_pages && items.size() < options_.max_threads &&
                             !next.empty() && detail::same_origin_ids(next, group->actor.ap_id);
       ++page) {
    auto fetched = objects_.fetch(next);
    if (!fetched)
      break;
    for (const as::Ref& r : fetched->items)
      items.push_back(r);
    next = fetched->next.id();
  }

  std::size_t stored = 0;
  std::size_t seen = 0;
  for (const as::Ref& item : items) {
    if (seen >= options_.max_threads)
      break;
    const as::Ref* ref = thread_ref(item);
    if (!ref || ref->id().empty() || detail::same_origin_ids(ref->id(), urls_.origin()))
      continue;
    ++seen;
    // Trusted as embedded only from the group's own origin (the outbox came from there).
    std::optional<as::Object> fetched;
    const as::Object* thread = ref->get();
    if (!thread || !detail::same_origin_ids(thread->id, group->actor.ap_id)) {
      auto f = objects_.fetch(ref->id());
      if (!f) {
        spdlog::info("backfill.thread_unavailable community={} thread={} error=\"{}\"",
                     group->actor.ap_id, ref->id(), f.error().message);
        continue;
      }
      fetched = std::move(f).value();
      thread = &*fetched;
    }
    auto author_id = thread->author();
    if (!author_id || !detail::is_post_kind(thread->kind) || !thread->in_reply_to.id().empty())
      continue;
    if (actors_)
      (void)actors_->ensure(*author_id);
    bool created = false;
    auto done = db_.transact([&](storage::Tx& tx) -> core::Result<void> {
      auto author = tx.actors().get_by_ap_id(*author_id);
      if (!author)
        return std::move(author).error();
      if (author->is_local() || author->suspended_at || author->deleted_at)
        return {};
      detail::HandlerContext ctx{tx, *thread, *author, urls_, clock_, false, {}};
      auto r = detail::store_community_post(ctx, *group, *thread);
      created = r.ok() && ctx.note.empty();
      return r;
    });
    if (!done) {
      spdlog::info("backfill.thread_refused community={} thread={} error=\"{}\"",
                   group->actor.ap_id, ref->id(), done.error().message);
      continue;
    }
    stored += created ? 1 : 0;
  }
  return stored;
}

}  // namespace guildhall::federation::inbox
