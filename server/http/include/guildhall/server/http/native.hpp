#pragma once

// The Beast side of the HTTP layer, for the few places that need it (HTTP signatures over the
// exact received headers). Everything else uses request.hpp / router.hpp.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "guildhall/server/http/request.hpp"
#include "guildhall/server/http/router.hpp"

namespace guildhall::server::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct NativeRequest {
  BeastRequest message;
};

}  // namespace guildhall::server::http
