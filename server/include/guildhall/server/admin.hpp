#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/server/config.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::storage {
class Database;
}

namespace guildhall::server {

struct UserSummary {
  std::string handle;
  std::string display_name;
  std::string ap_id;
  bool is_admin = false;
  core::TimePoint created_at;
};

struct GroupSummary {
  std::string handle;
  std::string title;
  std::string ap_id;
  std::string owner;  // handle of the owner
  std::string visibility;
  std::string join_policy;
  std::int64_t members = 0;
  core::TimePoint created_at;
};

struct InstanceRule {
  std::string host;
  std::string policy;  // allow | block | none
};

struct NewUserInput {
  std::string handle;
  std::string password;
  bool is_admin = false;
  std::optional<std::string> email;
  std::optional<std::string> display_name;
};

// What visitors and peers see of this instance (instance API, NodeInfo) and what admins edit:
// the settings stored by the admin API over the configuration's defaults.
struct InstanceProfile {
  std::string title;
  std::string description;
  std::string contact_email;
  std::string registrations;                  // open | approval | closed
  std::string federation_mode;                // open | blocklist | allowlist
  std::optional<core::TimePoint> updated_at;  // nullopt: never edited, all from the configuration
};
InstanceProfile instance_profile(const storage::InstanceSettings& edited, const Config& config);

// An admin's edit of the instance settings: unset fields stay; a set field holding nullopt goes
// back to the configuration's value.
struct InstanceSettingsInput {
  std::optional<std::optional<std::string>> title;
  std::optional<std::optional<std::string>> description;
  std::optional<std::optional<std::string>> contact_email;
  std::optional<std::optional<std::string>> registrations;
  std::optional<std::optional<std::string>> federation_mode;
};

// What an admin does to a local account (Mastodon's admin account actions).
enum class AccountAction { suspend, unsuspend, disable, enable };

struct NewGroupInput {
  std::string handle;
  std::string owner_handle;
  std::optional<std::string> title;
};

// The operations behind `guildhall admin ...`. They validate input fully before writing, and write
// each change in one transaction, so a refused command changes nothing. The HTTP APIs reuse them.
class Admin {
 public:
  Admin(storage::Database& db, const Config& config);

  core::Result<UserSummary> create_user(const NewUserInput& input);
  core::Result<std::vector<UserSummary>> list_users();
  core::Result<GroupSummary> create_group(const NewGroupInput& input);
  core::Result<std::vector<GroupSummary>> list_groups();

  // Federation policy for one host (allow, block, or none to clear it); returns the stored row.
  core::Result<InstanceRule> set_instance_policy(const std::string& host,
                                                 const std::string& policy);
  // Hosts with an allow or block rule, sorted by host.
  core::Result<std::vector<InstanceRule>> list_instance_policies();

  // The instance as configured and edited; validates and stores an edit (by: the admin).
  core::Result<InstanceProfile> instance_settings();
  core::Result<InstanceProfile> update_instance_settings(const InstanceSettingsInput& input,
                                                         std::optional<storage::Id> by);

  // Suspending or disabling an account revokes every token it holds (web sessions included) in
  // the same transaction, which closes its streams; it can no longer sign in until lifted.
  // invalid_input when an admin acts on themselves, not_found for an unknown local account.
  core::Result<storage::LocalUser> act_on_account(storage::Id admin_id, storage::Id account_id,
                                                  AccountAction action);

  // Creates the instance actor (the key that signs our GETs) if it does not exist yet.
  core::Result<void> ensure_instance_actor();

 private:
  storage::Database& db_;
  const Config& config_;
};

// Opens the configured database, creating data_dir (mode 0700) first, and applies pending
// migrations. Refuses a schema newer than this binary.
core::Result<std::unique_ptr<storage::Database>> open_configured_database(const Config& config);

}  // namespace guildhall::server
