#include "guildhall/federation/fetch/remote_actors.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "guildhall/content/html.hpp"
#include "guildhall/federation/egress/url.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/signatures/headers.hpp"
#include "guildhall/federation/signatures/verify.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::fetch {

namespace as = guildhall::activitystreams;

namespace {

// Endpoints must be absolute http(s) URLs; a missing one stays absent.
core::Result<std::optional<std::string>> endpoint(const std::string& value, std::string_view what) {
  if (value.empty())
    return std::optional<std::string>{};
  auto url = egress::parse_url(value);
  if (!url)
    return core::Error::invalid_input("actor " + std::string(what) + " is not an http(s) URL");
  return std::optional<std::string>{value};
}

std::optional<std::string> non_empty(const std::string& value) {
  if (value.empty())
    return std::nullopt;
  return value;
}

core::Result<std::pair<std::string, std::string>> split_handle(std::string_view handle) {
  if (handle.starts_with("acct:"))
    handle.remove_prefix(5);
  if (handle.starts_with("@"))
    handle.remove_prefix(1);
  const std::size_t at = handle.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == handle.size() ||
      handle.find('@', at + 1) != std::string_view::npos)
    return core::Error::invalid_input("expected name@host");
  std::string name(handle.substr(0, at));
  std::string host = signatures::to_lower(handle.substr(at + 1));
  for (char c : name) {
    // WebFinger resource goes into a query string: keep to what handles are made of.
    const bool ok =
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '~';
    if (!ok)
      return core::Error::invalid_input("invalid character in handle");
  }
  if (!is_valid_host(host))
    return core::Error::invalid_input("invalid host in handle");
  return std::make_pair(std::move(name), std::move(host));
}

bool is_as2_link_type(std::string_view type) {
  return is_activity_json(type);
}

constexpr std::string_view kAs2TypeProperty = "https://www.w3.org/ns/activitystreams#type";

}  // namespace

core::Result<storage::RemoteActorForm> to_remote_actor_form(const as::Object& actor,
                                                            std::string_view preferred_key_id) {
  storage::RemoteActorForm form;
  switch (actor.kind) {
    case as::Kind::person:
      form.kind = storage::ActorKind::person;
      break;
    case as::Kind::group:
      form.kind = storage::ActorKind::group;
      break;
    case as::Kind::service:
      form.kind = storage::ActorKind::service;
      break;
    case as::Kind::application:
      form.kind = storage::ActorKind::application;
      break;
    case as::Kind::organization:
      // Mastodon shows Organization accounts as people; it is not a community (no Group
      // semantics such as Announce-wrapping), so it is not stored as one.
      form.kind = storage::ActorKind::person;
      break;
    default:
      return core::Error::invalid_input("not an actor: " + std::string(actor.type_name()));
  }
  auto id_url = egress::parse_url(actor.id);
  if (!id_url)
    return core::Error::invalid_input("actor id is not an http(s) URL");
  if (actor.preferred_username.empty())
    return core::Error::invalid_input("actor has no preferredUsername");
  if (actor.inbox.empty())
    return core::Error::invalid_input("actor has no inbox");
  form.ap_id = actor.id;
  form.handle = actor.preferred_username;
  form.domain = id_url->authority();

  auto inbox = endpoint(actor.inbox, "inbox");
  if (!inbox)
    return inbox.error();
  form.inbox_url = **inbox;
  // Lemmy (and Mbin) name a group's moderators collection in attributedTo, not `moderators`.
  std::string moderators = actor.moderators;
  if (moderators.empty() && form.kind == storage::ActorKind::group &&
      actor.attributed_to.size() == 1 && !actor.attributed_to.front().is_embedded())
    moderators = actor.attributed_to.front().id();
  struct Field {
    const std::string& value;
    std::optional<std::string>& out;
    std::string_view name;
  };
  const Field fields[] = {
      {actor.shared_inbox, form.shared_inbox_url, "sharedInbox"},
      {actor.outbox, form.outbox_url, "outbox"},
      {actor.followers, form.followers_url, "followers"},
      {actor.following, form.following_url, "following"},
      {actor.featured, form.featured_url, "featured"},
      {moderators, form.moderators_url, "moderators"},
  };
  for (const Field& field : fields) {
    auto value = endpoint(field.value, field.name);
    if (!value)
      return value.error();
    field.out = std::move(*value);
  }
  // Display-only fields: kept as given (url may be anything a client can show; the web app
  // checks the scheme before linking it, ORI-11).
  form.url = non_empty(actor.url);
  form.display_name = actor.name;
  if (actor.summary)  // remote HTML: only what the allowlist keeps is stored (rule 9)
    form.summary_html = content::sanitize_html(*actor.summary);
  form.icon_url = non_empty(actor.icon);
  form.header_url = non_empty(actor.image);
  form.manually_approves_followers = actor.manually_approves_followers.value_or(false);

  const as::PublicKey* chosen = nullptr;
  for (const as::PublicKey& key : actor.public_keys) {
    if (key.pem.empty() || key.id.empty())
      continue;
    // A key the document says belongs to someone else is not this actor's (SIG-18).
    if (!key.owner.empty() && key.owner != actor.id)
      continue;
    if (!preferred_key_id.empty() && key.id == preferred_key_id) {
      chosen = &key;
      break;
    }
    if (chosen == nullptr)
      chosen = &key;
  }
  if (chosen != nullptr) {
    form.public_key_id = chosen->id;
    form.public_key_pem = chosen->pem;
  }
  return form;
}

