#pragma once

// The session's side of streamed responses (stream.hpp): serving an open WebSocket or event
// stream until it ends. Internal to guildhall_http; server.cpp calls these.

#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "guildhall/server/http/native.hpp"
#include "guildhall/server/http/response.hpp"
#include "guildhall/server/http/stream.hpp"

namespace guildhall::server::http::detail {

// Writes `res`'s status and headers (chunked for HTTP/1.1), then its stream until the client goes
// or the channel closes. `stream` is the session's connection; it is closed on return.
boost::asio::awaitable<void> serve_event_stream(boost::beast::tcp_stream& stream, Response res,
                                                unsigned version, std::string_view server_header,
                                                std::string_view request_id);

// Completes the WebSocket handshake for `request` (echoing setup.subprotocol) on the session's
// connection (moved in; clients send no frames before the 101), then serves the stream. `slot`
// is set to the connection while it lives, so that shutdown can close it.
boost::asio::awaitable<void> serve_websocket(boost::beast::tcp_stream stream,
                                             const BeastRequest& request, StreamSetup& setup,
                                             std::string server_header,
                                             boost::beast::tcp_stream*& slot);

}  // namespace guildhall::server::http::detail
