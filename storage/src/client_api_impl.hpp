#pragma once

#include <memory>

#include "guildhall/core/id.hpp"
#include "guildhall/storage/client_api.hpp"
#include "guildhall/storage/database.hpp"

#include "driver.hpp"
#include "repo_context.hpp"

namespace guildhall::storage::detail {

// The client API repositories over one transaction's connection (client_api.cpp). The timeline
// queries load posts through tx's PostRepo.
// Revocations are recorded in the context's change log (streams close).
std::unique_ptr<OAuthRepo> make_oauth_repo(const RepoContext& context);
std::unique_ptr<ClientApiRepo> make_client_api_repo(const RepoContext& context, Tx& tx);

}  // namespace guildhall::storage::detail
