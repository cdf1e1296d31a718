#include "guildhall/server/admin.hpp"

#include <filesystem>

#include <sys/stat.h>

#include "guildhall/federation/keys.hpp"
#include "guildhall/federation/outbox/communities.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/server/password.hpp"
#include "guildhall/storage/client_api.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::server {

namespace {

using core::Error;
using core::Result;
using federation::Urls;

Result<void> check_handle(std::string_view handle) {
  if (!federation::is_valid_local_handle(handle))
    return Error::invalid_input("handle '" + std::string(handle) +
                                "' is invalid: use 1 to 30 lowercase letters a-z, digits or _");
  return {};
}

Error handle_taken(std::string_view handle) {
  return Error::already_exists("handle '" + std::string(handle) +
                               "' is taken by a user or a group on this instance");
}

// The fields every local actor shares, derived from its id.
storage::NewLocalActor local_actor(const std::string& ap_id, std::string handle,
                                   const federation::KeyPairPem& keys, const Urls& urls) {
  storage::NewLocalActor actor;
  actor.handle = std::move(handle);
  actor.ap_id = ap_id;
  actor.inbox_url = Urls::inbox(ap_id);
  actor.shared_inbox_url = urls.shared_inbox();
  actor.outbox_url = Urls::outbox(ap_id);
  actor.followers_url = Urls::followers(ap_id);
  actor.following_url = Urls::following(ap_id);
  actor.featured_url = Urls::featured(ap_id);
  actor.public_key_id = Urls::key_id(ap_id);
  actor.public_key_pem = keys.public_pem;
  actor.private_key_pem = keys.private_pem;
  return actor;
}

UserSummary summarize(const storage::LocalUser& u) {
  return {u.actor.handle, u.actor.display_name.value_or(""), u.actor.ap_id, u.user.is_admin,
          u.user.created_at};
}

GroupSummary summarize(const storage::CommunityView& c, std::string owner) {
  return {c.actor.handle,
          c.actor.display_name.value_or(c.actor.handle),
          c.actor.ap_id,
          std::move(owner),
          std::string(storage::to_string(c.community.visibility)),
          std::string(storage::to_string(c.community.join_policy)),
          c.member_count,
          c.community.created_at};
}

}  // namespace

Admin::Admin(storage::Database& db, const Config& config) : db_(db), config_(config) {}

Result<UserSummary> Admin::create_user(const NewUserInput& input) {
  if (auto r = check_handle(input.handle); !r)
    return std::move(r).error();
  if (auto r = check_password_policy(input.password); !r)
    return std::move(r).error();
  if (input.email && input.email->find('@') == std::string::npos)
    return Error::invalid_input("email '" + *input.email + "' is not an e-mail address");
  if (input.display_name && input.display_name->size() > 100)
    return Error::invalid_input("display name must be at most 100 characters");

  // Slow work (argon2id, RSA key generation) happens before the transaction opens.
  auto hash = hash_password(input.password);
  if (!hash)
    return std::move(hash).error();
  auto keys = federation::generate_rsa_keypair();
  if (!keys)
    return std::move(keys).error();

  const Urls urls(config_.public_origin());
  storage::NewUser user;
  user.actor = local_actor(urls.user(input.handle), input.handle, *keys, urls);
  user.actor.url = urls.user_profile(input.handle);
  user.actor.display_name = input.display_name;
  user.password_hash = std::move(*hash);
  user.is_admin = input.is_admin;
  user.email = input.email;

  auto created = db_.transact([&](storage::Tx& tx) -> Result<storage::LocalUser> {
    auto taken = tx.actors().local_handle_taken(input.handle);
    if (!taken)
      return std::move(taken).error();
    if (*taken)
      return handle_taken(input.handle);
    return tx.users().create(user);
  });
  if (!created) {
    if (created.error().kind == core::ErrorKind::already_exists && input.email)
      return Error::already_exists("handle '" + input.handle + "' or e-mail '" + *input.email +
                                   "' is already taken");
    return std::move(created).error();
  }
  return summarize(*created);
}

Result<std::vector<UserSummary>> Admin::list_users() {
  return db_.read([&](storage::Tx& tx) -> Result<std::vector<UserSummary>> {
    std::vector<UserSummary> out;
    storage::PageRequest page{.limit = 200, .oldest_first = true};
    for (;;) {
      auto batch = tx.users().list(page);
      if (!batch)
        return std::move(batch).error();
      for (const auto& u : *batch)
        out.push_back(summarize(u));
      if (batch->size() < page.limit)
        break;
      page.after = batch->back().actor.id;
    }
    return out;
  });
}

