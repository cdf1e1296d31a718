// OAuth 2 for Mastodon clients (docs/api.md): app registration, the sign-in and consent page,
// the token endpoint (authorization code with PKCE S256, client credentials, and the password
// grant when oauth.password_grant is on), revocation and RFC 8414 metadata. Secrets, codes and
// tokens are 256-bit random values stored only as SHA-256 hashes.
#include <chrono>

#include <spdlog/spdlog.h>

#include "guildhall/content/html.hpp"
#include "guildhall/core/random.hpp"
#include "guildhall/server/password.hpp"

#include "../api/endpoint.hpp"
#include "../api/entities.hpp"
#include "../api/scopes.hpp"
#include "../api/session.hpp"

namespace guildhall::server::api {

namespace {

using core::Error;
using core::Result;
using http::Request;
using http::Response;
using http::Verb;

constexpr std::string_view kOutOfBand = "urn:ietf:wg:oauth:2.0:oob";
constexpr auto kCodeLifetime = std::chrono::minutes(10);
constexpr std::string_view kCsrfCookie = "guildhall_csrf";
constexpr std::size_t kMaxRedirectUris = 10;
constexpr std::size_t kMaxFieldBytes = 2000;

// ---------------------------------------------------------------------------------------------
// apps

bool valid_redirect_uri(std::string_view uri) {
  if (uri == kOutOfBand)
    return true;
  // Absolute, with a scheme (custom ones like oauth2redirect:// too), no fragment.
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0 || uri.size() > kMaxFieldBytes ||
      uri.find('#') != std::string_view::npos)
    return false;
  std::string scheme;
  for (char c : uri.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
    scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // Schemes that run or embed content instead of reaching an app.
  if (scheme == "javascript" || scheme == "data" || scheme == "vbscript" || scheme == "file")
    return false;
  return std::none_of(uri.begin(), uri.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20; });
}

Response create_app(Call& call) {
  const auto name = string_param(call.params, "client_name");
  if (!name || name->empty() || name->size() > 200)
    return api_error(422, "client_name must be 1 to 200 characters");
  // A JSON array, `redirect_uris[]`, or one string with URIs separated by newlines or spaces.
  std::vector<std::string> uris;
  for (const auto& item : list_param(call.params, "redirect_uris")) {
    std::size_t start = 0;
    while (start < item.size()) {
      auto end = item.find_first_of("\n\r ", start);
      if (end == std::string::npos)
        end = item.size();
      if (end > start)
        uris.push_back(item.substr(start, end - start));
      start = end + 1;
    }
  }
  if (uris.empty())
    return api_error(422, "redirect_uris is required");
  if (uris.size() > kMaxRedirectUris)
    return api_error(422, "at most 10 redirect_uris");
  for (const auto& uri : uris)
    if (!valid_redirect_uri(uri))
      return api_error(422, "invalid redirect URI: " + uri.substr(0, 200));
  auto scopes = parse_scopes(string_param(call.params, "scopes").value_or("read"));
  if (scopes.empty())
    scopes = {"read"};
  for (const auto& s : scopes)
    if (!is_known_scope(s))
      return api_error(422, "unknown scope: " + s.substr(0, 100));
  std::optional<std::string> website = string_param(call.params, "website");
  if (website && (website->empty() || website->size() > kMaxFieldBytes))
    website.reset();

  const std::string client_id = core::random_token(32);
  const std::string client_secret = core::random_token(32);
  auto app = call.app().db.transact([&](storage::Tx& tx) {
    return tx.oauth().create_app({.client_id = client_id,
                                  .client_secret_hash = sha256_hex(client_secret),
                                  .name = *name,
                                  .website = website,
                                  .redirect_uris = uris,
                                  .scopes = scopes});
  });
  if (!app)
    return from_error(app.error());
  json body = application_json(*app);
  body["client_id"] = client_id;
  body["client_secret"] = client_secret;
  body["client_secret_expires_at"] = 0;
  return Response::json(200, body);
}

Response verify_app(Call& call) {
  auto app = call.app().db.read(
      [&](storage::Tx& tx) { return tx.oauth().get_app(call.caller->token.app_id); });
  if (!app)
    return from_error(app.error());
  json body = application_json(*app);
  body.erase("id");
  return Response::json(200, body);
}

// ---------------------------------------------------------------------------------------------
// the authorization request, as validated for both the page and the form post

struct AuthorizeRequest {
  storage::OAuthApp app{};
  std::string redirect_uri{};
  std::vector<std::string> scopes{};
  std::optional<std::string> state{};
  std::optional<std::string> code_challenge{};
};

// Errors here are shown on our page: before the redirect URI is verified we must never redirect.
Result<AuthorizeRequest> check_authorize(storage::Database& db, const json& params) {
  const auto client_id = string_param(params, "client_id");
  if (!client_id || client_id->empty())
    return Error::invalid_input("client_id is missing");
  auto app = db.read([&](storage::Tx& tx) { return tx.oauth().get_app_by_client_id(*client_id); });
  if (!app)
    return Error::invalid_input("unknown client_id");
  AuthorizeRequest out;
  out.app = std::move(*app);
  out.redirect_uri = string_param(params, "redirect_uri").value_or("");
  if (std::find(out.app.redirect_uris.begin(), out.app.redirect_uris.end(), out.redirect_uri) ==
      out.app.redirect_uris.end())
    return Error::invalid_input("redirect_uri does not match one registered for this application");
  if (string_param(params, "response_type").value_or("code") != "code")
    return Error::invalid_input("response_type must be code");
  out.scopes = parse_scopes(string_param(params, "scope").value_or("read"));
  if (out.scopes.empty())
    out.scopes = {"read"};
  for (const auto& s : out.scopes)
    if (!is_known_scope(s))
      return Error::invalid_input("unknown scope: " + s.substr(0, 100));
  if (!subset_of(out.scopes, out.app.scopes))
    return Error::invalid_input("the requested scopes exceed the application's scopes");
  // Mastodon.py sends the literal string "None" for an unset state.
  if (auto state = string_param(params, "state"); state && !state->empty() && *state != "None")
    out.state = state->substr(0, kMaxFieldBytes);
  if (auto challenge = string_param(params, "code_challenge"); challenge && !challenge->empty()) {
    if (string_param(params, "code_challenge_method").value_or("plain") != "S256")
      return Error::invalid_input("code_challenge_method must be S256");
    if (challenge->size() != 43)
      return Error::invalid_input("code_challenge must be a base64url SHA-256 (43 characters)");
    out.code_challenge = *challenge;
  }
  return out;
}

std::string page(std::string_view title, const std::string& body) {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width, initial-scale=1\"><title>" +
         content::escape_html(title) +
         "</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem "
         "auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.4rem "
         "0}input{padding:.4rem}button{padding:.5rem}code{font-size:1.3rem;word-break:break-all}"
         ".error{color:#b00020}</style></head><body>" +
         body + "</body></html>";
}

Response html(int status, std::string_view title, const std::string& body) {
  Response res = Response::text(status, page(title, body), "text/html; charset=utf-8");
  // The consent page must not be framed (clickjacking) nor cached.
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Content-Security-Policy",
                 // No form-action: browsers apply it to the redirect to the app after the post.
                 "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res.set_header("Cache-Control", "no-store");
  res.set_header("Referrer-Policy", "no-referrer");
  return res;
}

Response error_page(int status, std::string_view message) {
  return html(
      status, "Authorization failed",
      "<h1>Authorization failed</h1><p class=\"error\">" + content::escape_html(message) + "</p>");
}

Response consent_form(const AuthorizeRequest& a, const std::string& csrf,
                      const storage::LocalUser& user) {
  std::string scopes;
  for (const auto& s : a.scopes)
    scopes += "<li><code>" + content::escape_html(s) + "</code></li>";
  const auto hidden = [](std::string_view name, std::string_view value) {
    return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" +
           content::escape_html(value) + "\">";
  };
  std::string body = "<h1>Authorize " + content::escape_html(a.app.name) +
                     "</h1><p>Signed in as <strong>@" + content::escape_html(user.actor.handle) +
                     "</strong>.</p>";
  body += "<p><strong>" + content::escape_html(a.app.name) + "</strong> asks for:</p><ul>" +
          scopes + "</ul><form method=\"post\" action=\"/oauth/authorize\">" +
          hidden("csrf_token", csrf) + hidden("client_id", a.app.client_id) +
          hidden("redirect_uri", a.redirect_uri) + hidden("response_type", "code") +
          hidden("scope", join_scopes(a.scopes)) + hidden("state", a.state.value_or("")) +
          hidden("code_challenge", a.code_challenge.value_or("")) +
          hidden("code_challenge_method", a.code_challenge ? "S256" : "") +
          "<button type=\"submit\" name=\"decision\" value=\"approve\">Authorize</button>"
          "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>"
          "</form>";
  Response res = html(200, "Authorize " + a.app.name, body);
  res.set_header("Set-Cookie", std::string(kCsrfCookie) + "=" + csrf +
                                   "; Path=/oauth; HttpOnly; SameSite=Strict");
  return res;
}

std::string with_query(const std::string& uri, const std::string& query) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + query;
}

