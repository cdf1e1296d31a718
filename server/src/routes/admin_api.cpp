// The admin API (docs/api.md, "Admin API"): Mastodon's /api/v1/admin accounts, reports, domain
// blocks and allows, plus Guildhall's /api/guildhall/v1/admin instance settings and known
// instances, which Mastodon's API lacks. Every route needs an admin scope and a user with the admin
// role (api::admin_scope). The work is done by server::Admin (shared with `guildhall admin`) and
// the repositories: domain rules are the federation policy rows the CLI edits, reports are the
// communities' reports (community API, Flag).
#include <spdlog/spdlog.h>

#include "guildhall/core/id.hpp"
#include "guildhall/server/admin.hpp"
#include "guildhall/storage/community_log.hpp"

#include "../api/endpoint.hpp"
#include "../api/entities.hpp"
#include "../api/lists.hpp"
#include "community_entities.hpp"

namespace guildhall::server::api {

namespace {

using core::Error;
using core::Result;
using http::Response;
using http::Verb;
using storage::Id;
using storage::Tx;

// Mastodon's admin lists: 100 by default, at most 200.
constexpr std::size_t kDefaultAdminPage = 100;
constexpr std::size_t kMaxAdminPage = 200;

json time_or_null(const std::optional<core::TimePoint>& t) {
  return t ? json(core::format_rfc3339(*t)) : json(nullptr);
}

// Mastodon's Admin::Account, for a local account or (in reports) a remote actor.
json admin_account_json(Tx& tx, const federation::Urls& urls, const storage::Actor& actor) {
  std::optional<storage::LocalUser> user;
  if (actor.is_local() && actor.kind == storage::ActorKind::person)
    if (auto found = tx.users().get(actor.id))
      user = std::move(*found);
  json role = nullptr;
  if (user)
    role = {{"id", user->user.is_admin ? "3" : "-99"},
            {"name", user->user.is_admin ? "Admin" : ""},
            {"color", ""},
            {"permissions", user->user.is_admin ? "1" : "0"},
            {"highlighted", user->user.is_admin}};
  const bool disabled = user && user->user.disabled_at.has_value();
  return json{{"id", core::to_string_id(actor.id)},
              {"username", actor.handle},
              {"domain", actor.domain ? json(*actor.domain) : json(nullptr)},
              {"created_at", core::format_rfc3339(user ? user->user.created_at : actor.created_at)},
              {"email", user ? user->user.email.value_or("") : ""},
              {"ip", nullptr},
              {"ips", json::array()},
              {"locale", user ? user->user.locale : ""},
              {"invite_request", nullptr},
              {"role", role},
              {"confirmed", true},
              {"approved", true},
              {"disabled", disabled},
              {"silenced", false},
              {"suspended", actor.suspended_at.has_value()},
              {"account", account_json(tx, urls, actor)},
              {"created_by_application_id", nullptr},
              {"invited_by_account_id", nullptr}};
}

json admin_account_json(Tx& tx, const federation::Urls& urls, Id actor_id) {
  return admin_account_json(tx, urls, tx.actors().get(actor_id).value());
}

// ---------------------------------------------------------------------------------------------
// accounts

// Mastodon's v1 filters (local, remote, active, pending, disabled, silenced, suspended, username)
// and v2's (origin, status, username) as one query; nullopt when the filter matches nobody here.
std::optional<storage::UserQuery> account_query(const json& params) {
  storage::UserQuery query;
  query.handle_contains = string_param(params, "username").value_or("");
  std::string status = string_param(params, "status").value_or("");
  for (const char* flag : {"active", "pending", "disabled", "silenced", "suspended"})
    if (bool_param(params, flag).value_or(false))
      status = flag;
  const bool remote = bool_param(params, "remote").value_or(false) ||
                      string_param(params, "origin").value_or("") == "remote";
  // Accounts are local: remote people are governed per instance (domain blocks). Nobody waits
  // for approval (admins create accounts) and nobody is silenced.
  if (remote || status == "pending" || status == "silenced")
    return std::nullopt;
  if (status == "active")
    query.state = storage::UserQuery::State::active;
  else if (status == "disabled")
    query.state = storage::UserQuery::State::disabled;
  else if (status == "suspended")
    query.state = storage::UserQuery::State::suspended;
  return query;
}

Response list_accounts(Call& call) {
  const auto query = account_query(call.params);
  return paged_response(
      call, kDefaultAdminPage, kMaxAdminPage,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        std::vector<std::pair<Id, json>> out;
        if (!query)
          return out;
        auto users = tx.users().search(*query, page);
        if (!users)
          return std::move(users).error();
        for (const auto& u : *users)
          out.emplace_back(u.actor.id, admin_account_json(tx, call.app().urls, u.actor));
        return out;
      });
}

Response get_account(Call& call) {
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto user = tx.users().get(id);
    if (!user)
      return Error::not_found("Record not found");
    return admin_account_json(tx, call.app().urls, user->actor);
  });
}

