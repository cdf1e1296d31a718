#pragma once

// Remote actors: fetched from their origin, converted to storage rows, cached in the database.
//
//   fetch::RemoteActors actors(deref, db);
//   auto alice = actors.get("https://peer.example/users/alice");  // DB if fresh, else fetch
//   auto group = actors.resolve_handle("technology@lemmy.example");  // WebFinger, then fetch
//
// EVERY CALL BLOCKS (network and storage): worker threads or the blocking pool only.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/fetch/dereferencer.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::storage {
class Database;
}

namespace guildhall::federation::fetch {

// Converts a fetched actor document (Person, Group, Service, Application, Organization) into
// the storage form. invalid_input when it is not an actor, lacks preferredUsername or an inbox,
// or when an endpoint is not an http(s) URL. `summary` is stored in summary_html through
// content::sanitize_html (allowlist, http/https/mailto links only). The public key kept is
// `preferred_key_id` if the document lists it, else the first key whose owner is the actor.
core::Result<storage::RemoteActorForm> to_remote_actor_form(const activitystreams::Object& actor,
                                                            std::string_view preferred_key_id = {});

struct RemoteActorsOptions {
  // A stored remote actor older than this is refetched by get().
  std::chrono::seconds refresh_after{std::chrono::hours(24)};
};

// Thread-safe (no state besides what it is given).
class RemoteActors {
 public:
  RemoteActors(const Dereferencer& deref, storage::Database& db, RemoteActorsOptions options = {});

  // The actor with this ActivityPub id. Local ids (our domain) come from storage only, never HTTP.
  // A stored remote actor fetched within refresh_after is returned as is; otherwise (or with
  // `refresh`) it is fetched, and if the fetch fails while a stored copy exists, the stored copy
  // is returned (a peer being down must not make its actors vanish) unless it was gone (404/410).
  core::Result<storage::Actor> get(std::string_view ap_id, bool refresh = false) const;

  // Fetches and stores, without looking at the database first.
  core::Result<storage::Actor> refresh(std::string_view ap_id) const;

  // Stores an actor document that was fetched from its origin (its id already checked by the
  // Dereferencer). `preferred_key_id` as for to_remote_actor_form.
  core::Result<storage::Actor> store(const activitystreams::Object& actor,
                                     std::string_view preferred_key_id = {}) const;

  // "name@host", "@name@host" or "acct:name@host". WebFinger on host, the `self` link
  // with an AS2 media type, then the actor is fetched (every GET signed). Checks:
  //  - the actor's host equals `host` and its preferredUsername equals `name`
  //    (case-insensitive), or
  //  - (split domains) WebFinger on the actor's own host for acct:preferredUsername@actor-host
  //    returns a `self` link equal to the actor id (Mastodon's confirmation).
  // Anything else is forbidden ("webfinger mismatch").
  core::Result<storage::Actor> resolve_handle(std::string_view handle) const;

  const Dereferencer& dereferencer() const { return deref_; }
  storage::Database& database() const { return db_; }

 private:
  core::Result<std::string> webfinger_self(std::string_view name, std::string_view host) const;

  const Dereferencer& deref_;
  storage::Database& db_;
  RemoteActorsOptions options_;
};

}  // namespace guildhall::federation::fetch
