#pragma once

// Which software a peer runs (instances.software_name / software_version), read from its NodeInfo:
// `/.well-known/nodeinfo`, then the 2.1 (else 2.0) document it links on the same host. Asked when
// an instance is first seen or its record is older than `max_age`; the group engine's
// EmojiReact -> Like fallback and the admin pages read the result.
//
//   fetch::InstanceSoftware software(deref, db);
//   software.refresh_if_stale("https://lemmy.example/u/alice");  // the actor's instance
//
// EVERY CALL MAY BLOCK (network and storage): worker threads only. Every GET goes through the
// Dereferencer (egress SSRF rules, the federation policy, bounded bodies); answers are bounded.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/egress/url.hpp"
#include "guildhall/federation/fetch/dereferencer.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::storage {
class Database;
}

namespace guildhall::federation::fetch {

// The NodeInfo document `/.well-known/nodeinfo` links: the highest schema version we read (2.1,
// then 2.0), only on the host it was served by. not_found when there is none.
core::Result<std::string> nodeinfo_document_url(const nlohmann::json& well_known,
                                                const egress::Url& served_by);

struct Software {
  std::string name;  // lowercase, as NodeInfo requires ([a-z0-9-])
  std::optional<std::string> version;
};
// `software {name, version}` of a NodeInfo document; invalid_input unless the name is 1-64
// characters of [a-z0-9-_.] (lowercased); a version over 64 bytes is cut.
core::Result<Software> nodeinfo_software(const nlohmann::json& document);

struct InstanceSoftwareOptions {
  std::chrono::seconds max_age{std::chrono::hours(24)};
  // A peer whose NodeInfo could not be read is asked again only after this.
  std::chrono::seconds retry_after{std::chrono::hours(1)};
  std::size_t max_hosts = 10'000;  // remembered attempts, then the memory starts over
};

// Thread-safe: the attempts are behind a mutex.
class InstanceSoftware {
 public:
  // `deref` and `db` must outlive this.
  InstanceSoftware(const Dereferencer& deref, storage::Database& db,
                   InstanceSoftwareOptions options = {});

  // The instance of `actor_url`: detected when its record has no software or is older than
  // max_age, unless it was tried within retry_after (or max_age after a success). Our own
  // instance and refused hosts are never asked. Failures are logged, never returned.
  void refresh_if_stale(std::string_view actor_url) const;

  // Reads the NodeInfo of `host` ("host[:port]") now and stores what it says.
  core::Result<storage::Instance> detect(std::string_view host) const;

 private:
  const Dereferencer& deref_;
  storage::Database& db_;
  InstanceSoftwareOptions options_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, core::TimePoint> attempts_;  // host -> last attempt
};

}  // namespace guildhall::federation::fetch