Response act(Call& call, AccountAction action) {
  const Id id = path_id(call).value();
  auto acted = Admin(call.app().db, call.app().config).act_on_account(call.me(), id, action);
  if (!acted)
    return from_error(acted.error());
  return read_json(call, [&](Tx& tx) -> Result<json> {
    return admin_account_json(tx, call.app().urls, acted->actor);
  });
}

// POST /api/v1/admin/accounts/{id}/action: Mastodon answers an empty object.
Response account_action(Call& call) {
  const std::string type = string_param(call.params, "type").value_or("");
  std::optional<AccountAction> action;
  if (type == "suspend")
    action = AccountAction::suspend;
  else if (type == "disable")
    action = AccountAction::disable;
  else if (type != "none")
    return api_error(422,
                     "type must be none, disable or suspend (silence and sensitive are not "
                     "supported)");
  Response res = action ? act(call, *action) : get_account(call);
  if (res.status != 200)
    return res;
  return Response::json(200, json::object());
}

// Nobody waits for approval here (accounts are made by admins): Mastodon answers 403 for an
// account that is not pending.
Response not_pending(Call& call) {
  auto found = call.app().db.read([&](Tx& tx) { return tx.users().get(path_id(call).value()); });
  if (!found)
    return from_error(found.error());
  return api_error(403, "This account is not pending approval");
}

// ---------------------------------------------------------------------------------------------
// reports

json admin_report_json(Tx& tx, const federation::Urls& urls, const storage::CommunityReport& r) {
  json statuses = json::array();
  if (r.post_id)
    if (auto post = tx.posts().get(*r.post_id))
      statuses.push_back(status_json(tx, urls, *post, std::nullopt));
  const auto account_or_null = [&](const std::optional<Id>& id) {
    return id ? admin_account_json(tx, urls, *id) : json(nullptr);
  };
  return {{"id", core::to_string_id(r.id)},
          {"action_taken", r.resolved_at.has_value()},
          {"action_taken_at", time_or_null(r.resolved_at)},
          {"category", "other"},
          {"comment", r.reason.value_or("")},
          {"forwarded", r.ap_id.has_value()},  // it came as a Flag from another instance
          {"created_at", core::format_rfc3339(r.created_at)},
          {"updated_at", core::format_rfc3339(r.resolved_at.value_or(r.created_at))},
          {"account", admin_account_json(tx, urls, r.reporter_id)},
          {"target_account", account_or_null(r.target_actor_id)},
          {"assigned_account", account_or_null(r.assigned_to)},
          {"action_taken_by_account", account_or_null(r.resolved_by)},
          {"statuses", statuses},
          {"rules", json::array()},
          // Guildhall: the community the report is about (reports come from communities).
          {"community", person_json(tx, urls, r.community_id)}};
}

