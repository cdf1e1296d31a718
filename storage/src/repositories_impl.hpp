#pragma once

#include <memory>

#include "guildhall/core/id.hpp"
#include "guildhall/storage/database.hpp"

#include "driver.hpp"

namespace guildhall::storage::detail {

// The one repository implementation, over whichever driver the connection belongs to.
std::unique_ptr<Tx> make_tx(driver::Connection& connection, core::IdGenerator& ids,
                            const core::Clock& clock);

}  // namespace guildhall::storage::detail
