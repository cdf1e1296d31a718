#pragma once

#include <memory>

#include "guildhall/core/id.hpp"
#include "guildhall/storage/community_log.hpp"

#include "driver.hpp"
#include "repo_context.hpp"

namespace guildhall::storage::detail {

// The hosted-community repositories over one transaction's connection (community_log.cpp).
std::unique_ptr<CommunityOutboxRepo> make_community_outbox_repo(driver::Connection& connection,
                                                                core::IdGenerator& ids,
                                                                const core::Clock& clock);
// Moderation entries and reports are recorded for the change feed (they notify people).
std::unique_ptr<ModerationLogRepo> make_moderation_log_repo(const RepoContext& context);
std::unique_ptr<CommunityReportRepo> make_community_report_repo(const RepoContext& context);

}  // namespace guildhall::storage::detail
