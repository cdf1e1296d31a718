// Mastodon's admin API, the part the web app's admin pages use (docs/api.md, "Admin API"):
// accounts (list, get, suspend, unsuspend) and domain allows/blocks, which are Guildhall's
// federation policy rows, the same ones `guildhall admin federation allow|block` writes. Every
// route needs an admin:read or admin:write scope and an instance admin.
#include "guildhall/core/id.hpp"
#include "guildhall/server/admin.hpp"

#include "../api/endpoint.hpp"
#include "../api/entities.hpp"
#include "../api/lists.hpp"

namespace guildhall::server::api {

namespace {

using core::Error;
using core::Result;
using http::Response;
using http::Verb;
using storage::Id;
using storage::Tx;

constexpr std::size_t kMaxAccounts = 200;

// 403 unless the caller is an instance admin (the scope alone is not enough).
std::optional<Response> refuse_non_admin(const Call& call) {
  if (!call.caller || !call.caller->user || !call.caller->user->user.is_admin)
    return api_error(403, "This action is not allowed");
  return std::nullopt;
}

json admin_account_json(Tx& tx, const federation::Urls& urls, const storage::LocalUser& user) {
  return json{{"id", core::to_string_id(user.actor.id)},
              {"username", user.actor.handle},
              {"domain", nullptr},
              {"created_at", core::format_rfc3339(user.actor.created_at)},
              {"email", user.user.email.value_or("")},
              {"ip", nullptr},
              {"ips", json::array()},
              {"locale", user.user.locale},
              {"invite_request", nullptr},
              {"role", {{"name", user.user.is_admin ? "Admin" : ""}}},
              {"confirmed", true},
              {"approved", true},
              {"disabled", user.user.disabled_at.has_value()},
              {"silenced", false},
              {"suspended", user.actor.suspended_at.has_value()},
              {"account", account_json(tx, urls, user.actor)}};
}

Response list_accounts(Call& call) {
  if (auto refusal = refuse_non_admin(call))
    return *refusal;
  // Local accounts only: remote ones are governed per instance (domain blocks).
  if (bool_param(call.params, "remote").value_or(false))
    return Response::json(200, json::array());
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto users = tx.users().list({.limit = kMaxAccounts, .oldest_first = true});
    if (!users)
      return std::move(users).error();
    json out = json::array();
    for (const auto& u : *users)
      out.push_back(admin_account_json(tx, call.app().urls, u));
    return out;
  });
}

Response get_account(Call& call) {
  if (auto refusal = refuse_non_admin(call))
    return *refusal;
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto user = tx.users().get(id);
    if (!user)
      return Error::not_found("Record not found");
    return admin_account_json(tx, call.app().urls, *user);
  });
}

// Suspending revokes every token of the account, which closes its streams at once.
Response set_suspended(Call& call, bool suspended) {
  const Id id = path_id(call).value();
  if (suspended && id == call.me())
    return api_error(422, "You cannot suspend yourself");
  auto account = call.app().db.transact([&](Tx& tx) -> Result<json> {
    auto user = tx.users().get(id);
    if (!user)
      return Error::not_found("Record not found");
    storage::ActorUpdate update;
    update.suspended_at = suspended ? std::optional<storage::TimePoint>(tx.now()) : std::nullopt;
    if (auto r = tx.actors().update(id, update); !r)
      return std::move(r).error();
    if (suspended) {
      if (auto r = tx.oauth().revoke_tokens_for_user(id); !r)
        return std::move(r).error();
    }
    auto after = tx.users().get(id);
    if (!after)
      return std::move(after).error();
    return admin_account_json(tx, call.app().urls, *after);
  });
  if (!account)
    return from_error(account.error());
  return Response::json(200, *account);
}

Response account_action(Call& call) {
  if (auto refusal = refuse_non_admin(call))
    return *refusal;
  const auto type = string_param(call.params, "type").value_or("");
  if (type == "suspend")
    return set_suspended(call, true);
  if (type == "none")
    return get_account(call);
  return api_error(422, "Unsupported action type (Guildhall supports suspend and none)");
}

