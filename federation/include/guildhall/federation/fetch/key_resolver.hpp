#pragma once

// The production signatures::KeyResolver: keyId -> owner actor and public key, with the checks
// the catalogue asks for (SIG-18 back-link, SIG-21 negative cache, SIG-28 blocked before fetch,
// SIG-29 refresh rate limit).
//
//   fetch::FetchingKeyResolver keys(actors);        // RemoteActors (which holds deref + db)
//   auto verified = signatures::verify_request(in, keys, clock);
//
// resolve() BLOCKS (storage, and the network on a miss): call verify_request from the blocking
// pool, never from an I/O thread.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/fetch/remote_actors.hpp"
#include "guildhall/federation/signatures/verify.hpp"

namespace guildhall::federation::fetch {

struct KeyResolverOptions {
  // How long a key stays in memory before storage is consulted again (another process may have
  // stored a rotated key from an Update(Person)).
  std::chrono::seconds memory_ttl{std::chrono::minutes(10)};
  // At most one network refresh per key in this window (SIG-29); inside it, refresh requests are
  // answered from the cache with from_cache=false so the verifier does not loop.
  std::chrono::seconds refresh_cooldown{std::chrono::minutes(5)};
  // A failed fetch is remembered this long; resolve() answers unavailable without fetching
  // (SIG-21).
  std::chrono::seconds negative_ttl{std::chrono::minutes(10)};
  // Bound on per-key state (catalogue rule 6); the maps are cleared when they reach it.
  std::size_t max_entries = 50'000;
};

// Resolution, in order:
//  1. keyId must be an absolute http(s) URL (egress parse) - else invalid_input;
//  2. a host refused by the policy - forbidden, no fetch (SIG-28);
//  3. our own host - storage only (local actor whose public_key_id equals keyId), never HTTP;
//  4. a recent failure - unavailable, no fetch (SIG-21);
//  5. memory cache, then stored actor (ap_id = keyId without fragment, public_key_id = keyId; else
//     an actor on keyId's origin whose stored public_key_id is keyId);
//     a stored actor that is suspended or deleted - forbidden (SIG-28);
//  6. fetch keyId without its fragment. An actor document must list keyId; a key document names
//     its `owner`, whose document is then fetched and must list the same keyId with the same key
//     (SIG-18). The owner is stored (upsert) and returned as ResolvedKey::owner. An actor document
//     may instead list keyId as an FEP-521a Multikey in `assertionMethod` (Ed25519
//     `publicKeyMultibase`, controller = the actor): that key is returned, and stored with the
//     actor (actor_multikeys), so step 5 finds it after a restart and in other processes.
// Thread-safe. Concurrent misses for one key fetch it once (single flight); the others wait for
// that fetch's result.
class FetchingKeyResolver final : public signatures::KeyResolver {
 public:
  explicit FetchingKeyResolver(const RemoteActors& actors, KeyResolverOptions options = {});

  core::Result<signatures::ResolvedKey> resolve(std::string_view key_id, bool refresh) override;

  // For tests and metrics.
  std::size_t network_fetches() const;
  void clear();

 private:
  struct Entry {
    std::optional<signatures::ResolvedKey> key;
    core::TimePoint cached_at{};
    std::optional<core::TimePoint> last_fetch{};
    std::optional<core::TimePoint> failed_at{};
    std::string failure;
  };
  core::Result<signatures::ResolvedKey> fetch_key(std::string_view key_id,
                                                  std::string_view document_url);
  core::Result<signatures::ResolvedKey> from_storage(std::string_view key_id,
                                                     std::string_view document_url, bool local);
  // An FEP-521a Multikey stored with an actor on the key's origin.
  core::Result<signatures::ResolvedKey> stored_multikey(std::string_view key_id);
  void remember(const std::string& key_id, Entry entry);
  // One fetch in progress for a key id; the threads that missed meanwhile wait for its result.
  struct Flight {
    std::mutex mutex;
    std::condition_variable done;
    std::optional<core::Result<signatures::ResolvedKey>> result;
  };

  const RemoteActors& actors_;
  KeyResolverOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
  std::map<std::string, std::shared_ptr<Flight>, std::less<>> flights_;
  std::size_t fetches_ = 0;
};

}  // namespace guildhall::federation::fetch
