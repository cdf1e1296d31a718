#include "guildhall/federation/fetch/key_resolver.hpp"

#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "guildhall/federation/egress/url.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::fetch {

namespace as = guildhall::activitystreams;
using signatures::PublicKey;
using signatures::ResolvedKey;

namespace {

bool is_actor(const as::Object& object) {
  switch (object.kind) {
    case as::Kind::person:
    case as::Kind::group:
    case as::Kind::service:
    case as::Kind::application:
    case as::Kind::organization:
      return true;
    default:
      return false;
  }
}

const as::PublicKey* find_key(const as::Object& actor, std::string_view key_id) {
  for (const as::PublicKey& key : actor.public_keys) {
    if (key.id == key_id && !key.pem.empty() && (key.owner.empty() || key.owner == actor.id))
      return &key;
  }
  return nullptr;
}

// FEP-521a: the Multikey named by key_id among the actor's own (multikeys_of).
std::optional<PublicKey> find_multikey(const as::Object& actor, std::string_view key_id) {
  for (const storage::ActorMultikey& key : multikeys_of(actor)) {
    if (key.key_id != key_id)
      continue;
    if (auto decoded = PublicKey::from_multibase(key.public_key_multibase); decoded)
      return std::move(*decoded);
  }
  return std::nullopt;
}

// A string property of a standalone key document, bounded like every other id or PEM.
std::string raw_string(const as::Object& doc, const char* name) {
  if (!doc.raw.is_object())
    return {};
  const auto it = doc.raw.find(name);
  if (it == doc.raw.end() || !it->is_string())
    return {};
  std::string value = it->get<std::string>();
  return value.size() <= 64 * 1024 ? value : std::string();
}

core::Error suspended() {
  return core::Error::forbidden("key owner is suspended or deleted");
}

}  // namespace

FetchingKeyResolver::FetchingKeyResolver(const RemoteActors& actors, KeyResolverOptions options)
    : actors_(actors), options_(options) {}

std::size_t FetchingKeyResolver::network_fetches() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

void FetchingKeyResolver::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

void FetchingKeyResolver::remember(const std::string& key_id, Entry entry) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= options_.max_entries && entries_.find(key_id) == entries_.end())
    entries_.clear();  // crude but bounded; storage refills the hot keys
  entries_[key_id] = std::move(entry);
}

core::Result<ResolvedKey> FetchingKeyResolver::from_storage(std::string_view key_id,
                                                            std::string_view document_url,
                                                            bool local) {
  auto actor = actors_.database().read([&](storage::Tx& tx) -> core::Result<storage::Actor> {
    auto by_id = tx.actors().get_by_ap_id(document_url);
    if (by_id && by_id->public_key_id == key_id)
      return by_id;
    if (!by_id && by_id.error().kind != core::ErrorKind::not_found)
      return by_id;
    // A key id that is not the actor id plus a fragment (Mastodon's /keys/..., rotated keys): the
    // stored actor naming it, if it lives on the key's own origin (another origin's document may
    // claim any key id).
    auto claimed = tx.actors().list_by_public_key_id(key_id);
    if (!claimed)
      return std::move(claimed).error();
    for (storage::Actor& candidate : *claimed)
      if (signatures::same_origin(candidate.ap_id, key_id))
        return std::move(candidate);
    return by_id;
  });
  if (!local && (!actor || actor->public_key_id != key_id)) {
    if (auto multikey = stored_multikey(key_id);
        multikey || multikey.error().kind != core::ErrorKind::not_found)
      return multikey;
  }
  if (!actor)
    return actor.error();
  if (actor->suspended_at || actor->deleted_at)
    return suspended();
  if (!actor->public_key_id || *actor->public_key_id != key_id || !actor->public_key_pem)
    return core::Error::not_found("key not stored");
  auto key = PublicKey::from_pem(*actor->public_key_pem);
  if (!key)
    return key.error();
  // Local keys are authoritative: never ask for a refresh of them.
  return ResolvedKey{std::string(key_id), actor->ap_id, std::move(*key), !local};
}

core::Result<ResolvedKey> FetchingKeyResolver::stored_multikey(std::string_view key_id) {
  using Found = std::pair<storage::Actor, storage::ActorMultikey>;
  auto found = actors_.database().read([&](storage::Tx& tx) -> core::Result<Found> {
    auto keys = tx.actors().list_multikeys(key_id);
    if (!keys)
      return std::move(keys).error();
    for (storage::ActorMultikey& key : *keys) {
      auto owner = tx.actors().get(key.actor_id);
      if (!owner)
        return std::move(owner).error();
      // Only the key's own origin may claim it (another origin's document may name any key id).
      if (signatures::same_origin(owner->ap_id, key_id.substr(0, key_id.find('#'))))
        return Found{std::move(owner).value(), std::move(key)};
    }
    return core::Error::not_found("key not stored");
  });
  if (!found)
    return found.error();
  const auto& [owner, key] = *found;
  if (owner.suspended_at || owner.deleted_at)
    return suspended();
  auto decoded = PublicKey::from_multibase(key.public_key_multibase);
  if (!decoded)
    return decoded.error();
  return ResolvedKey{std::string(key_id), owner.ap_id, std::move(*decoded), true};
}

