// Community API: the signed-in person's own account settings that Mastodon's API has no place for
// (docs/api.md, "Account settings"): changing the password, and which notifications they receive.
#include <algorithm>

#include "guildhall/server/password.hpp"

#include "../api/lists.hpp"
#include "community_entities.hpp"

namespace guildhall::server::api {

namespace {

using core::Result;
using http::Response;
using http::Verb;
using storage::Tx;

// Checks the current password (argon2, like signing in, and charged to the same per-login budget
// of failures), stores the new one and revokes every other token of the person: their other
// browsers and apps sign in again, this session stays.
Response change_password(Call& call) {
  const auto current = string_param(call.params, "current_password");
  const auto next = string_param(call.params, "new_password");
  if (!current || !next)
    return api_error(422, "Send {\"current_password\": \"...\", \"new_password\": \"...\"}");
  const storage::LocalUser& user = *call.caller->user;
  // Handles are lowercase, like the sign-in's login key.
  const std::string& login_key = user.actor.handle;
  if (!call.ctx.sign_in_failures_per_login.has_budget(login_key))
    return api_error(429, "Too many requests");
  if (!verify_password(*current, user.user.password_hash)) {
    call.ctx.sign_in_failures_per_login.charge(login_key);
    return api_error(422, "The current password is wrong");
  }
  if (auto policy = check_password_policy(*next); !policy)
    return api_error(422, policy.error().message);
  auto hash = hash_password(*next);
  if (!hash)
    return from_error(hash.error());
  return write_json(call, [&](Tx& tx) -> Result<json> {
    if (auto updated = tx.users().update(call.me(), {.password_hash = *hash}); !updated)
      return std::move(updated).error();
    auto revoked = tx.oauth().revoke_tokens_for_user(call.me(), call.caller->token.id);
    if (!revoked)
      return std::move(revoked).error();
    return json{{"revoked_sessions", *revoked}};
  });
}

// {"mention": true, "reply": false, ...}: every category, true when the person receives it.
json preferences_json(const std::vector<std::string>& muted) {
  json out = json::object();
  for (const auto category : storage::kNotificationCategories)
    out[std::string(category)] = std::find(muted.begin(), muted.end(), category) == muted.end();
  return out;
}

Response notification_preferences(Call& call) {
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto muted = tx.client_api().muted_notifications(call.me());
    if (!muted)
      return std::move(muted).error();
    return preferences_json(*muted);
  });
}

// Any of the categories, each true or false; the others stay as they are.
Response update_notification_preferences(Call& call) {
  for (const auto& [key, value] : call.params.items()) {
    if (std::find(storage::kNotificationCategories.begin(), storage::kNotificationCategories.end(),
                  key) == storage::kNotificationCategories.end())
      return api_error(422, "unknown notification category: " + key);
    if (!value.is_boolean())
      return api_error(422, key + " must be true or false");
  }
  return write_json(call, [&](Tx& tx) -> Result<json> {
    auto muted = tx.client_api().muted_notifications(call.me());
    if (!muted)
      return std::move(muted).error();
    std::vector<std::string> next;
    for (const auto category : storage::kNotificationCategories) {
      const std::string name(category);
      const bool was_muted = std::find(muted->begin(), muted->end(), name) != muted->end();
      if (call.params.contains(name) ? !call.params[name].get<bool>() : was_muted)
        next.push_back(name);
    }
    if (auto saved = tx.client_api().set_muted_notifications(call.me(), next); !saved)
      return std::move(saved).error();
    return preferences_json(next);
  });
}

}  // namespace

void register_community_account(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable t{router, ctx};
  const std::string base = std::string(kCommunityApi) + "/account";
  t.add(Verb::post, base + "/password", "community_account_password", user_scope("write:accounts"),
        change_password);
  t.add(Verb::get, base + "/notification_preferences", "community_notification_preferences",
        user_scope("read:accounts"), notification_preferences);
  t.add(Verb::patch, base + "/notification_preferences",
        "community_notification_preferences_update", user_scope("write:accounts"),
        update_notification_preferences);
}

}  // namespace guildhall::server::api
