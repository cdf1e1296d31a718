#pragma once

#include <memory>

#include "guildhall/core/id.hpp"
#include "guildhall/storage/database.hpp"

#include "driver.hpp"
#include "repo_context.hpp"

namespace guildhall::storage::detail {

// The one repository implementation, over whichever driver the connection belongs to. Changes
// for the feed are recorded into `changes` (nullptr: not recorded).
std::unique_ptr<Tx> make_tx(driver::Connection& connection, core::IdGenerator& ids,
                            const core::Clock& clock, ChangeLog* changes);

}  // namespace guildhall::storage::detail
