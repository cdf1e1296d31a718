#include "guildhall/federation/discovery/lookup.hpp"

#include <algorithm>
#include <functional>

#include "guildhall/federation/discovery/collections.hpp"

namespace guildhall::federation::discovery {

namespace {

using core::Error;
using core::ErrorKind;
using core::Result;
using storage::PageRequest;

// The same message for "does not exist" and "exists but not for you" (AUTHZ-15).
Error no_such_actor() {
  return Error::not_found("no such actor");
}

constexpr std::size_t kScanBatch = 200;  // storage's largest page

// Rows [offset, offset + count) of a keyset listing (newest first unless `oldest_first`) that
// `keep` accepts, read in batches. Numbered pages over keyset storage cost a scan of the rows
// before them; kMaxCollectionPage bounds it.
template <typename Row>
Result<std::vector<Row>> window(
    const std::function<Result<std::vector<Row>>(const PageRequest&)>& fetch,
    const std::function<core::Id(const Row&)>& id_of, std::size_t offset, std::size_t count,
    bool oldest_first = false, const std::function<bool(const Row&)>& keep = {}) {
  std::vector<Row> out;
  PageRequest req;
  req.oldest_first = oldest_first;
  std::size_t seen = 0;
  for (;;) {
    req.limit = std::min(kScanBatch, offset + count - seen);
    auto batch = fetch(req);
    if (!batch)
      return std::move(batch).error();
    for (auto& row : *batch) {
      if (keep && !keep(row))
        continue;
      if (seen++ >= offset && out.size() < count)
        out.push_back(std::move(row));
    }
    if (out.size() >= count || batch->size() < req.limit || batch->empty())
      return out;
    (oldest_first ? req.after : req.before) = id_of(batch->back());
  }
}

// Fills slice.items with the ap_ids of one page of actors (by their storage ids).
template <typename Row>
Result<void> fill_page(storage::Tx& tx, CollectionSlice& slice, std::int64_t page,
                       const std::function<Result<std::vector<Row>>(const PageRequest&)>& fetch,
                       const std::function<core::Id(const Row&)>& id_of,
                       const std::function<core::Id(const Row&)>& actor_of) {
  const std::size_t offset = static_cast<std::size_t>(page - 1) * kCollectionPageSize;
  auto rows = window<Row>(fetch, id_of, offset, kCollectionPageSize + 1);
  if (!rows)
    return std::move(rows).error();
  slice.has_more = rows->size() > kCollectionPageSize;
  if (slice.has_more)
    rows->pop_back();
  for (const auto& row : *rows) {
    auto actor = tx.actors().get(actor_of(row));
    if (!actor)
      return std::move(actor).error();
    slice.items.push_back(actor->ap_id);
  }
  return {};
}

}  // namespace

bool is_federated(const storage::Community& community) noexcept {
  return community.visibility != storage::CommunityVisibility::local_only;
}

bool members_are_public(const storage::Community& community) noexcept {
  return community.visibility == storage::CommunityVisibility::public_;
}

Result<storage::Actor> find_person(storage::Tx& tx, std::string_view handle) {
  auto actor = tx.actors().get_by_handle(handle, std::nullopt);
  if (!actor)
    return actor.error().kind == ErrorKind::not_found ? no_such_actor() : std::move(actor).error();
  if (actor->kind != storage::ActorKind::person)
    return no_such_actor();
  return actor;
}

Result<storage::CommunityView> find_group(storage::Tx& tx, std::string_view handle) {
  auto group = tx.communities().get_local_by_handle(handle);
  if (!group)
    return group.error().kind == ErrorKind::not_found ? no_such_actor() : std::move(group).error();
  if (!is_federated(group->community))
    return no_such_actor();
  return group;
}

Result<storage::Actor> find_instance_actor(storage::Tx& tx, const Urls& urls) {
  auto actor = tx.actors().get_by_ap_id(urls.instance_actor());
  if (!actor)
    return actor.error().kind == ErrorKind::not_found ? no_such_actor() : std::move(actor).error();
  return actor;
}

Result<LocalActor> resolve_webfinger(storage::Tx& tx, const WebfingerQuery& query,
                                     const Urls& urls) {
  LocalActor out;
  using Scope = WebfingerQuery::Scope;
  if (query.scope == Scope::instance) {
    auto actor = find_instance_actor(tx, urls);
    if (!actor)
      return std::move(actor).error();
    out.actor = std::move(*actor);
  } else {
    // People and groups share one handle namespace, so a name finds at most one of them.
    auto actor = tx.actors().get_by_handle(query.handle, std::nullopt);
    if (!actor)
      return actor.error().kind == ErrorKind::not_found ? no_such_actor()
                                                        : std::move(actor).error();
    const bool is_group = actor->kind == storage::ActorKind::group;
    if (actor->kind != storage::ActorKind::person && !is_group)
      return no_such_actor();
    if ((query.scope == Scope::person && is_group) || (query.scope == Scope::group && !is_group))
      return no_such_actor();
    if (is_group) {
      auto group = find_group(tx, query.handle);
      if (!group)
        return std::move(group).error();
      out.group = std::move(*group);
    }
    out.actor = std::move(*actor);
  }
  if (out.actor.deleted_at)
    return no_such_actor();
  return out;
}

Result<CollectionSlice> person_followers(storage::Tx& tx, const storage::Actor& person,
                                         std::optional<std::int64_t> page) {
  CollectionSlice slice;
  auto total = tx.follows().count_followers(person.id);
  if (!total)
    return std::move(total).error();
  slice.total_items = *total;
  if (page) {
    auto filled = fill_page<storage::Follow>(
        tx, slice, *page,
        [&](const PageRequest& r) {
          return tx.follows().followers(person.id, storage::FollowState::accepted, r);
        },
        [](const storage::Follow& f) { return f.id; },
        [](const storage::Follow& f) { return f.follower_id; });
    if (!filled)
      return std::move(filled).error();
  }
  return slice;
}

Result<CollectionSlice> person_following(storage::Tx& tx, const storage::Actor& person,
                                         std::optional<std::int64_t> page) {
  CollectionSlice slice;
  auto total = tx.follows().count_following(person.id);
  if (!total)
    return std::move(total).error();
  slice.total_items = *total;
  if (page) {
    auto filled = fill_page<storage::Follow>(
        tx, slice, *page,
        [&](const PageRequest& r) {
          return tx.follows().following(person.id, storage::FollowState::accepted, r);
        },
        [](const storage::Follow& f) { return f.id; },
        [](const storage::Follow& f) { return f.followee_id; });
    if (!filled)
      return std::move(filled).error();
  }
  return slice;
}

Result<CollectionSlice> group_followers(storage::Tx& tx, const storage::CommunityView& group,
                                        std::optional<std::int64_t> page) {
  CollectionSlice slice;
  auto total = tx.memberships().count(group.actor.id, storage::MemberState::accepted);
  if (!total)
    return std::move(total).error();
  slice.total_items = *total;
  if (page) {
    auto filled = fill_page<storage::Membership>(
        tx, slice, *page,
        [&](const PageRequest& r) {
          return tx.memberships().list(group.actor.id, storage::MemberState::accepted, r);
        },
        [](const storage::Membership& m) { return m.id; },
        [](const storage::Membership& m) { return m.actor_id; });
    if (!filled)
      return std::move(filled).error();
  }
  return slice;
}

Result<CollectionSlice> thread_posts(storage::Tx& tx, const storage::Post& thread,
                                     std::optional<std::int64_t> page) {
  CollectionSlice slice;
  auto comments = tx.posts().count_comments(thread.id);
  if (!comments)
    return std::move(comments).error();
  slice.total_items = 1 + *comments;
  if (!page)
    return slice;
  // Item 0 is the thread itself, the comments follow.
  const std::size_t first = static_cast<std::size_t>(*page - 1) * kCollectionPageSize;
  if (first == 0)
    slice.items.push_back(thread.ap_id);
  const std::size_t wanted = kCollectionPageSize - slice.items.size();
  auto rows = window<storage::Post>(
      [&](const PageRequest& r) { return tx.posts().list_thread(thread.id, r); },
      [](const storage::Post& p) { return p.id; }, first == 0 ? 0 : first - 1, wanted + 1, true,
      [](const storage::Post& p) { return !p.deleted_at && !p.removed_at; });
  if (!rows)
    return std::move(rows).error();
  slice.has_more = rows->size() > wanted;
  if (slice.has_more)
    rows->pop_back();
  for (const auto& row : *rows)
    slice.items.push_back(row.ap_id);
  return slice;
}

Result<std::vector<std::string>> group_moderators(storage::Tx& tx,
                                                  const storage::CommunityView& group) {
  // Storage cannot filter memberships by role yet, so this reads every accepted membership.
  std::vector<std::string> out;
  PageRequest req{.limit = kScanBatch, .oldest_first = true};
  for (;;) {
    auto batch = tx.memberships().list(group.actor.id, storage::MemberState::accepted, req);
    if (!batch)
      return std::move(batch).error();
    for (const auto& m : *batch) {
      if (m.role != storage::MemberRole::owner && m.role != storage::MemberRole::moderator)
        continue;
      auto actor = tx.actors().get(m.actor_id);
      if (!actor)
        return std::move(actor).error();
      out.push_back(actor->ap_id);
    }
    if (batch->size() < req.limit)
      return out;
    req.after = batch->back().id;
  }
}

Result<std::vector<std::string>> group_featured(storage::Tx& tx,
                                                const storage::CommunityView& group) {
  // Without a cursor the listing starts with every pinned thread; one unpinned row comes along.
  auto threads = tx.posts().list_community_threads(group.actor.id, PageRequest{.limit = 1});
  if (!threads)
    return std::move(threads).error();
  std::vector<std::string> out;
  for (const auto& post : *threads)
    if (post.pinned && !post.deleted_at && !post.removed_at)
      out.push_back(post.ap_id);
  return out;
}

Result<std::vector<std::string>> person_featured(storage::Tx& tx, const storage::Actor& person) {
  auto pins = tx.client_api().profile_pins(person.id);
  if (!pins)
    return std::move(pins).error();
  std::vector<std::string> out;
  for (const storage::Id id : *pins) {
    auto post = tx.posts().get(id);
    if (!post)
      return std::move(post).error();
    auto for_everyone = tx.client_api().post_readable({}, id);
    if (!for_everyone)
      return std::move(for_everyone).error();
    if (*for_everyone && !post->deleted_at && !post->removed_at)
      out.push_back(post->ap_id);
  }
  return out;
}

Result<NodeUsage> node_usage(storage::Tx& tx) {
  auto users = tx.users().count();
  if (!users)
    return std::move(users).error();
  NodeUsage usage;
  usage.users_total = *users;
  usage.users_active_month = *users;
  usage.users_active_halfyear = *users;
  return usage;
}

}  // namespace guildhall::federation::discovery
