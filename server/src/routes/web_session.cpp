// The web app's sign-in (docs/api.md, "Web app sessions"): POST/GET/PATCH/DELETE /web/session.
// A session is an access token of the built-in `Guildhall web` application in an HttpOnly cookie;
// the client API accepts that cookie (api/endpoint.cpp), with the CSRF token on writes.
#include "guildhall/core/random.hpp"

#include "../api/endpoint.hpp"
#include "../api/entities.hpp"
#include "../api/session.hpp"

namespace guildhall::server::api {

namespace {

using core::Error;
using core::Result;
using http::Response;
using http::Verb;
using storage::Tx;

constexpr std::size_t kMaxLoginBytes = 320;
constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMaxLocaleBytes = 35;

// A BCP 47 language tag in its common shape: alphanumeric subtags of 1 to 8 joined by '-', the
// first alphabetic.
bool valid_locale(std::string_view tag) {
  if (tag.empty() || tag.size() > kMaxLocaleBytes)
    return false;
  std::size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    auto end = tag.find('-', start);
    if (end == std::string_view::npos)
      end = tag.size();
    const auto part = tag.substr(start, end - start);
    if (part.empty() || part.size() > 8)
      return false;
    for (char c : part)
      if (!std::isalnum(static_cast<unsigned char>(c)) ||
          (first && !std::isalpha(static_cast<unsigned char>(c))))
        return false;
    first = false;
    start = end + 1;
  }
  return true;
}

bool is_json(const http::Request& req) {
  const auto type = req.header("Content-Type");
  return type &&
         (type->starts_with("application/json") || type->find("+json") != std::string_view::npos);
}

json session_document(Tx& tx, const federation::Urls& urls, const storage::LocalUser& user,
                      std::string_view token) {
  bool manager = false;
  const auto memberships =
      tx.memberships()
          .list_for_actor(user.actor.id, storage::MemberState::accepted, {.limit = 200})
          .value();
  for (const auto& m : memberships)
    manager = manager || m.role != storage::MemberRole::member;
  const auto locale = tx.client_api().web_locale(user.actor.id).value();
  return {{"account", credential_account_json(tx, urls, user)},
          {"csrf_token", csrf_token_for(token)},
          {"roles", {{"admin", user.user.is_admin}, {"manager", manager}}},
          {"locale", locale ? json(*locale) : json(nullptr)}};
}

Response document_response(Call& call, const storage::LocalUser& user, std::string_view token) {
  auto doc = call.app().db.read(
      [&](Tx& tx) -> Result<json> { return session_document(tx, call.app().urls, user, token); });
  if (!doc)
    return from_error(doc.error());
  Response res = Response::json(200, *doc);
  res.set_header("Cache-Control", "no-store");
  return res;
}

Response not_signed_in(Call& call, bool had_cookie) {
  Response res = api_error(401, "Not signed in");
  if (had_cookie)  // a stale cookie: the browser forgets it
    res.set_header("Set-Cookie", cleared_session_cookie(call.app().urls));
  return res;
}

// The signed-in session of the request, or the answer to send instead (401, then 403 for a write
// without the CSRF token).
std::variant<std::pair<storage::LocalUser, std::string>, Response> current_session(Call& call) {
  const auto token = cookie(call.req, kSessionCookie);
  if (!token || token->empty())
    return not_signed_in(call, false);
  auto user = session_user(call.app().db, *token);
  if (!user) {
    if (user.error().kind == core::ErrorKind::unauthorized)
      return not_signed_in(call, true);
    return from_error(user.error());
  }
  if (changes_state(call.req) && !csrf_matches(call.req, *token))
    return api_error(403, "CSRF token missing or invalid");
  return std::make_pair(std::move(*user), *token);
}

Result<void> revoke_session(storage::Database& db, std::string_view token) {
  auto app = web_app(db);
  if (!app)
    return std::move(app).error();
  auto revoked =
      db.transact([&](Tx& tx) { return tx.oauth().revoke_token(sha256_hex(token), app->id); });
  if (!revoked)
    return std::move(revoked).error();
  return {};
}

Response sign_in(Call& call) {
  // Form bodies are refused: a cross-site HTML form cannot post JSON, so it cannot sign anyone in.
  if (!is_json(call.req))
    return api_error(415, "Send the credentials as application/json");
  json body = json::parse(call.req.body(), nullptr, false);
  if (!body.is_object() || !body.contains("username") || !body["username"].is_string() ||
      !body.contains("password") || !body["password"].is_string())
    return api_error(400, "Send {\"username\": \"...\", \"password\": \"...\"}");
  const std::string login = body["username"].get<std::string>();
  const std::string password = body["password"].get<std::string>();
  if (login.empty() || login.size() > kMaxLoginBytes || password.size() > kMaxPasswordBytes)
    return api_error(401, "Invalid username or password");

  std::string login_key = login;
  std::transform(login_key.begin(), login_key.end(), login_key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string address_key = client_address(call.req);
  if (!call.ctx.sign_in_failures.has_budget(address_key) ||
      !call.ctx.sign_in_failures_per_login.has_budget(login_key))
    return api_error(429, "Too many requests");
  auto user = check_password(call.app().db, login, password);
  if (!user) {
    if (user.error().kind == core::ErrorKind::unauthorized) {
      call.ctx.sign_in_failures.charge(address_key);
      call.ctx.sign_in_failures_per_login.charge(login_key);
      return api_error(401, "Invalid username or password");
    }
    if (user.error().kind == core::ErrorKind::forbidden)
      return api_error(403, "This account is disabled");
    return from_error(user.error());
  }

  auto app = web_app(call.app().db);
  if (!app)
    return from_error(app.error());
  // No fixation: whatever session the browser had ends here; the new one is a fresh token.
  if (auto previous = cookie(call.req, kSessionCookie); previous && !previous->empty())
    if (auto revoked = revoke_session(call.app().db, *previous); !revoked)
      return from_error(revoked.error());
  const std::string token = core::random_token(32);
  // An admin's session may use the admin API (the web app's admin pages); the role is checked
  // again on every admin request.
  std::vector<std::string> scopes = app->scopes;
  if (user->user.is_admin)
    scopes.insert(scopes.end(), {"admin:read", "admin:write"});
  auto stored = call.app().db.transact([&](Tx& tx) {
    return tx.oauth().create_token({.token_hash = sha256_hex(token),
                                    .app_id = app->id,
                                    .user_id = user->actor.id,
                                    .scopes = scopes,
                                    .code_id = std::nullopt});
  });
  if (!stored)
    return from_error(stored.error());
  Response res = document_response(call, *user, token);
  res.set_header("Set-Cookie", session_cookie(call.app().urls, token));
  return res;
}

Response get_session(Call& call) {
  auto session = current_session(call);
  if (auto* refusal = std::get_if<Response>(&session))
    return std::move(*refusal);
  auto& [user, token] = std::get<0>(session);
  return document_response(call, user, token);
}

Response update_session(Call& call) {
  auto session = current_session(call);
  if (auto* refusal = std::get_if<Response>(&session))
    return std::move(*refusal);
  auto& [user, token] = std::get<0>(session);
  if (!is_json(call.req))
    return api_error(415, "Send the change as application/json");
  json body = json::parse(call.req.body(), nullptr, false);
  if (!body.is_object() || !body.contains("locale"))
    return api_error(400, "Send {\"locale\": \"de\"} or {\"locale\": null}");
  const json& locale = body["locale"];
  std::optional<std::string> value;
  if (!locale.is_null()) {
    if (!locale.is_string() || !valid_locale(locale.get<std::string>()))
      return api_error(422, "locale must be a BCP 47 language tag of at most 35 characters");
    value = locale.get<std::string>();
  }
  auto saved = call.app().db.transact(
      [&](Tx& tx) { return tx.client_api().set_web_locale(user.actor.id, value); });
  if (!saved)
    return from_error(saved.error());
  return document_response(call, user, token);
}

Response sign_out(Call& call) {
  auto session = current_session(call);
  if (auto* refusal = std::get_if<Response>(&session))
    return std::move(*refusal);
  if (auto revoked = revoke_session(call.app().db, std::get<0>(session).second); !revoked)
    return from_error(revoked.error());
  Response res = Response::no_content();
  res.set_header("Set-Cookie", cleared_session_cookie(call.app().urls));
  return res;
}

}  // namespace

void register_web_session(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  add_web_route(router, ctx, Verb::post, "/web/session", "web_session_create", sign_in);
  add_web_route(router, ctx, Verb::get, "/web/session", "web_session_get", get_session);
  add_web_route(router, ctx, Verb::patch, "/web/session", "web_session_update", update_session);
  add_web_route(router, ctx, Verb::delete_, "/web/session", "web_session_delete", sign_out);
}

}  // namespace guildhall::server::api
