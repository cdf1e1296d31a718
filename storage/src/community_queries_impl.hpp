#pragma once

#include <memory>

#include "guildhall/core/id.hpp"
#include "guildhall/storage/community_queries.hpp"
#include "guildhall/storage/database.hpp"

#include "driver.hpp"

namespace guildhall::storage::detail {

// The community API's reads over one transaction's connection (community_queries.cpp); rows are
// loaded through tx's repositories.
std::unique_ptr<CommunityQueryRepo> make_community_query_repo(driver::Connection& connection,
                                                              core::IdGenerator& ids,
                                                              const core::Clock& clock, Tx& tx);

}  // namespace guildhall::storage::detail
