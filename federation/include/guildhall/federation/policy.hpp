#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::storage {
class Database;
}

namespace guildhall::federation {

// Which instances we federate with (config `federation.mode`):
//   open      - everyone; the instance list is not consulted.
//   blocklist - everyone except hosts marked `block` (and their subdomains).
//   allowlist - only hosts marked `allow` (and their subdomains): partner-only federation.
// A refused host can neither deliver to nor fetch from us, and we neither deliver to nor fetch
// from it.
enum class FederationMode { open, blocklist, allowlist };
std::string_view to_string(FederationMode mode) noexcept;
bool parse(std::string_view text, FederationMode& out) noexcept;

// Lowercase DNS host name (or IPv4 literal) with an optional :port; no scheme, path or userinfo.
bool is_valid_host(std::string_view host);

// The policy decision over a fixed set of rules; pure and cheap (called for every inbox request and
// every outgoing request).
class PolicySnapshot {
 public:
  PolicySnapshot(FederationMode mode, std::map<std::string, storage::FederationPolicy> rules);

  FederationMode mode() const noexcept { return mode_; }
  // `host` as in a URL authority ("Peer.Example:8443" is fine: it is lowercased).
  bool allows(std::string_view host) const;
  // The rule that decides for `host`: an exact host:port rule, else the host's, else the closest
  // parent domain's.
  std::optional<storage::FederationPolicy> rule_for(std::string_view host) const;

 private:
  FederationMode mode_;
  std::map<std::string, storage::FederationPolicy> rules_;  // only allow/block entries
};

// Hosts with an allow or block rule, from the instances table. BLOCKING.
core::Result<std::map<std::string, storage::FederationPolicy>> load_policy_rules(
    storage::Database& db);
// The mode in force: the admin-edited one, else `configured`. BLOCKING.
core::Result<FederationMode> load_federation_mode(storage::Database& db, FederationMode configured);

// The live policy: a snapshot reloaded from the instances table and the admin-edited mode
// (storage::InstanceSettings::federation_mode, else `configured_mode`), so changes made through the
// admin API or `guildhall admin federation` in any process take effect on the next reload.
// allows() never touches the database; reload() does, so call it from a blocking-work thread.
class PeerPolicy {
 public:
  explicit PeerPolicy(FederationMode configured_mode);
  bool allows(std::string_view host) const;
  // The mode in force (the edited one once reloaded).
  FederationMode mode() const { return snapshot()->mode(); }
  core::Result<void> reload(storage::Database& db);
  std::shared_ptr<const PolicySnapshot> snapshot() const;

 private:
  const FederationMode configured_mode_;
  mutable std::mutex mutex_;
  std::shared_ptr<const PolicySnapshot> snapshot_;
};

}  // namespace guildhall::federation
