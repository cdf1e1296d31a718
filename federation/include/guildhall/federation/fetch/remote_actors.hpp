#pragma once

// Remote actors: fetched from their origin, converted to storage rows, cached in the database.
//
//   fetch::RemoteActors actors(deref, db);
//   auto alice = actors.get("https://peer.example/users/alice");  // DB if fresh, else fetch
//   auto group = actors.resolve_handle("technology@lemmy.example");  // WebFinger, then fetch
//
// EVERY CALL BLOCKS (network and storage): worker threads or the blocking pool only.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
// or when an endpoint is not an http(s) URL. `summary` goes through the HTML allowlist
// sanitizer (content::sanitize_html) before it is stored in summary_html. The public key kept is
// `preferred_key_id` if the document lists it, else the first key whose owner is the actor.
core::Result<storage::RemoteActorForm> to_remote_actor_form(const activitystreams::Object& actor,
                                                            std::string_view preferred_key_id = {});

// FEP-521a: the Ed25519 Multikeys an actor document lists in `assertionMethod` ({id, type:
// Multikey, controller = the actor, publicKeyMultibase}), the ones that decode, at most 16 looked
// at. store() keeps them with the actor (actor_id left 0 here).
std::vector<storage::ActorMultikey> multikeys_of(const activitystreams::Object& actor);

struct RemoteActorsOptions {
  // A stored remote actor older than this is refetched by get().
  std::chrono::seconds refresh_after{std::chrono::hours(24)};
  // resolve_handle() remembers which actor a `name@host` is this long (the WebFinger round trips
  // are skipped; the actor itself still comes through get(), so refresh_after applies to it) ...
  std::chrono::seconds handle_ttl{std::chrono::hours(1)};
  // ... and that a name does not exist (WebFinger or the actor answered 404/410) this long, so a
  // client typing a name does not make a request per keystroke. Network failures are not kept.
  std::chrono::seconds handle_miss_ttl{std::chrono::minutes(5)};
  // Bound on remembered handles (catalogue rule 6); the cache is cleared when it is reached.
  std::size_t max_handles = 10'000;
};

// Thread-safe: the handle cache is behind a mutex; everything else is what it is given.
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
  // Dereferencer), with its Multikeys (multikeys_of), in one transaction. `preferred_key_id` as
  // for to_remote_actor_form.
  core::Result<storage::Actor> store(const activitystreams::Object& actor,
                                     std::string_view preferred_key_id = {}) const;

  // "name@host", "@name@host" or "acct:name@host". WebFinger on host, the `self` link
  // with an AS2 media type, then the actor is fetched (every GET signed). Checks:
  //  - the actor's host equals `host` and its preferredUsername equals `name`
  //    (case-insensitive), or
  //  - (split domains) WebFinger on the actor's own host for acct:preferredUsername@actor-host
  //    returns a `self` link equal to the actor id (Mastodon's confirmation).
  // Anything else is forbidden ("webfinger mismatch"). `prefer_group`: of several self links
  // (Lemmy's person and community of one name), the one typed Group.
  // Answers are cached in memory (handle_ttl, handle_miss_ttl): a repeated lookup makes no
  // WebFinger request.
  core::Result<storage::Actor> resolve_handle(std::string_view handle,
                                              bool prefer_group = false) const;
  // For tests and metrics: WebFinger requests made by resolve_handle.
  std::size_t webfinger_requests() const;

  const Dereferencer& dereferencer() const { return deref_; }
  storage::Database& database() const { return db_; }

 private:
  core::Result<std::string> webfinger_self(std::string_view name, std::string_view host,
                                           bool prefer_group = false) const;
  core::Result<storage::Actor> resolve_uncached(std::string_view handle, std::string_view name,
                                                std::string_view host, bool prefer_group) const;

  // `name@host` (lowercase; "#group" appended when a Group was preferred) -> the actor id, or the
  // not_found message of a miss.
  struct HandleEntry {
    std::optional<std::string> ap_id;
    std::string miss;
    core::TimePoint expires{};
  };

  const Dereferencer& deref_;
  storage::Database& db_;
  RemoteActorsOptions options_;
  mutable std::mutex handles_mutex_;
  mutable std::map<std::string, HandleEntry, std::less<>> handles_;
  mutable std::size_t webfinger_requests_ = 0;
};

}  // namespace guildhall::federation::fetch
