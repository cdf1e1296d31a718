#pragma once

// The Beast side of the HTTP layer, for the few places that need it (WebSocket upgrade, HTTP
// signatures over the exact received headers). Everything else uses request.hpp / router.hpp.

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "guildhall/server/http/request.hpp"
#include "guildhall/server/http/router.hpp"

namespace guildhall::server::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct NativeRequest {
  BeastRequest message;
};

// Handed to an UpgradeHandler: the connection (its executor is the connection's strand) and any
// bytes read past the request (pass them to websocket::stream's buffer). The session is over once
// the handler is called; the handler's coroutine owns the connection until it returns.
struct UpgradeContext {
  boost::beast::tcp_stream stream;
  boost::beast::flat_buffer buffer;
};

}  // namespace guildhall::server::http