RemoteActors::RemoteActors(const Dereferencer& deref, storage::Database& db,
                           RemoteActorsOptions options)
    : deref_(deref), db_(db), options_(options) {}

std::vector<storage::ActorMultikey> multikeys_of(const as::Object& actor) {
  std::vector<storage::ActorMultikey> keys;
  if (!actor.raw.is_object())
    return keys;
  const auto methods = actor.raw.find("assertionMethod");
  if (methods == actor.raw.end())
    return keys;
  const nlohmann::json list = methods->is_array() ? *methods : nlohmann::json::array({*methods});
  std::size_t looked = 0;
  for (const auto& entry : list) {
    if (++looked > 16)
      break;
    if (!entry.is_object())
      continue;
    auto text = [&entry](const char* name) {
      const auto it = entry.find(name);
      return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string id = text("id");
    if (id.empty() || id.size() > 2048 || text("type") != "Multikey" ||
        text("controller") != actor.id)
      continue;
    std::string multibase = text("publicKeyMultibase");
    if (signatures::PublicKey::from_multibase(multibase))
      keys.push_back({0, id, std::move(multibase)});
  }
  return keys;
}

core::Result<storage::Actor> RemoteActors::store(const as::Object& actor,
                                                 std::string_view preferred_key_id) const {
  auto form = to_remote_actor_form(actor, preferred_key_id);
  if (!form)
    return form.error();
  const std::vector<storage::ActorMultikey> multikeys = multikeys_of(actor);
  return db_.transact([&](storage::Tx& tx) -> core::Result<storage::Actor> {
    auto stored = tx.actors().upsert_remote(*form);
    if (!stored)
      return stored;
    if (auto kept = tx.actors().replace_multikeys(stored->id, multikeys); !kept)
      return std::move(kept).error();
    return stored;
  });
}

core::Result<storage::Actor> RemoteActors::refresh(std::string_view ap_id) const {
  auto fetched = deref_.fetch(ap_id);
  if (!fetched)
    return fetched.error();
  // A canonicalised id (same origin, checked by the Dereferencer) is the one stored.
  return store(fetched->object);
}

core::Result<storage::Actor> RemoteActors::get(std::string_view ap_id, bool force) const {
  auto url = egress::parse_url(ap_id);
  if (!url)
    return url.error();
  const bool local = deref_.is_local(url->authority()) || deref_.is_local(url->host);
  auto stored = db_.read([&](storage::Tx& tx) { return tx.actors().get_by_ap_id(ap_id); });
  if (local)
    return stored;  // never HTTP for our own ids
  if (!stored && stored.error().kind != core::ErrorKind::not_found)
    return stored.error();
  if (stored && !force && stored->fetched_at &&
      deref_.clock().now() - *stored->fetched_at < options_.refresh_after)
    return stored;
  auto fresh = refresh(ap_id);
  if (fresh || !stored)
    return fresh;
  // Keep serving the stored copy while its origin is down; a forbidden host or a gone actor is
  // reported instead.
  if (fresh.error().kind == core::ErrorKind::unavailable)
    return stored;
  return fresh;
}

core::Result<std::string> RemoteActors::webfinger_self(std::string_view name, std::string_view host,
                                                       bool prefer_group) const {
  const std::string resource = "acct:" + std::string(name) + "@" + std::string(host);
  const std::string url = deref_.options().webfinger_scheme + "://" + std::string(host) +
                          "/.well-known/webfinger?resource=" + resource;
  {
    std::lock_guard lock(handles_mutex_);
    ++webfinger_requests_;
  }
  // WebFinger needs no signature anywhere, but signing every GET costs little and keeps one rule.
  auto jrd = deref_.fetch_json(url, kAcceptJrd, true);
  if (!jrd)
    return jrd.error();
  const auto links = jrd->find("links");
  if (links == jrd->end() || !links->is_array())
    return core::Error::invalid_input("WebFinger answer has no links");
  std::optional<std::string> first;
  for (const auto& link : *links) {
    if (!link.is_object())
      continue;
    const auto rel = link.find("rel");
    const auto type = link.find("type");
    const auto href = link.find("href");
    if (rel == link.end() || !rel->is_string() || *rel != "self")
      continue;
    if (type == link.end() || !type->is_string() || !is_as2_link_type(type->get<std::string>()))
      continue;
    if (href == link.end() || !href->is_string())
      continue;
    if (!prefer_group)
      return href->get<std::string>();
    // Lemmy answers a name held by a person and a community with both links, each typed.
    const auto props = link.find("properties");
    const bool group = props != link.end() && props->is_object() &&
                       props->value(std::string(kAs2TypeProperty), "") == "Group";
    if (group || !first)
      first = href->get<std::string>();
    if (group)
      return *first;
  }
  if (first)
    return *first;
  return core::Error::not_found("WebFinger answer has no ActivityPub self link");
}

std::size_t RemoteActors::webfinger_requests() const {
  std::lock_guard lock(handles_mutex_);
  return webfinger_requests_;
}

core::Result<storage::Actor> RemoteActors::resolve_handle(std::string_view handle,
                                                          bool prefer_group) const {
  auto parts = split_handle(handle);
  if (!parts)
    return parts.error();
  const auto& [name, host] = *parts;
  if (deref_.is_local(host)) {
    return db_.read([&](storage::Tx& tx) { return tx.actors().get_by_handle(name, std::nullopt); });
  }
  std::string key = name + "@" + host + (prefer_group ? "#group" : "");
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const core::TimePoint now = deref_.clock().now();
  std::optional<std::string> known;
  {
    std::lock_guard lock(handles_mutex_);
    if (auto it = handles_.find(key); it != handles_.end() && now < it->second.expires) {
      if (!it->second.ap_id)
        return core::Error::not_found(it->second.miss);
      known = it->second.ap_id;
    }
  }
  if (known) {
    auto actor = get(*known);  // stored copy while fresh (refresh_after), else refetched
    if (actor || actor.error().kind == core::ErrorKind::unavailable)
      return actor;
  }
  auto resolved = resolve_uncached(handle, name, host, prefer_group);
  HandleEntry entry;
  if (resolved) {
    entry.ap_id = resolved->ap_id;
    entry.expires = now + options_.handle_ttl;
  } else if (resolved.error().kind == core::ErrorKind::not_found) {
    entry.miss = resolved.error().message;
    entry.expires = now + options_.handle_miss_ttl;
  } else {
    return resolved;  // network trouble or a refusal: asked again next time
  }
  std::lock_guard lock(handles_mutex_);
  if (handles_.size() >= options_.max_handles && handles_.find(key) == handles_.end())
    handles_.clear();  // bounded; hot names come back on their next lookup
  handles_[key] = std::move(entry);
  return resolved;
}

core::Result<storage::Actor> RemoteActors::resolve_uncached(std::string_view handle,
                                                            std::string_view name,
                                                            std::string_view host,
                                                            bool prefer_group) const {
  auto self = webfinger_self(name, host, prefer_group);
  if (!self)
    return self.error();
  auto actor = get(*self, true);
  if (!actor)
    return actor.error();
  const std::string actor_host = actor->domain.value_or("");
  const bool same_host = signatures::iequals(actor_host, host);
  if (same_host) {
    if (!signatures::iequals(actor->handle, name))
      return core::Error::forbidden("webfinger mismatch: " + std::string(handle) + " names " +
                                    actor->ap_id);
    return actor;
  }
  // Split domain (WebFinger on example.com, actors on social.example.com): the actor's own host
  // must confirm the actor under its preferredUsername.
  auto confirm = webfinger_self(actor->handle, actor_host);
  if (!confirm || *confirm != actor->ap_id)
    return core::Error::forbidden("webfinger mismatch: " + actor_host + " does not confirm " +
                                  actor->ap_id);
  return actor;
}

}  // namespace guildhall::federation::fetch