Response list_reports(Call& call) {
  storage::ReportState state = storage::ReportState::open;
  if (auto resolved = bool_param(call.params, "resolved"))
    state = *resolved ? storage::ReportState::resolved : storage::ReportState::open;
  return paged_response(
      call, kDefaultAdminPage, kMaxAdminPage,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        auto reports = tx.community_reports().list_all(state, page);
        if (!reports)
          return std::move(reports).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& r : *reports)
          out.emplace_back(r.id, admin_report_json(tx, call.app().urls, r));
        return out;
      });
}

Response report_answer(Call& call, Id id) {
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto report = tx.community_reports().get(id);
    if (!report)
      return Error::not_found("Record not found");
    return admin_report_json(tx, call.app().urls, *report);
  });
}

Response get_report(Call& call) {
  return report_answer(call, path_id(call).value());
}

enum class ReportAction { assign_to_self, unassign, resolve, reopen };

Response report_action(Call& call, ReportAction action) {
  const Id id = path_id(call).value();
  Result<storage::CommunityReport> done = Error::internal("unreachable");
  if (action == ReportAction::resolve) {
    // The community service resolves it (moderation log, and the Resolve sent to the reporter's
    // instance for a community hosted here), as the community API does.
    done = call.ctx.communities.resolve_report(call.me(), id);
  } else {
    done = call.app().db.transact([&](Tx& tx) -> Result<storage::CommunityReport> {
      switch (action) {
        case ReportAction::assign_to_self:
          return tx.community_reports().assign(id, call.me());
        case ReportAction::unassign:
          return tx.community_reports().assign(id, std::nullopt);
        default:
          return tx.community_reports().reopen(id);
      }
    });
  }
  if (!done)
    return from_error(done.error());
  return report_answer(call, id);
}

// ---------------------------------------------------------------------------------------------
// domain blocks and allows: the federation policy (`guildhall admin federation allow|block`)

json domain_rule_json(const storage::Instance& instance) {
  json out{{"id", core::to_string_id(instance.id)},
           {"domain", instance.host},
           {"created_at", core::format_rfc3339(instance.updated_at)}};
  if (instance.policy == storage::FederationPolicy::block) {
    // A block refuses everything both ways: Mastodon's "suspend" severity.
    out.update({{"digest", nullptr},
                {"severity", "suspend"},
                {"reject_media", true},
                {"reject_reports", true},
                {"private_comment", nullptr},
                {"public_comment", nullptr},
                {"obfuscate", false}});
  }
  return out;
}

// The policy change takes effect in this process at once (other processes reload within seconds).
void apply_policy_now(Call& call) {
  if (auto reloaded = call.app().peers.reload(call.app().db); !reloaded)
    spdlog::warn("admin: federation policy reload failed: {}", reloaded.error().message);
}

Response list_domains(Call& call, storage::FederationPolicy policy) {
  return paged_response(
      call, kDefaultAdminPage, kMaxAdminPage,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        std::vector<std::pair<Id, json>> out;
        storage::PageRequest scan = page;
        // The instances table holds every host we met; keep scanning until the page is full.
        for (int scanned = 0; scanned < 50 && out.size() < page.limit; ++scanned) {
          auto batch = tx.instances().list(scan);
          if (!batch)
            return std::move(batch).error();
          for (const auto& instance : *batch)
            if (instance.policy == policy && out.size() < page.limit)
              out.emplace_back(instance.id, domain_rule_json(instance));
          if (batch->size() < scan.limit)
            break;
          (scan.oldest_first ? scan.after : scan.before) = batch->back().id;
        }
        return out;
      });
}

Result<storage::Instance> domain_rule(Call& call, storage::FederationPolicy policy) {
  const Id id = path_id(call).value();
  auto instance = call.app().db.read([&](Tx& tx) { return tx.instances().get(id); });
  if (!instance || instance->policy != policy)
    return Error::not_found("Record not found");
  return instance;
}

Response get_domain(Call& call, storage::FederationPolicy policy) {
  auto rule = domain_rule(call, policy);
  if (!rule)
    return from_error(rule.error());
  return Response::json(200, domain_rule_json(*rule));
}

