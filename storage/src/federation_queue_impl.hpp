#pragma once

#include <memory>

#include "guildhall/core/id.hpp"
#include "guildhall/storage/federation_queue.hpp"

#include "driver.hpp"

namespace guildhall::storage::detail {

// The federation queue repositories over one transaction's connection (federation_queue.cpp).
std::unique_ptr<InboxLogRepo> make_inbox_log_repo(driver::Connection& connection,
                                                  core::IdGenerator& ids, const core::Clock& clock);
std::unique_ptr<DeliveryQueueRepo> make_delivery_queue_repo(driver::Connection& connection,
                                                            core::IdGenerator& ids,
                                                            const core::Clock& clock);

}  // namespace guildhall::storage::detail