// One way of creating a community: the same service the web app and `admin act` use.
Result<GroupSummary> Admin::create_group(const NewGroupInput& input) {
  if (auto r = check_handle(input.handle); !r)
    return std::move(r).error();
  if (input.title && (input.title->empty() || input.title->size() > 100))
    return Error::invalid_input("title must be 1 to 100 characters");
  auto owner =
      db_.read([&](storage::Tx& tx) { return tx.users().get_by_handle(input.owner_handle); });
  if (!owner) {
    if (owner.error().kind == core::ErrorKind::not_found)
      return Error::not_found("owner '" + input.owner_handle + "' is not a local user");
    return std::move(owner).error();
  }
  federation::outbox::Communities communities(db_, Urls(config_.public_origin()));
  federation::outbox::CommunityInput community;
  community.handle = input.handle;
  community.title = input.title.value_or(input.handle);
  auto created = communities.create(owner->actor.id, community);
  if (!created)
    return std::move(created).error();
  return summarize(*created, input.owner_handle);
}

Result<std::vector<GroupSummary>> Admin::list_groups() {
  return db_.read([&](storage::Tx& tx) -> Result<std::vector<GroupSummary>> {
    std::vector<GroupSummary> out;
    storage::PageRequest page{.limit = 200, .oldest_first = true};
    for (;;) {
      auto batch = tx.communities().list(storage::CommunityScope::local, page);
      if (!batch)
        return std::move(batch).error();
      for (const auto& c : *batch) {
        std::string owner;
        auto owners = tx.memberships().list(c.actor.id, storage::MemberState::accepted, {});
        if (!owners)
          return std::move(owners).error();
        for (const auto& m : *owners) {
          if (m.role != storage::MemberRole::owner)
            continue;
          auto actor = tx.actors().get(m.actor_id);
          if (actor)
            owner = actor->handle;
          break;
        }
        out.push_back(summarize(c, owner));
      }
      if (batch->size() < page.limit)
        break;
      page.after = batch->back().actor.id;
    }
    return out;
  });
}

Result<InstanceRule> Admin::set_instance_policy(const std::string& host,
                                                const std::string& policy_text) {
  if (!federation::is_valid_host(host))
    return Error::invalid_input("host '" + host +
                                "' is invalid: give a lowercase host name such as partner.example");
  storage::FederationPolicy policy;
  if (!storage::parse(policy_text, policy))
    return Error::invalid_input("policy must be allow, block or none");
  if (host == config_.domain)
    return Error::invalid_input("'" + host + "' is this instance");
  auto row = db_.transact([&](storage::Tx& tx) -> Result<storage::Instance> {
    if (auto known = tx.instances().ensure(host); !known)
      return std::move(known).error();
    return tx.instances().set_policy(host, policy);
  });
  if (!row)
    return std::move(row).error();
  return InstanceRule{row->host, std::string(storage::to_string(row->policy))};
}

Result<std::vector<InstanceRule>> Admin::list_instance_policies() {
  auto rules = federation::load_policy_rules(db_);
  if (!rules)
    return std::move(rules).error();
  std::vector<InstanceRule> out;  // std::map keeps them sorted by host
  for (const auto& [host, policy] : *rules)
    out.push_back({host, std::string(storage::to_string(policy))});
  return out;
}

InstanceProfile instance_profile(const storage::InstanceSettings& edited, const Config& config) {
  return {edited.title.value_or(config.instance.name),
          edited.description.value_or(config.instance.description),
          edited.contact_email.value_or(""),
          edited.registrations.value_or(config.instance.open_registrations ? "open" : "closed"),
          edited.federation_mode.value_or(config.federation.mode),
          edited.updated_at};
}

namespace {

// The edit's checks, before anything is written (the schema repeats the hard limits).
Result<void> check_settings(const InstanceSettingsInput& in) {
  const auto is_set = [](const auto& field) { return field && *field; };
  if (is_set(in.title) && ((*in.title)->empty() || (*in.title)->size() > 100))
    return Error::invalid_input("title must be 1 to 100 characters");
  if (is_set(in.description) && (*in.description)->size() > 2000)
    return Error::invalid_input("description must be at most 2000 characters");
  if (is_set(in.contact_email) && !(*in.contact_email)->empty() &&
      ((*in.contact_email)->size() > 320 || (*in.contact_email)->find('@') == std::string::npos))
    return Error::invalid_input("contact_email is not an e-mail address");
  if (is_set(in.registrations) && **in.registrations != "open" &&
      **in.registrations != "approval" && **in.registrations != "closed")
    return Error::invalid_input("registrations must be open, approval or closed");
  federation::FederationMode mode{};
  if (is_set(in.federation_mode) && !federation::parse(**in.federation_mode, mode))
    return Error::invalid_input("federation_mode must be open, blocklist or allowlist");
  return {};
}

}  // namespace