Response create_domain(Call& call, storage::FederationPolicy policy) {
  const std::string domain = string_param(call.params, "domain").value_or("");
  if (domain.empty())
    return api_error(422, "Validation failed: Domain can't be blank");
  if (auto severity = string_param(call.params, "severity");
      severity && *severity != "suspend" && policy == storage::FederationPolicy::block)
    return api_error(422, "severity must be suspend (a block refuses everything)");
  auto rule = Admin(call.app().db, call.app().config)
                  .set_instance_policy(domain, std::string(storage::to_string(policy)));
  if (!rule)
    return api_error(422, rule.error().message);
  apply_policy_now(call);
  auto instance =
      call.app().db.read([&](Tx& tx) { return tx.instances().get_by_host(rule->host); });
  if (!instance)
    return from_error(instance.error());
  return Response::json(200, domain_rule_json(*instance));
}

// PUT: Mastodon edits a block's severity and comments; a block here is always "suspend".
Response update_domain_block(Call& call) {
  if (auto severity = string_param(call.params, "severity"); severity && *severity != "suspend")
    return api_error(422, "severity must be suspend (a block refuses everything)");
  return get_domain(call, storage::FederationPolicy::block);
}

Response delete_domain(Call& call, storage::FederationPolicy policy) {
  auto rule = domain_rule(call, policy);
  if (!rule)
    return from_error(rule.error());
  auto cleared = Admin(call.app().db, call.app().config).set_instance_policy(rule->host, "none");
  if (!cleared)
    return from_error(cleared.error());
  apply_policy_now(call);
  return Response::json(200, json::object());
}

// ---------------------------------------------------------------------------------------------
// Guildhall: instance settings and known instances

json profile_json(const InstanceProfile& p) {
  return {{"title", p.title},
          {"description", p.description},
          {"contact_email", p.contact_email},
          {"registrations", p.registrations},
          {"federation_mode", p.federation_mode},
          {"updated_at", time_or_null(p.updated_at)}};
}

Response get_instance(Call& call) {
  auto profile = Admin(call.app().db, call.app().config).instance_settings();
  if (!profile)
    return from_error(profile.error());
  return Response::json(200, profile_json(*profile));
}

// PATCH: each field present is set (a string) or reset to the configuration's value (null).
Response update_instance(Call& call) {
  InstanceSettingsInput input;
  for (auto [name, field] :
       {std::pair{"title", &input.title}, std::pair{"description", &input.description},
        std::pair{"contact_email", &input.contact_email},
        std::pair{"registrations", &input.registrations},
        std::pair{"federation_mode", &input.federation_mode}}) {
    if (!call.params.contains(name))
      continue;
    const json& value = call.params[name];
    if (value.is_null())
      field->emplace(std::nullopt);
    else if (value.is_string())
      field->emplace(value.get<std::string>());
    else
      return api_error(422, std::string(name) + " must be a string or null");
  }
  auto profile = Admin(call.app().db, call.app().config).update_instance_settings(input, call.me());
  if (!profile)
    return from_error(profile.error());
  if (input.federation_mode)
    apply_policy_now(call);
  return Response::json(200, profile_json(*profile));
}

// Every instance met, with its software (NodeInfo) and rule; ?policy=allow|block|none filters.
Response list_instances(Call& call) {
  std::optional<storage::FederationPolicy> only;
  if (auto text = string_param(call.params, "policy")) {
    storage::FederationPolicy parsed{};
    if (!storage::parse(*text, parsed))
      return api_error(422, "policy must be allow, block or none");
    only = parsed;
  }
  return paged_response(
      call, kDefaultAdminPage, kMaxAdminPage,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        auto batch = tx.instances().list(page);
        if (!batch)
          return std::move(batch).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& i : *batch) {
          if (i.is_local || (only && i.policy != *only))
            continue;
          out.emplace_back(
              i.id,
              json{{"id", core::to_string_id(i.id)},
                   {"domain", i.host},
                   {"software", i.software_name ? json(*i.software_name) : json(nullptr)},
                   {"version", i.software_version ? json(*i.software_version) : json(nullptr)},
                   {"policy", storage::to_string(i.policy)},
                   {"allowed", call.app().peers.allows(i.host)},
                   {"first_seen_at", core::format_rfc3339(i.first_seen_at)}});
        }
        return out;
      });
}

}  // namespace

