#include "session.hpp"

#include "guildhall/core/random.hpp"
#include "guildhall/server/password.hpp"

#include "scopes.hpp"
#include "support.hpp"

namespace guildhall::server::api {

namespace {

constexpr std::string_view kWebClientId = "guildhall-web";
constexpr int kSessionMaxAgeSeconds = 2592000;  // 30 days

std::string cookie_attributes(const federation::Urls& urls) {
  return std::string("; Path=/; HttpOnly; SameSite=Lax") +
         (urls.origin().starts_with("https://") ? "; Secure" : "");
}

}  // namespace

std::optional<std::string> cookie(const http::Request& req, std::string_view name) {
  const auto header = req.header("Cookie");
  if (!header)
    return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const auto end = rest.find(';');
    std::string_view item = rest.substr(0, end);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    if (item.starts_with(name) && item.size() > name.size() && item[name.size()] == '=')
      return std::string(item.substr(name.size() + 1));
    if (end == std::string_view::npos)
      break;
    rest.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::string csrf_token_for(std::string_view session_token) {
  // base64url(SHA-256(...)) unpadded is exactly the PKCE S256 transform.
  return pkce_s256("guildhall-csrf:" + std::string(session_token));
}

bool csrf_matches(const http::Request& req, std::string_view session_token) {
  const auto sent = req.header(kCsrfHeader);
  return sent && constant_time_equal(*sent, csrf_token_for(session_token));
}

bool changes_state(const http::Request& req) {
  const auto method = req.method_string();
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string session_cookie(const federation::Urls& urls, std::string_view token) {
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; Max-Age=" + std::to_string(kSessionMaxAgeSeconds) + cookie_attributes(urls);
}

std::string cleared_session_cookie(const federation::Urls& urls) {
  return std::string(kSessionCookie) + "=; Max-Age=0" + cookie_attributes(urls);
}

core::Result<storage::OAuthApp> web_app(storage::Database& db) {
  auto found =
      db.read([](storage::Tx& tx) { return tx.oauth().get_app_by_client_id(kWebClientId); });
  if (found || found.error().kind != core::ErrorKind::not_found)
    return found;
  auto created = db.transact([](storage::Tx& tx) {
    return tx.oauth().create_app({.client_id = std::string(kWebClientId),
                                  .client_secret_hash = sha256_hex(core::random_token(32)),
                                  .name = "Guildhall web",
                                  .website = std::nullopt,
                                  .redirect_uris = {},
                                  .scopes = parse_scopes("read write follow push")});
  });
  if (!created &&
      created.error().kind == core::ErrorKind::already_exists)  // a concurrent first use
    return db.read([](storage::Tx& tx) { return tx.oauth().get_app_by_client_id(kWebClientId); });
  return created;
}

core::Result<storage::LocalUser> check_password(storage::Database& db, const std::string& login,
                                                const std::string& password) {
  auto user = db.read([&](storage::Tx& tx) {
    if (login.find('@') != std::string::npos)
      return tx.users().get_by_email(login);
    return tx.users().get_by_handle(login);
  });
  // Hash anyway on an unknown login so timing does not reveal which logins exist.
  static const std::string dummy = hash_password("not-a-real-password").value();
  const bool ok = verify_password(password, user ? user->user.password_hash : dummy);
  if (!user || !ok)
    return core::Error::unauthorized("Invalid username or password");
  if (user->user.disabled_at || user->actor.suspended_at || user->actor.deleted_at)
    return core::Error::forbidden("This account is disabled");
  return user;
}

core::Result<storage::LocalUser> session_user(storage::Database& db, std::string_view token) {
  const std::string hash = sha256_hex(token);
  return db.read([&](storage::Tx& tx) -> core::Result<storage::LocalUser> {
    auto row = tx.oauth().get_token_by_hash(hash);
    if (!row || row->revoked_at || !row->user_id)
      return core::Error::unauthorized("Not signed in");
    auto user = tx.users().get(*row->user_id);
    if (!user)
      return std::move(user).error();
    if (user->user.disabled_at || user->actor.suspended_at || user->actor.deleted_at)
      return core::Error::unauthorized("Not signed in");
    return user;
  });
}

}  // namespace guildhall::server::api
