#pragma once

#include <memory>

#include "guildhall/core/id.hpp"
#include "guildhall/storage/community_log.hpp"

#include "driver.hpp"

namespace guildhall::storage::detail {

// The hosted-community repositories over one transaction's connection (community_log.cpp).
std::unique_ptr<CommunityOutboxRepo> make_community_outbox_repo(driver::Connection& connection,
                                                                core::IdGenerator& ids,
                                                                const core::Clock& clock);
std::unique_ptr<ModerationLogRepo> make_moderation_log_repo(driver::Connection& connection,
                                                            core::IdGenerator& ids,
                                                            const core::Clock& clock);

std::unique_ptr<CommunityReportRepo> make_community_report_repo(driver::Connection& connection,
                                                                core::IdGenerator& ids,
                                                                const core::Clock& clock);

}  // namespace guildhall::storage::detail