Response redirect(const std::string& location) {
  Response res;
  res.status = 302;
  res.set_header("Location", location);
  res.set_header("Cache-Control", "no-store");
  return res;
}

// The person signed in to the web app (the session cookie), if any.
std::optional<storage::LocalUser> signed_in(const Call& call) {
  const auto token = cookie(call.req, kSessionCookie);
  if (!token || token->empty())
    return std::nullopt;
  auto user = session_user(call.app().db, *token);
  if (!user)
    return std::nullopt;
  return std::move(*user);
}

// Signed in: the consent page. Otherwise the web app's sign-in, which comes back here (`next` is
// this request's own path and query, so it never leaves the site).
Response authorize_page(Call& call) {
  auto request = check_authorize(call.app().db, call.params);
  if (!request)
    return error_page(400, request.error().message);
  auto user = signed_in(call);
  if (!user)
    return redirect("/sign-in?next=" + url_encode(call.req.target()));
  return consent_form(*request, core::random_token(32), *user);
}

Response authorize_submit(Call& call) {
  auto request = check_authorize(call.app().db, call.params);
  if (!request)
    return error_page(400, request.error().message);
  const auto form_csrf = string_param(call.params, "csrf_token").value_or("");
  const auto cookie_csrf = cookie(call.req, kCsrfCookie).value_or("");
  if (form_csrf.size() < 32 || !constant_time_equal(form_csrf, cookie_csrf))
    return error_page(403, "The form expired or was not sent from this site. Go back and retry.");
  const AuthorizeRequest& a = *request;
  if (string_param(call.params, "decision").value_or("approve") == "deny") {
    if (a.redirect_uri == kOutOfBand)
      return error_page(403, "You denied access.");
    std::string query = "error=access_denied";
    if (a.state)
      query += "&state=" + url_encode(*a.state);
    return redirect(with_query(a.redirect_uri, query));
  }
  auto user = signed_in(call);
  if (!user)
    return error_page(401, "You are not signed in any more. Go back, sign in and retry.");

  const std::string code = core::random_token(32);
  auto stored = call.app().db.transact([&](storage::Tx& tx) {
    return tx.oauth().create_code({.code_hash = sha256_hex(code),
                                   .app_id = a.app.id,
                                   .user_id = user->actor.id,
                                   .redirect_uri = a.redirect_uri,
                                   .scopes = a.scopes,
                                   .code_challenge = a.code_challenge,
                                   .expires_at = tx.now() + kCodeLifetime});
  });
  if (!stored)
    return error_page(500, "The authorization could not be stored. Retry later.");
  if (a.redirect_uri == kOutOfBand)
    return html(200, "Authorization code",
                "<h1>Authorization code</h1><p>Copy this code into " +
                    content::escape_html(a.app.name) + ":</p><p><code id=\"code\">" +
                    content::escape_html(code) +
                    "</code></p><p>It works once, within 10 minutes.</p>");
  std::string query = "code=" + url_encode(code);
  if (a.state)
    query += "&state=" + url_encode(*a.state);
  return redirect(with_query(a.redirect_uri, query));
}