Response unsuspend(Call& call) {
  if (auto refusal = refuse_non_admin(call))
    return *refusal;
  return set_suspended(call, false);
}

json domain_rule_json(const storage::Instance& instance) {
  return json{{"id", core::to_string_id(instance.id)},
              {"domain", instance.host},
              {"created_at", core::format_rfc3339(instance.updated_at)},
              {"severity", "suspend"},
              {"reject_media", false},
              {"reject_reports", false},
              {"private_comment", nullptr},
              {"public_comment", nullptr},
              {"obfuscate", false}};
}

// Domain allows (policy "allow") and blocks (policy "block"): the federation policy rows.
Response list_domains(Call& call, const std::string& policy) {
  if (auto refusal = refuse_non_admin(call))
    return *refusal;
  auto rules = Admin(call.app().db, call.app().config).list_instance_policies();
  if (!rules)
    return from_error(rules.error());
  return read_json(call, [&](Tx& tx) -> Result<json> {
    json out = json::array();
    for (const auto& rule : *rules) {
      if (rule.policy != policy)
        continue;
      auto instance = tx.instances().get_by_host(rule.host);
      if (instance)
        out.push_back(domain_rule_json(*instance));
    }
    return out;
  });
}

Response create_domain(Call& call, const std::string& policy) {
  if (auto refusal = refuse_non_admin(call))
    return *refusal;
  const auto domain = string_param(call.params, "domain").value_or("");
  if (domain.empty())
    return api_error(422, "Validation failed: Domain can't be blank");
  auto rule = Admin(call.app().db, call.app().config).set_instance_policy(domain, policy);
  if (!rule)
    return from_error(rule.error());
  // Takes effect in this process at once (other processes reload within seconds).
  (void)call.app().peers.reload(call.app().db);
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto instance = tx.instances().get_by_host(rule->host);
    if (!instance)
      return std::move(instance).error();
    return domain_rule_json(*instance);
  });
}

Response delete_domain(Call& call, const std::string& policy) {
  if (auto refusal = refuse_non_admin(call))
    return *refusal;
  const Id id = path_id(call).value();
  auto instance = call.app().db.read([&](Tx& tx) { return tx.instances().get(id); });
  if (!instance || storage::to_string(instance->policy) != policy)
    return api_error(404, "Record not found");
  auto cleared =
      Admin(call.app().db, call.app().config).set_instance_policy(instance->host, "none");
  if (!cleared)
    return from_error(cleared.error());
  (void)call.app().peers.reload(call.app().db);
  return Response::json(200, json::object());
}

}  // namespace

void register_mastodon_admin(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable table{router, ctx};
  table.add(Verb::get, "/api/v1/admin/accounts", "api_admin_accounts",
            user_scope("admin:read:accounts"), list_accounts);
  table.add(Verb::get, "/api/v1/admin/accounts/{id}", "api_admin_account",
            user_scope("admin:read:accounts"), get_account);
  table.add(Verb::post, "/api/v1/admin/accounts/{id}/action", "api_admin_account_action",
            user_scope("admin:write:accounts"), account_action);
  table.add(Verb::post, "/api/v1/admin/accounts/{id}/unsuspend", "api_admin_account_unsuspend",
            user_scope("admin:write:accounts"), unsuspend);
  for (const std::string policy : {"allow", "block"}) {
    const std::string base = "/api/v1/admin/domain_" + policy + "s";
    const std::string name = "api_admin_domain_" + policy + "s";
    table.add(Verb::get, base, name, user_scope("admin:read:domain_" + policy + "s"),
              [policy](Call& call) { return list_domains(call, policy); });
    table.add(Verb::post, base, name + "_create", user_scope("admin:write:domain_" + policy + "s"),
              [policy](Call& call) { return create_domain(call, policy); });
    table.add(Verb::delete_, base + "/{id}", name + "_delete",
              user_scope("admin:write:domain_" + policy + "s"),
              [policy](Call& call) { return delete_domain(call, policy); });
  }
}

}  // namespace guildhall::server::api
