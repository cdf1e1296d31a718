#pragma once

#include <memory>

#include "guildhall/core/id.hpp"
#include "guildhall/storage/community_content.hpp"

#include "driver.hpp"

namespace guildhall::storage::detail {

// Polls and events over one transaction's connection (community_content.cpp).
std::unique_ptr<PollRepo> make_poll_repo(driver::Connection& connection, core::IdGenerator& ids,
                                         const core::Clock& clock);
std::unique_ptr<EventRepo> make_event_repo(driver::Connection& connection, core::IdGenerator& ids,
                                           const core::Clock& clock);

}  // namespace guildhall::storage::detail
