#include "endpoint.hpp"

#include <boost/beast/core/string.hpp>
#include <spdlog/spdlog.h>

#include "scopes.hpp"
#include "session.hpp"

namespace guildhall::server::api {

namespace {

namespace asio = boost::asio;
using http::Request;
using http::Response;

// last_used_at is bookkeeping: write it at most this often per token, not on every request.
constexpr auto kTouchInterval = std::chrono::minutes(1);

std::optional<std::string> bearer_token(const Request& req) {
  if (auto header = req.header("Authorization")) {
    std::string_view h = *header;
    if (h.size() > 7 && (h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer "))
      return std::string(h.substr(7));
    return std::nullopt;  // another scheme (Basic on /oauth/token): no bearer token
  }
  if (auto q = req.query().get("access_token"))
    return std::string(*q);
  // WebSocket clients in browsers cannot set headers: masto.js sends the token as the
  // subprotocol (the streaming API echoes it back).
  if (auto upgrade = req.header("Upgrade"); upgrade && boost::beast::iequals(*upgrade, "websocket"))
    if (auto protocol = req.header("Sec-WebSocket-Protocol"); protocol && !protocol->empty())
      return std::string(protocol->substr(0, protocol->find(',')));
  return std::nullopt;
}

// The token a request presents: a bearer token (header or query), else, on routes that accept it,
// the web app's session cookie, but only when there is no Authorization header at all.
struct Credential {
  std::string token;
  bool from_cookie = false;
};

std::optional<Credential> credential(const Request& req, bool session_cookie_allowed) {
  if (auto bearer = bearer_token(req))
    return Credential{std::move(*bearer), false};
  if (!session_cookie_allowed || req.header("Authorization"))
    return std::nullopt;
  if (auto session = cookie(req, kSessionCookie); session && !session->empty())
    return Credential{std::move(*session), true};
  return std::nullopt;
}

Response unauthorized(std::string_view message, std::string_view code) {
  Response res = api_error(401, message);
  res.set_header("WWW-Authenticate", "Bearer realm=\"Guildhall\", error=\"" + std::string(code) +
                                         "\", error_description=\"" + std::string(message) + "\"");
  return res;
}

// Token -> caller, or the refusal to send.
std::variant<std::optional<Caller>, Response> authenticate(ApiContext& ctx, const Request& req,
                                                           const Requirement& need,
                                                           bool session_cookie_allowed) {
  const auto presented = credential(req, session_cookie_allowed);
  if (!presented) {
    if (need.access == Requirement::Access::none)
      return std::optional<Caller>{};
    return unauthorized("The access token is missing", "invalid_token");
  }
  const std::string hash = sha256_hex(presented->token);
  auto found = ctx.app.db.read([&](storage::Tx& tx) -> core::Result<Caller> {
    auto row = tx.oauth().get_token_by_hash(hash);
    if (!row)
      return std::move(row).error();
    Caller caller{*row, std::nullopt};
    if (row->user_id) {
      auto user = tx.users().get(*row->user_id);
      if (!user)
        return std::move(user).error();
      caller.user = std::move(*user);
    }
    return caller;
  });
  if (!found) {
    if (found.error().kind != core::ErrorKind::not_found)
      return from_error(found.error());
    return unauthorized("The access token is invalid", "invalid_token");
  }
  if (found->token.revoked_at)
    return unauthorized("The access token was revoked", "invalid_token");
  if (found->user && (found->user->user.disabled_at || found->user->actor.suspended_at ||
                      found->user->actor.deleted_at))
    return unauthorized("Your login is currently disabled", "invalid_token");
  // A page on another site can make the browser send the cookie, never this header.
  if (presented->from_cookie && changes_state(req) && !csrf_matches(req, presented->token))
    return api_error(403, "CSRF token missing or invalid");
  if (need.access == Requirement::Access::user && !found->user)
    return api_error(422, "This method requires an authenticated user");
  if (!need.any_of_scopes.empty() &&
      std::none_of(need.any_of_scopes.begin(), need.any_of_scopes.end(),
                   [&](const std::string& s) { return grants(found->token.scopes, s); })) {
    Response res = api_error(403, "This action is outside the authorized scopes");
    res.set_header("WWW-Authenticate",
                   "Bearer realm=\"Guildhall\", error=\"insufficient_scope\", scope=\"" +
                       join_scopes(need.any_of_scopes) + "\"");
    return res;
  }
  if (need.instance_admin && !found->user->user.is_admin)
    return api_error(403, "This action is not allowed");
  const auto now = std::chrono::system_clock::now();
  if (!found->token.last_used_at || now - *found->token.last_used_at > kTouchInterval) {
    const storage::Id id = found->token.id;
    auto touched =
        ctx.app.db.transact([&](storage::Tx& tx) { return tx.oauth().touch_token(id, now); });
    if (!touched)
      spdlog::debug("api: token last_used_at not recorded: {}", touched.error().message);
  }
  return std::optional<Caller>(std::move(*found));
}

// The client a rate limit applies to: the token when there is one, else the address.
std::string rate_key(const Request& req, bool session_cookie_allowed) {
  if (auto presented = credential(req, session_cookie_allowed);
      presented && !presented->token.empty())
    return "t:" + sha256_hex(presented->token);
  return "a:" + client_address(req);
}

struct Route {
  Requirement requirement;
  Endpoint endpoint;
  bool session_cookie = false;  // the client API (/api/...) also accepts the web app's cookie
  // The web app's own endpoints (/web/...): no CORS, no token authentication, and the endpoint
  // reads its body itself.
  bool web = false;
};

Response serve(ApiContext& ctx, const Route& route, const Request& req) {
  Response limits;
  if (!ctx.limiter.admit(rate_key(req, route.session_cookie), limits)) {
    Response res = api_error(429, "Too many requests");
    res.headers.insert(res.headers.end(), limits.headers.begin(), limits.headers.end());
    if (!route.web)
      add_cors_headers(res);
    return res;
  }
  Response res;
  try {
    auto params = route.web ? core::Result<json>(json::object()) : request_params(req);
    if (!params) {
      res = api_error(422, params.error().message);
    } else {
      using Authenticated = std::variant<std::optional<Caller>, Response>;
      Authenticated auth = route.web
                               ? Authenticated(std::optional<Caller>{})
                               : authenticate(ctx, req, route.requirement, route.session_cookie);
      if (auto* refusal = std::get_if<Response>(&auth)) {
        res = std::move(*refusal);
      } else {
        Call call{ctx, req, std::move(*params), std::move(std::get<0>(auth))};
        res = route.endpoint(call);
      }
    }
  } catch (const core::ErrorException& e) {
    res = from_error(e.error());
  } catch (const std::exception& e) {
    spdlog::error("api {}: {}", req.route_name(), e.what());
    res = api_error(500, "Internal server error");
  }
  for (auto& [name, value] : limits.headers)
    res.set_header(name, value);
  if (!route.web)
    add_cors_headers(res);
  return res;
}

asio::awaitable<Response> run_route(std::shared_ptr<ApiContext> ctx,
                                    std::shared_ptr<const Route> route, Request& req) {
  ApiContext& c = *ctx;
  const Route& r = *route;
  Response res = co_await c.app.pool.run([&c, &r, &req] { return serve(c, r, req); });
  co_return res;
}

}  // namespace

ApiContext::ApiContext(AppContext& a)
    : app(a),
      people(a.db, a.urls, [&a] { a.federation.worker().notify(); }),
      communities(a.db, a.urls, &a.federation.groups(), &a.federation.actors(),
                  [&a] { a.federation.worker().notify(); }),
      streaming(a.db, a.urls),
      media(a.config) {}

std::optional<storage::LocalUser> request_user(ApiContext& ctx, const Request& req) {
  auto auth = authenticate(ctx, req, public_access(), true);
  if (auto* caller = std::get_if<std::optional<Caller>>(&auth); caller && *caller)
    return (*caller)->user;
  return std::nullopt;
}

void add_preflight(http::Router& router, const std::shared_ptr<ApiContext>& ctx,
                   const std::string& pattern) {
  if (!ctx->preflight_patterns.insert(pattern).second)
    return;
  router.add(
      http::Verb::options, pattern,
      [](Request&) -> asio::awaitable<Response> { co_return cors_preflight(); }, "api_preflight");
}

void add_route(http::Router& router, const std::shared_ptr<ApiContext>& ctx, http::Verb verb,
               const std::string& pattern, std::string name, Requirement requirement,
               Endpoint endpoint, http::RouteOptions options) {
  auto route = std::make_shared<const Route>(
      Route{std::move(requirement), std::move(endpoint), pattern.starts_with("/api/"), false});
  router.add(
      verb, pattern,
      [ctx, route](Request& req) -> asio::awaitable<Response> {
        return run_route(ctx, route, req);
      },
      std::move(name), options);
  add_preflight(router, ctx, pattern);
}

void add_web_route(http::Router& router, const std::shared_ptr<ApiContext>& ctx, http::Verb verb,
                   const std::string& pattern, std::string name, Endpoint endpoint) {
  auto route =
      std::make_shared<const Route>(Route{public_access(), std::move(endpoint), false, true});
  router.add(
      verb, pattern,
      [ctx, route](Request& req) -> asio::awaitable<Response> {
        return run_route(ctx, route, req);
      },
      std::move(name));
}

}  // namespace guildhall::server::api
