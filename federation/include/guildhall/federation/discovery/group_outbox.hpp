#pragma once

// A local group's outbox (`/c/{handle}/outbox`): the group's Announces of new threads and comments
// (Announce(Create(...))), newest first, as full activities. The front document lists the latest
// page inline (`orderedItems`, what Lemmy reads to backfill on join) and links `first`; `?page=N`
// answers OrderedCollectionPages of kCollectionPageSize. A private community's outbox is served
// only to its members' instances: the route decides (routes/signed_fetch.hpp,
// check_community_fetch); a local-only community's is empty. BLOCKS (storage): run inside
// Database::read.

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::discovery {

core::Result<nlohmann::json> group_outbox(storage::Tx& tx, const storage::CommunityView& group,
                                          std::optional<std::int64_t> page);

}  // namespace guildhall::federation::discovery