Result<InstanceProfile> Admin::instance_settings() {
  auto edited = db_.read([](storage::Tx& tx) { return tx.instance_settings().get(); });
  if (!edited)
    return std::move(edited).error();
  return instance_profile(*edited, config_);
}

Result<InstanceProfile> Admin::update_instance_settings(const InstanceSettingsInput& input,
                                                        std::optional<storage::Id> by) {
  if (auto ok = check_settings(input); !ok)
    return std::move(ok).error();
  auto stored = db_.transact([&](storage::Tx& tx) {
    return tx.instance_settings().update({.title = input.title,
                                          .description = input.description,
                                          .contact_email = input.contact_email,
                                          .registrations = input.registrations,
                                          .federation_mode = input.federation_mode},
                                         by);
  });
  if (!stored)
    return std::move(stored).error();
  return instance_profile(*stored, config_);
}

Result<storage::LocalUser> Admin::act_on_account(storage::Id admin_id, storage::Id account_id,
                                                 AccountAction action) {
  const bool restricts = action == AccountAction::suspend || action == AccountAction::disable;
  if (restricts && admin_id == account_id)
    return Error::invalid_input("an admin cannot suspend or disable their own account");
  return db_.transact([&](storage::Tx& tx) -> Result<storage::LocalUser> {
    auto user = tx.users().get(account_id);
    if (!user)
      return std::move(user).error();
    const auto now = std::optional<core::TimePoint>(tx.now());
    const auto lifted = storage::Nullable<core::TimePoint>(std::in_place, std::nullopt);
    const auto done = [](auto result) -> Result<void> {
      if (!result)
        return std::move(result).error();
      return {};
    };
    Result<void> changed;
    switch (action) {
      case AccountAction::suspend:
        if (!user->actor.suspended_at)
          changed = done(tx.actors().update(account_id, {.suspended_at = now}));
        break;
      case AccountAction::unsuspend:
        changed = done(tx.actors().update(account_id, {.suspended_at = lifted}));
        break;
      case AccountAction::disable:
        if (!user->user.disabled_at)
          changed = done(tx.users().update(account_id, {.disabled_at = now}));
        break;
      case AccountAction::enable:
        changed = done(tx.users().update(account_id, {.disabled_at = lifted}));
        break;
    }
    if (!changed)
      return std::move(changed).error();
    if (restricts) {
      if (auto revoked = tx.oauth().revoke_tokens_for_user(account_id, std::nullopt); !revoked)
        return std::move(revoked).error();
    }
    return tx.users().get(account_id);
  });
}

Result<void> Admin::ensure_instance_actor() {
  const Urls urls(config_.public_origin());
  auto existing = db_.read([&](storage::Tx& tx) -> Result<bool> {
    auto actor = tx.actors().get_by_ap_id(urls.instance_actor());
    if (actor)
      return true;
    if (actor.error().kind == core::ErrorKind::not_found)
      return false;
    return std::move(actor).error();
  });
  if (!existing)
    return std::move(existing).error();
  if (*existing)
    return {};
  auto keys = federation::generate_rsa_keypair();
  if (!keys)
    return std::move(keys).error();
  // Mastodon's convention: the instance actor is named after the domain, which no person or group
  // handle can collide with (they cannot contain '.' or ':').
  auto actor = local_actor(urls.instance_actor(), config_.domain, *keys, urls);
  actor.display_name = config_.instance.name;
  actor.manually_approves_followers = true;
  return db_.transact([&](storage::Tx& tx) -> Result<void> {
    if (auto local = tx.instances().ensure_local(config_.domain); !local)
      return std::move(local).error();
    auto created = tx.actors().create_local(storage::ActorKind::application, actor);
    // Another process may have created it between our read and this write: that is fine.
    if (!created && created.error().kind != core::ErrorKind::already_exists)
      return std::move(created).error();
    return {};
  });
}

Result<std::unique_ptr<storage::Database>> open_configured_database(const Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec)
    return Error::unavailable("cannot create data_dir '" + config.data_dir + "': " + ec.message());
  ::chmod(config.data_dir.c_str(), 0700);  // it holds the database with the actors' private keys

  storage::DatabaseOptions options;
  options.pool_size = static_cast<std::size_t>(config.database.pool_size);
  options.busy_timeout = std::chrono::milliseconds(config.database.busy_timeout_ms);
  auto db = storage::open_database(config.effective_database_url(), options);
  if (!db)
    return std::move(db).error();
  // open_database refuses a schema newer than this binary; older ones are brought up to date.
  if (auto applied = (*db)->migrate(); !applied)
    return std::move(applied).error();
  return std::move(*db);
}

}  // namespace guildhall::server
