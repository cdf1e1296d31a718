#pragma once

// The reads behind the discovery endpoints. EVERY CALL BLOCKS (storage): run them inside
// Database::read on the blocking pool. They apply the federation visibility rules once, so every
// endpoint answers the same way:
//  - local-only communities do not exist for other servers (not_found everywhere);
//  - private communities are found (the actor is public, as in Lemmy) but their member list is
//    not (collections keep only the count);
//  - deleted actors are found with `deleted_at` set, so the actor id can answer 410.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/discovery/nodeinfo.hpp"
#include "guildhall/federation/discovery/webfinger.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::discovery {

// A local actor that other servers may see: a person, a group (with its community) or the
// instance actor.
struct LocalActor {
  storage::Actor actor;
  std::optional<storage::CommunityView> group;  // set for groups
};

// Whether other servers may see this community at all.
bool is_federated(const storage::Community& community) noexcept;
// Whether other servers may list its members (followers collection items).
bool members_are_public(const storage::Community& community) noexcept;

core::Result<storage::Actor> find_person(storage::Tx& tx, std::string_view handle);
core::Result<storage::CommunityView> find_group(storage::Tx& tx, std::string_view handle);
core::Result<storage::Actor> find_instance_actor(storage::Tx& tx, const Urls& urls);
// Resolves a parsed WebFinger resource; deleted actors are not_found here.
core::Result<LocalActor> resolve_webfinger(storage::Tx& tx, const WebfingerQuery& query,
                                           const Urls& urls);

// One page of a paged collection, as actor (or object) ids.
struct CollectionSlice {
  std::int64_t total_items = 0;
  std::vector<std::string> items;  // empty when no page was asked for
  bool has_more = false;
};

// `page` nullopt: only the total. Pages are kCollectionPageSize items, newest first.
core::Result<CollectionSlice> person_followers(storage::Tx& tx, const storage::Actor& person,
                                               std::optional<std::int64_t> page);
core::Result<CollectionSlice> person_following(storage::Tx& tx, const storage::Actor& person,
                                               std::optional<std::int64_t> page);
// Accepted members (owner and moderators included). Callers check members_are_public first.
core::Result<CollectionSlice> group_followers(storage::Tx& tx, const storage::CommunityView& group,
                                              std::optional<std::int64_t> page);
// A thread's context collection (FEP-7888): the thread, then its comments that are neither
// deleted nor removed, oldest first. `total_items` counts the removed ones too (storage counts
// comments that are not deleted).
core::Result<CollectionSlice> thread_posts(storage::Tx& tx, const storage::Post& thread,
                                           std::optional<std::int64_t> page);
// Accepted owners and moderators, oldest first (Lemmy lists the top moderator first).
core::Result<std::vector<std::string>> group_moderators(storage::Tx& tx,
                                                        const storage::CommunityView& group);
// Pinned threads that are neither deleted nor removed.
core::Result<std::vector<std::string>> group_featured(storage::Tx& tx,
                                                      const storage::CommunityView& group);

// Posts the person pinned to their profile that are live and readable by everyone, newest pin
// first (ids: Mastodon fetches each).
core::Result<std::vector<std::string>> person_featured(storage::Tx& tx,
                                                       const storage::Actor& person);

// What NodeInfo reports. Storage has no activity measure and no post counters yet, so active
// users equal the total and the post counts are 0 (see docs/FEDERATION.md).
core::Result<NodeUsage> node_usage(storage::Tx& tx);

}  // namespace guildhall::federation::discovery
