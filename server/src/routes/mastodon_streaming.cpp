// Mastodon API: the streaming API. WebSocket on /api/v1/streaming (streams chosen with `stream=`
// or subscribe messages), server-sent events on /api/v1/streaming/{user,public,...}; the events
// come from api::StreamingHub.
#include <algorithm>

#include <boost/beast/core/string.hpp>
#include <spdlog/spdlog.h>

#include "guildhall/server/http/stream.hpp"

#include "../api/endpoint.hpp"
#include "../api/scopes.hpp"

namespace guildhall::server::api {

namespace {

using http::Response;
using http::Verb;

// Mastodon's intervals: an SSE comment every 15 s, a WebSocket ping every 30 s.
constexpr auto kEventStreamHeartbeat = std::chrono::seconds(15);
constexpr auto kWebSocketPing = std::chrono::seconds(30);

bool is_websocket(const http::Request& req) {
  const auto upgrade = req.header("Upgrade");
  return upgrade && boost::beast::iequals(*upgrade, "websocket");
}

Response open_stream(Call& call, std::vector<StreamKey> initial) {
  StreamViewer viewer;
  if (call.caller) {
    viewer.token_id = call.caller->token.id;
    viewer.scopes = call.caller->token.scopes;
    if (call.caller->user)
      viewer.account = call.caller->user->actor.id;
    viewer.admin = call.reader().admin;
    const auto& own = storage::kGuildhallNotificationTypes;
    for (auto& type : list_param(call.params, "types"))
      if (std::find(own.begin(), own.end(), type) != own.end())
        viewer.guildhall_types.push_back(std::move(type));
  }
  for (const auto& key : initial) {
    if (auto refusal = stream_refusal(viewer, key))
      return api_error(viewer.account ? 403 : 401, *refusal);
  }
  StreamingHub& hub = call.ctx.streaming;
  if (viewer.token_id != 0 &&
      hub.streams_of_token(viewer.token_id) >= StreamingHub::kMaxStreamsPerToken)
    return api_error(429, "Too many open streams for this access token");

  const bool websocket = is_websocket(call.req);
  http::StreamSetup setup;
  if (websocket) {
    // The `ws` library (masto.js) aborts unless the offered subprotocol comes back.
    if (auto protocol = call.req.header("Sec-WebSocket-Protocol"); protocol && !protocol->empty())
      setup.subprotocol = std::string(protocol->substr(0, protocol->find(',')));
    setup.heartbeat_interval = kWebSocketPing;
  } else {
    setup.prelude = ":)\n";
    setup.heartbeat = ":thump\n";
    setup.heartbeat_interval = kEventStreamHeartbeat;
  }
  setup.on_open = [&hub, viewer, initial](const std::shared_ptr<http::StreamChannel>& channel) {
    hub.attach(channel, viewer, initial);
  };
  setup.on_message = [&hub](http::StreamChannel& channel, std::string_view text) {
    hub.handle_message(channel, text);
  };
  setup.on_close = [&hub](http::StreamChannel& channel) { hub.detach(channel); };
  return Response::stream(std::move(setup));
}

// GET /api/v1/streaming: a WebSocket (streams from `stream=` and subscribe messages), or
// server-sent events for `stream=`.
Response streaming_root(Call& call) {
  std::vector<StreamKey> initial;
  if (auto name = string_param(call.params, "stream")) {
    auto key = parse_stream(*name, string_param(call.params, "tag").value_or(""));
    if (!key)
      return api_error(400, "Unknown stream type");
    initial.push_back(*key);
  } else if (!is_websocket(call.req)) {
    return api_error(400, "Unknown stream type");
  }
  return open_stream(call, std::move(initial));
}

}  // namespace

void register_mastodon_streaming(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  if (auto started = ctx->streaming.start(); !started)
    spdlog::error("streaming: no live events: {}", started.error().message);
  const RouteTable table{router, ctx};
  table.add(Verb::get, "/api/v1/streaming", "api_streaming", public_access(), streaming_root,
            {.websocket = true});
  router.get(
      "/api/v1/streaming/health",
      [](http::Request&) -> boost::asio::awaitable<Response> {
        Response res = Response::text(200, "OK");
        add_cors_headers(res);
        co_return res;
      },
      "api_streaming_health");
  // Server-sent events, one path per stream (Mastodon.py); `tag=` for the hashtag ones.
  for (const char* path : {"user", "user/notification", "public", "public/local", "public/remote",
                           "hashtag", "hashtag/local"}) {
    const std::string name = path;
    std::string route = "api_streaming_" + name;
    std::replace(route.begin(), route.end(), '/', '_');
    table.add(Verb::get, "/api/v1/streaming/" + name, std::move(route), public_access(),
              [name](Call& call) {
                auto key = parse_stream(name, string_param(call.params, "tag").value_or(""));
                if (!key)
                  return api_error(400, "Unknown stream type");
                return open_stream(call, {*key});
              },
              {.websocket = true});
  }
}

}  // namespace guildhall::server::api