// ---------------------------------------------------------------------------------------------
// tokens

// base64 decoding for HTTP Basic client authentication.
std::string base64_decode(std::string_view in) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -8;
  for (char c : in) {
    const auto pos = alphabet.find(c);
    if (pos == std::string::npos)
      break;
    value = (value << 6) + static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((value >> bits) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

struct ClientAuth {
  std::string client_id;
  std::optional<std::string> client_secret;
};

ClientAuth client_auth(const Call& call) {
  ClientAuth out;
  if (auto header = call.req.header("Authorization"); header && header->starts_with("Basic ")) {
    const std::string pair = base64_decode(header->substr(6));
    const auto colon = pair.find(':');
    out.client_id = form_decode(pair.substr(0, colon));
    if (colon != std::string::npos)
      out.client_secret = form_decode(pair.substr(colon + 1));
    return out;
  }
  out.client_id = string_param(call.params, "client_id").value_or("");
  out.client_secret = string_param(call.params, "client_secret");
  return out;
}

// The app, if the client authenticated: a matching secret, or (public clients, allowed only with
// PKCE) no secret when `secret_optional`.
Result<storage::OAuthApp> authenticate_client(Call& call, bool secret_optional) {
  const ClientAuth auth = client_auth(call);
  if (auth.client_id.empty())
    return Error::unauthorized("client authentication failed");
  auto app = call.app().db.read(
      [&](storage::Tx& tx) { return tx.oauth().get_app_by_client_id(auth.client_id); });
  if (!app)
    return Error::unauthorized("client authentication failed");
  if (!auth.client_secret || auth.client_secret->empty()) {
    if (secret_optional)
      return app;
    return Error::unauthorized("client authentication failed");
  }
  if (!constant_time_equal(sha256_hex(*auth.client_secret), app->client_secret_hash))
    return Error::unauthorized("client authentication failed");
  return app;
}

Response invalid_client() {
  Response res = oauth_error(401, "invalid_client", "Client authentication failed");
  res.set_header("WWW-Authenticate", "Basic realm=\"Guildhall\"");
  return res;
}

Response issue_token(Call& call, const storage::OAuthApp& app, std::optional<storage::Id> user,
                     const std::vector<std::string>& scopes,
                     std::optional<storage::Id> code_id = std::nullopt) {
  const std::string token = core::random_token(32);
  auto row = call.app().db.transact([&](storage::Tx& tx) {
    return tx.oauth().create_token({.token_hash = sha256_hex(token),
                                    .app_id = app.id,
                                    .user_id = user,
                                    .scopes = scopes,
                                    .code_id = code_id});
  });
  if (!row)
    return from_error(row.error());
  Response res =
      Response::json(200, json{{"access_token", token},
                               {"token_type", "Bearer"},
                               {"scope", join_scopes(scopes)},
                               {"created_at", std::chrono::duration_cast<std::chrono::seconds>(
                                                  row->created_at.time_since_epoch())
                                                  .count()}});
  res.set_header("Cache-Control", "no-store");
  return res;
}

// Requested scopes for grants without a consent step: default read, within the app's.
Result<std::vector<std::string>> requested_scopes(const Call& call, const storage::OAuthApp& app) {
  auto scopes = parse_scopes(string_param(call.params, "scope").value_or("read"));
  if (scopes.empty())
    scopes = {"read"};
  for (const auto& s : scopes)
    if (!is_known_scope(s))
      return Error::invalid_input("unknown scope: " + s.substr(0, 100));
  if (!subset_of(scopes, app.scopes))
    return Error::invalid_input("the requested scopes exceed the application's scopes");
  return scopes;
}

Response authorization_code_grant(Call& call) {
  const auto verifier = string_param(call.params, "code_verifier");
  auto app = authenticate_client(call, verifier.has_value());
  if (!app)
    return invalid_client();
  const auto code = string_param(call.params, "code").value_or("");
  if (code.empty())
    return oauth_error(400, "invalid_request", "code is missing");
  const auto redirect_uri = string_param(call.params, "redirect_uri").value_or("");
  const std::string code_hash = sha256_hex(code);
  // Every check runs in the transaction that consumes the code: a refused attempt leaves it as it
  // was, a replay of a used code revokes what it issued (RFC 6749 4.1.2).
  auto granted = call.app().db.transact([&](storage::Tx& tx) -> Result<storage::OAuthCode> {
    auto row = tx.oauth().consume_code(code_hash);
    if (!row) {
      if (row.error().kind == core::ErrorKind::conflict)
        return std::move(row).error();
      return Error::invalid_input("The authorization code is invalid");
    }
    if (row->app_id != app->id)
      return Error::invalid_input("The authorization code was issued to another client");
    if (row->expires_at <= tx.now())
      return Error::invalid_input("The authorization code expired");
    if (row->redirect_uri != redirect_uri)
      return Error::invalid_input("redirect_uri does not match the authorization request");
    if (row->code_challenge) {
      if (!verifier)
        return Error::invalid_input("code_verifier is required");
      if (!constant_time_equal(pkce_s256(*verifier), *row->code_challenge))
        return Error::invalid_input("code_verifier does not match the code_challenge");
    } else if (verifier) {
      return Error::invalid_input("code_verifier given, but the authorization used no PKCE");
    }
    return row;
  });
  if (!granted) {
    if (granted.error().kind == core::ErrorKind::conflict) {
      auto revoked = call.app().db.transact(
          [&](storage::Tx& tx) { return tx.oauth().revoke_tokens_for_code(code_hash); });
      if (revoked && *revoked > 0)
        spdlog::warn("oauth: authorization code replayed; revoked {} token(s)", *revoked);
      return oauth_error(400, "invalid_grant", "The authorization code was already used");
    }
    if (granted.error().kind == core::ErrorKind::invalid_input)
      return oauth_error(400, "invalid_grant", granted.error().message);
    return from_error(granted.error());
  }
  return issue_token(call, *app, granted->user_id, granted->scopes, granted->id);
}

Response client_credentials_grant(Call& call) {
  auto app = authenticate_client(call, false);
  if (!app)
    return invalid_client();
  auto scopes = requested_scopes(call, *app);
  if (!scopes)
    return oauth_error(400, "invalid_scope", scopes.error().message);
  return issue_token(call, *app, std::nullopt, *scopes);
}

Response password_grant(Call& call) {
  if (!call.app().config.oauth.password_grant)
    return oauth_error(400, "unsupported_grant_type",
                       "The password grant is disabled on this server");
  auto app = authenticate_client(call, false);
  if (!app)
    return invalid_client();
  auto scopes = requested_scopes(call, *app);
  if (!scopes)
    return oauth_error(400, "invalid_scope", scopes.error().message);
  auto user = check_password(call.app().db, string_param(call.params, "username").value_or(""),
                             string_param(call.params, "password").value_or(""));
  if (!user)
    return oauth_error(400, "invalid_grant", user.error().message);
  return issue_token(call, *app, user->actor.id, *scopes);
}

Response token(Call& call) {
  const auto grant = string_param(call.params, "grant_type").value_or("");
  if (grant == "authorization_code")
    return authorization_code_grant(call);
  if (grant == "client_credentials")
    return client_credentials_grant(call);
  if (grant == "password")
    return password_grant(call);
  return oauth_error(400, "unsupported_grant_type",
                     grant.empty() ? "grant_type is missing" : "This grant type is not supported");
}

Response revoke(Call& call) {
  auto app = authenticate_client(call, false);
  if (!app)
    return invalid_client();
  const auto token = string_param(call.params, "token").value_or("");
  if (!token.empty()) {
    auto revoked = call.app().db.transact(
        [&](storage::Tx& tx) { return tx.oauth().revoke_token(sha256_hex(token), app->id); });
    if (!revoked)
      return from_error(revoked.error());
  }
  return Response::json(200, json::object());  // RFC 7009: unknown tokens too
}

Response metadata(Call& call) {
  const std::string origin = call.app().urls.origin();
  return Response::json(200,
                        json{{"issuer", origin + "/"},
                             {"authorization_endpoint", origin + "/oauth/authorize"},
                             {"token_endpoint", origin + "/oauth/token"},
                             {"revocation_endpoint", origin + "/oauth/revoke"},
                             {"app_registration_endpoint", origin + "/api/v1/apps"},
                             {"scopes_supported", all_scopes()},
                             {"response_types_supported", {"code"}},
                             {"response_modes_supported", {"query"}},
                             {"code_challenge_methods_supported", {"S256"}},
                             {"grant_types_supported",
                              call.app().config.oauth.password_grant
                                  ? json{"authorization_code", "client_credentials", "password"}
                                  : json{"authorization_code", "client_credentials"}},
                             {"token_endpoint_auth_methods_supported",
                              {"client_secret_basic", "client_secret_post", "none"}},
                             {"service_documentation", "https://docs.joinmastodon.org/"}});
}

}  // namespace

void register_oauth(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable table{router, ctx};
  table.add(Verb::post, "/api/v1/apps", "api_apps_create", public_access(), create_app);
  table.add(Verb::get, "/api/v1/apps/verify_credentials", "api_apps_verify", app_access(),
            verify_app);
  table.add(Verb::get, "/oauth/authorize", "oauth_authorize", public_access(), authorize_page);
  table.add(Verb::post, "/oauth/authorize", "oauth_authorize_submit", public_access(),
            authorize_submit);
  table.add(Verb::post, "/oauth/token", "oauth_token", public_access(), token);
  table.add(Verb::post, "/oauth/revoke", "oauth_revoke", public_access(), revoke);
  table.add(Verb::get, "/.well-known/oauth-authorization-server", "oauth_metadata", public_access(),
            metadata);
}

}  // namespace guildhall::server::api

namespace guildhall::server::routes {

void register_client_api(http::Router& router, AppContext& app) {
  auto ctx = std::make_shared<api::ApiContext>(app);
  api::register_oauth(router, ctx);
  api::register_mastodon(router, ctx);
  api::register_web_session(router, ctx);
  api::register_community(router, ctx);
}

}  // namespace guildhall::server::routes