void register_admin_api(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable table{router, ctx};
  const auto read_accounts = [] { return admin_scope("admin:read:accounts"); };
  const auto write_accounts = [] { return admin_scope("admin:write:accounts"); };
  for (const char* version : {"v1", "v2"})
    table.add(Verb::get, std::string("/api/") + version + "/admin/accounts",
              std::string("api_admin_accounts_") + version, read_accounts(), list_accounts);
  const std::string account = "/api/v1/admin/accounts/{id}";
  table.add(Verb::get, account, "api_admin_account", read_accounts(), get_account);
  table.add(Verb::post, account + "/action", "api_admin_account_action", write_accounts(),
            account_action);
  const std::pair<const char*, AccountAction> lifts[] = {{"unsuspend", AccountAction::unsuspend},
                                                         {"enable", AccountAction::enable}};
  for (const auto& [path, action] : lifts)
    table.add(Verb::post, account + "/" + path, std::string("api_admin_account_") + path,
              write_accounts(), [action = action](Call& call) { return act(call, action); });
  for (const char* path : {"approve", "reject"})
    table.add(Verb::post, account + "/" + path, std::string("api_admin_account_") + path,
              write_accounts(), not_pending);

  table.add(Verb::get, "/api/v1/admin/reports", "api_admin_reports",
            admin_scope("admin:read:reports"), list_reports);
  table.add(Verb::get, "/api/v1/admin/reports/{id}", "api_admin_report",
            admin_scope("admin:read:reports"), get_report);
  const std::pair<const char*, ReportAction> report_actions[] = {
      {"assign_to_self", ReportAction::assign_to_self},
      {"unassign", ReportAction::unassign},
      {"resolve", ReportAction::resolve},
      {"reopen", ReportAction::reopen}};
  for (const auto& [path, action] : report_actions)
    table.add(Verb::post, std::string("/api/v1/admin/reports/{id}/") + path,
              std::string("api_admin_report_") + path, admin_scope("admin:write:reports"),
              [action = action](Call& call) { return report_action(call, action); });

  for (auto policy : {storage::FederationPolicy::allow, storage::FederationPolicy::block}) {
    const std::string kind = policy == storage::FederationPolicy::allow ? "allows" : "blocks";
    const std::string base = "/api/v1/admin/domain_" + kind;
    const std::string name = "api_admin_domain_" + kind;
    const auto read = [kind] { return admin_scope("admin:read:domain_" + kind); };
    const auto write = [kind] { return admin_scope("admin:write:domain_" + kind); };
    table.add(Verb::get, base, name, read(),
              [policy](Call& call) { return list_domains(call, policy); });
    table.add(Verb::get, base + "/{id}", name + "_get", read(),
              [policy](Call& call) { return get_domain(call, policy); });
    table.add(Verb::post, base, name + "_create", write(),
              [policy](Call& call) { return create_domain(call, policy); });
    table.add(Verb::delete_, base + "/{id}", name + "_delete", write(),
              [policy](Call& call) { return delete_domain(call, policy); });
  }
  table.add(Verb::put, "/api/v1/admin/domain_blocks/{id}", "api_admin_domain_blocks_update",
            admin_scope("admin:write:domain_blocks"), update_domain_block);

  const std::string guildhall = std::string(kCommunityApi) + "/admin";
  table.add(Verb::get, guildhall + "/instance", "admin_instance", admin_scope("admin:read"),
            get_instance);
  table.add(Verb::patch, guildhall + "/instance", "admin_instance_update",
            admin_scope("admin:write"), update_instance);
  table.add(Verb::get, guildhall + "/instances", "admin_instances", admin_scope("admin:read"),
            list_instances);
}

}  // namespace guildhall::server::api
