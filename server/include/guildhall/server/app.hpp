#pragma once

#include <iosfwd>

#include "guildhall/server/config.hpp"

namespace guildhall::server {

// `guildhall serve`: opens and migrates the database, builds the routes and serves until SIGINT or
// SIGTERM, then drains in-flight requests. Returns the process exit code.
int serve_forever(const Config& config, std::ostream& out, std::ostream& err);

}  // namespace guildhall::server
