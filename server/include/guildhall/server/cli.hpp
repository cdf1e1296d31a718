#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "guildhall/server/config.hpp"

namespace guildhall::server {

// The `guildhall` command: serve, config check, admin ... Returns the process exit code:
// 0 success, 1 a failure the user can fix (bad input, duplicate, bad config), 2 usage errors.
int run_cli(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
            std::ostream& err);

}  // namespace guildhall::server
