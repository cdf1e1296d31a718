#pragma once

// What route handlers share: built once by serve_forever, outlives the HTTP server.
// Each group of routes lives in routes/<group>.cpp and registers itself through register_routes().

#include "guildhall/federation/inbox/inbox.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/server/config.hpp"
#include "guildhall/server/http/blocking_pool.hpp"
#include "guildhall/server/http/metrics.hpp"
#include "guildhall/server/http/router.hpp"
#include "guildhall/storage/database.hpp"

#include "federation_runtime.hpp"

namespace guildhall::server {

struct AppContext {
  const Config& config;
  storage::Database& db;
  http::BlockingPool& pool;  // every database call runs here, never on an I/O thread
  http::Metrics& metrics;
  federation::Urls urls;          // our ActivityPub id layout, from config.public_origin()
  federation::PeerPolicy& peers;  // which instances we federate with (reloaded periodically)
  FederationRuntime& federation;  // fetching, keys, delivery
};

namespace routes {
// One function per group; app.cpp calls them all.
void register_operations(http::Router& router, AppContext& app);  // /health, /metrics
void register_activitypub(http::Router& router, AppContext& app);
void register_activities(http::Router& router, AppContext& app);  // GET /activities/{id}
// POST /inbox, /actor/inbox, /users/{h}/inbox, /c/{h}/inbox.
void register_inbox(http::Router& router, AppContext& app, federation::inbox::Inbox& box);
// The web app (web.root) at /, and the fallback for its client-side routes.
void register_web(http::Router& router, AppContext& app);
// The Mastodon-compatible client API and OAuth 2 (routes/oauth.cpp, routes/mastodon_*.cpp).
void register_client_api(http::Router& router, AppContext& app);
}  // namespace routes

}  // namespace guildhall::server
