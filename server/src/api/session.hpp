#pragma once

// Web app sessions (docs/api.md, "Web app sessions"): the `guildhall_session` cookie holds an
// access token of the built-in `Guildhall web` application, stored like every OAuth token only as
// its SHA-256; the CSRF token is derived from it, so nothing more is stored. The sign-in check is
// shared by /web/session and the OAuth password grant.

#include <optional>
#include <string>
#include <string_view>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/server/http/request.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::server::api {

inline constexpr std::string_view kSessionCookie = "guildhall_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The value of cookie `name` in the request's Cookie header.
std::optional<std::string> cookie(const http::Request& req, std::string_view name);

// base64url(SHA-256("guildhall-csrf:" + session token)), unpadded.
std::string csrf_token_for(std::string_view session_token);
// Whether the request's X-CSRF-Token matches the session token.
bool csrf_matches(const http::Request& req, std::string_view session_token);
// POST, PUT, PATCH and DELETE: the methods that need the CSRF header with a cookie.
bool changes_state(const http::Request& req);

// `Set-Cookie` values: the session (30 days) and its removal. Secure when the origin is https.
std::string session_cookie(const federation::Urls& urls, std::string_view token);
std::string cleared_session_cookie(const federation::Urls& urls);

// Blocking. The built-in `Guildhall web` application, created on first use. It has no redirect
// URI and an unknown secret, so no OAuth flow can use it.
core::Result<storage::OAuthApp> web_app(storage::Database& db);

// Blocking (argon2). A local user by handle or e-mail whose password matches: unauthorized
// "Invalid username or password" otherwise (unknown logins take the same time), forbidden when the
// account is disabled or suspended.
core::Result<storage::LocalUser> check_password(storage::Database& db, const std::string& login,
                                                const std::string& password);

// Blocking. The live user of a session token: unauthorized when the token is unknown, revoked
// or its account disabled.
core::Result<storage::LocalUser> session_user(storage::Database& db, std::string_view token);

}  // namespace guildhall::server::api
