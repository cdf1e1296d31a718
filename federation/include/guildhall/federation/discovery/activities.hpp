#pragma once

// GET {origin}/activities/{id}: the activities we sent, dereferenceable while the delivery queue
// keeps them (7 days), so that a server receiving one inside a group's Announce can fetch it from
// its origin (catalogue rule 3, ORI-13) instead of trusting the group's copy. BLOCKING (storage):
// inside Database::read on the blocking pool.
//
// Only what anyone may see: an activity addressed to Public, or one without addressing (Lemmy's
// votes) whose `audience` is a public community we know. Anything else (private communities,
// direct messages, follows), an unknown id, or a Create/Update whose post was since deleted or
// removed is not_found, the same answer as for an id that never existed.

#include <nlohmann/json.hpp>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::discovery {

core::Result<nlohmann::json> public_activity(storage::Tx& tx, storage::Id id);

}  // namespace guildhall::federation::discovery
