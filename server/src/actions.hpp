#pragma once

// `guildhall admin act USER ...`: a local person acts on the fediverse from the command line (the
// client API comes in its own issue). Activities are queued in the database; the running server's
// delivery worker sends them on its next poll.

#include <iosfwd>
#include <string>
#include <vector>

#include "guildhall/server/config.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::server {

// verb: follow | unfollow | post | edit | delete | like | unlike, and the community verbs (hosted
// here, or elsewhere: join, leave, thread, comment, edit, delete, react, unreact, report); args as
// documented in `--help`.
int run_action(const Config& config, storage::Database& db, const std::string& user,
               const std::string& verb, const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);

}  // namespace guildhall::server