core::Result<ResolvedKey> FetchingKeyResolver::fetch_key(std::string_view key_id,
                                                         std::string_view document_url) {
  const Dereferencer& deref = actors_.dereferencer();
  auto fetched = deref.fetch(document_url);
  if (!fetched)
    return fetched.error();
  const as::Object& doc = fetched->object;
  std::string pem;
  core::Result<storage::Actor> owner = core::Error::internal("unset");
  if (is_actor(doc)) {
    // keyId names a fragment of (or the whole of) an actor document: it must list the key.
    const as::PublicKey* key = find_key(doc, key_id);
    if (key == nullptr) {
      auto multikey = find_multikey(doc, key_id);
      if (!multikey)
        return core::Error::invalid_input("actor document does not list key " +
                                          std::string(key_id));
      // Stored with the actor (actor_multikeys), so storage finds it after a restart.
      owner = actors_.store(doc);
      if (!owner)
        return owner.error();
      if (owner->suspended_at || owner->deleted_at)
        return suspended();
      return ResolvedKey{std::string(key_id), owner->ap_id, std::move(*multikey), false};
    }
    pem = key->pem;
    owner = actors_.store(doc, key_id);
  } else {
    // A standalone key document (Mastodon's key URL, FEP-521a): `owner` (or `controller`) is a
    // claim; only the owner's own document listing the same key makes it true (SIG-18, Fedify
    // GHSA-q9f8-5hc7-898f).
    if (doc.id != key_id && doc.id != document_url)
      return core::Error::invalid_input("key document id does not match keyId");
    std::string owner_id = raw_string(doc, "owner");
    if (owner_id.empty())
      owner_id = raw_string(doc, "controller");
    pem = raw_string(doc, "publicKeyPem");
    if (owner_id.empty() || pem.empty())
      return core::Error::invalid_input("key document without owner or publicKeyPem");
    auto owner_doc = deref.fetch(owner_id);
    if (!owner_doc)
      return owner_doc.error();
    if (!is_actor(owner_doc->object))
      return core::Error::invalid_input("key owner is not an actor");
    const as::PublicKey* listed = find_key(owner_doc->object, key_id);
    if (listed == nullptr)
      return core::Error::invalid_input("key owner does not list key " + std::string(key_id));
    auto claimed = PublicKey::from_pem(pem);
    auto published = PublicKey::from_pem(listed->pem);
    if (!claimed || !published || !claimed->same_key(*published))
      return core::Error::invalid_input("key owner lists a different key for " +
                                        std::string(key_id));
    owner = actors_.store(owner_doc->object, key_id);
  }
  if (!owner)
    return owner.error();
  if (owner->suspended_at || owner->deleted_at)
    return suspended();
  auto key = PublicKey::from_pem(pem);
  if (!key)
    return key.error();
  return ResolvedKey{std::string(key_id), owner->ap_id, std::move(*key), false};
}

core::Result<ResolvedKey> FetchingKeyResolver::resolve(std::string_view key_id, bool refresh) {
  const std::string_view document_url = key_id.substr(0, key_id.find('#'));
  auto url = egress::parse_url(document_url);
  if (!url)
    return core::Error::invalid_input("keyId is not an http(s) URL");
  const Dereferencer& deref = actors_.dereferencer();
  if (deref.is_local(url->authority()) || deref.is_local(url->host))
    return from_storage(key_id, document_url, true);  // never HTTP for our own keys
  if (!deref.allowed(*url))
    return core::Error::forbidden("key host refused by federation policy: " + url->host);

  const core::TimePoint now = deref.clock().now();
  const std::string id(key_id);
  Entry entry;
  {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(id); it != entries_.end()) {
      entry = it->second;
      if (entry.failed_at && now - *entry.failed_at < options_.negative_ttl)
        return core::Error::unavailable("key fetch failed recently: " + entry.failure);
      if (entry.key) {
        if (!refresh && now - entry.cached_at < options_.memory_ttl) {
          ResolvedKey out = *entry.key;
          out.from_cache = true;
          return out;
        }
        // SIG-29: inside the cool-off a refresh is served from the cache, marked as not cached
        // so the verifier does not ask again.
        if (refresh && entry.last_fetch && now - *entry.last_fetch < options_.refresh_cooldown) {
          ResolvedKey out = *entry.key;
          out.from_cache = false;
          return out;
        }
      }
    }
  }

  if (!refresh) {
    auto stored = from_storage(key_id, document_url, false);
    if (stored) {
      entry.key = *stored;
      entry.cached_at = now;
      entry.failed_at.reset();
      remember(id, entry);
      return stored;
    }
    if (stored.error().kind == core::ErrorKind::forbidden)
      return stored;
  }

  // Single flight: concurrent misses for one key (a burst of activities from a new peer) wait for
  // the first one's fetch instead of each fetching it.
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = flights_.try_emplace(id);
    if (inserted)
      it->second = std::make_shared<Flight>();
    flight = it->second;
    leader = inserted;
  }
  if (!leader) {
    std::unique_lock lock(flight->mutex);
    flight->done.wait(lock, [&flight] { return flight->result.has_value(); });
    return *flight->result;
  }

  auto fetched = fetch_key(key_id, document_url);
  {
    std::lock_guard lock(mutex_);
    flights_.erase(id);
    ++fetches_;
    if (entries_.size() >= options_.max_entries && entries_.find(id) == entries_.end())
      entries_.clear();
    Entry& slot = entries_[id];
    slot.last_fetch = now;
    if (fetched) {
      slot.key = *fetched;
      slot.cached_at = now;
      slot.failed_at.reset();
      slot.failure.clear();
    } else if (!slot.key) {
      // With a key still cached, a failed refresh is only rate-limited (the old key keeps
      // serving); without one, the failure itself is remembered (SIG-21).
      slot.failed_at = now;
      slot.failure = fetched.error().message.substr(0, 200);
    }
  }
  {
    std::lock_guard lock(flight->mutex);
    flight->result = fetched;
  }
  flight->done.notify_all();
  return fetched;
}

}  // namespace guildhall::federation::fetch
