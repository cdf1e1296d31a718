#pragma once

// The one way a client API route runs: on the blocking pool, it counts the request against the
// client's rate limit, parses the parameters, authenticates the bearer token (on /api/ routes,
// without an Authorization header, the web app's session cookie, with X-CSRF-Token on writes) and
// checks the route's scope, then calls the endpoint; the response gets CORS and rate-limit headers.
//
//   api::add_route(router, ctx, http::Verb::get, "/api/v1/timelines/home", "timelines_home",
//                  api::user_scope("read:statuses"), [](api::Call& call) { ... });

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "guildhall/federation/community_service.hpp"
#include "guildhall/federation/outbox/people.hpp"
#include "guildhall/server/http/router.hpp"
#include "guildhall/storage/client_api.hpp"

#include "../app_context.hpp"
#include "../media_store.hpp"
#include "streaming.hpp"
#include "support.hpp"

namespace guildhall::server::api {

// Shared by every client API route; lives as long as the router.
struct ApiContext {
  explicit ApiContext(AppContext& a);
  AppContext& app;
  federation::outbox::People people;
  federation::CommunityService communities;  // the community API (routes/community_*.cpp)
  RateLimiter limiter;
  // Failed sign-ins (/web/session), per address and per login.
  RateLimiter sign_in_failures{30, std::chrono::minutes(5)};
  RateLimiter sign_in_failures_per_login{10, std::chrono::minutes(5)};
  std::set<std::string> preflight_patterns;  // OPTIONS already routed
  StreamingHub streaming;                    // the streaming API's open streams
  MediaStore media;                          // uploads (routes/mastodon_media.cpp)
};

// Who is calling: the token, and its user unless it is an app-only (client_credentials) token.
struct Caller {
  storage::OAuthToken token{};
  std::optional<storage::LocalUser> user{};
};

struct Requirement {
  enum class Access {
    none,  // no token needed; an invalid one is still refused
    app,   // any valid token (app-only ones too)
    user,  // a token with a user
  };
  Access access = Access::none;
  std::vector<std::string> any_of_scopes{};  // empty: no scope needed
  bool instance_admin = false;               // the user must be an admin of this instance
};

inline Requirement public_access() {
  return {};
}
inline Requirement user_scope(std::string scope) {
  return {Requirement::Access::user, {std::move(scope)}};
}
// The admin API (routes/mastodon_admin.cpp): the scope and a user with the admin role.
inline Requirement admin_scope(std::string scope) {
  return {Requirement::Access::user, {std::move(scope)}, true};
}
inline Requirement app_access() {
  return {Requirement::Access::app, {}};
}

struct Call {
  ApiContext& ctx;
  const http::Request& req;
  json params;
  std::optional<Caller> caller;

  AppContext& app() const { return ctx.app; }
  // The signed-in user's actor id (only for user routes, where it is always set).
  storage::Id me() const { return caller->user->actor.id; }
  std::optional<storage::Id> viewer() const {
    if (caller && caller->user)
      return caller->user->actor.id;
    return std::nullopt;
  }
  // Who reads: decides which community posts the caller may see (storage::Reader).
  storage::Reader reader() const {
    return {.actor_id = viewer(), .admin = caller && caller->user && caller->user->user.is_admin};
  }
};

// Blocking: runs on the pool.
using Endpoint = std::function<http::Response(Call&)>;

// Blocking. The local user a request signs in as (bearer token, else the web app's session
// cookie), or nullopt without a valid one: for routes outside the client API that show members
// more than others (media files of private communities).
std::optional<storage::LocalUser> request_user(ApiContext& ctx, const http::Request& req);

void add_route(http::Router& router, const std::shared_ptr<ApiContext>& ctx, http::Verb verb,
               const std::string& pattern, std::string name, Requirement requirement,
               Endpoint endpoint, http::RouteOptions options = {});

// Registers routes of one group on one router with one context.
struct RouteTable {
  http::Router& router;
  std::shared_ptr<ApiContext> ctx;
  void add(http::Verb verb, const std::string& pattern, std::string name, Requirement need,
           Endpoint endpoint, http::RouteOptions options = {}) const {
    add_route(router, ctx, verb, pattern, std::move(name), std::move(need), std::move(endpoint),
              options);
  }
};

// The web app's own endpoints (/web/...): the same pool, rate limit and errors, but no CORS (only
// the app's origin calls them) and no token authentication: the endpoint reads the session cookie.
void add_web_route(http::Router& router, const std::shared_ptr<ApiContext>& ctx, http::Verb verb,
                   const std::string& pattern, std::string name, Endpoint endpoint);

// Answers CORS preflight requests on `pattern` (idempotent per pattern).
void add_preflight(http::Router& router, const std::shared_ptr<ApiContext>& ctx,
                   const std::string& pattern);

// The OAuth routes (routes/oauth.cpp) and the Mastodon API routes (routes/mastodon_*.cpp).
void register_oauth(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
void register_mastodon(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
void register_mastodon_accounts(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
void register_mastodon_statuses(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
// Direct conversations (routes/mastodon_conversations.cpp).
void register_mastodon_conversations(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
void register_web_session(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
// The community API under /api/guildhall/v1 (routes/community_*.cpp).
void register_community(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
void register_mastodon_streaming(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
// The admin API: Mastodon's /api/v1/admin/* and Guildhall's /api/guildhall/v1/admin/*.
void register_admin_api(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
// Uploads and the media files (routes/mastodon_media.cpp).
void register_mastodon_media(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
// Polls (routes/mastodon_polls.cpp), and the poll[...] of a new status: nullopt without one,
// invalid_input outside the limits /api/v1/instance advertises.
void register_mastodon_polls(http::Router& router, const std::shared_ptr<ApiContext>& ctx);
constexpr std::size_t kMaxPollOptionCharacters = 50;
constexpr std::int64_t kMinPollExpirySeconds = 300;      // 5 minutes
constexpr std::int64_t kMaxPollExpirySeconds = 2629746;  // a month
core::Result<std::optional<federation::outbox::PollInput>> poll_param(const json& params,
                                                                      core::TimePoint now);

}  // namespace guildhall::server::api
