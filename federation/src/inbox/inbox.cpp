#include "guildhall/federation/inbox/inbox.hpp"

#include <utility>

#include "guildhall/activitystreams/parse.hpp"
#include "guildhall/federation/authorized_fetch.hpp"
#include "guildhall/federation/signatures/reasons.hpp"
#include "guildhall/storage/federation_queue.hpp"

#include "handlers/handler.hpp"

namespace guildhall::federation::inbox {

namespace as = guildhall::activitystreams;
namespace sig = guildhall::federation::signatures;

namespace {

core::Error reject(core::ErrorKind kind, std::string_view code, std::string_view detail) {
  return core::Error{kind, std::string(code) + ": " + std::string(detail)};
}

// Rule 3: an embedded object from another origin than the actor's is not trusted. It is reduced
// to its id, so whatever handles it later must fetch it from its origin. Returns true if changed.
bool strip_foreign_embeds(nlohmann::json& raw, const std::string& actor) {
  auto foreign = [&](const nlohmann::json& v) {
    if (!v.is_object())
      return false;
    auto id = v.find("id");
    return id != v.end() && id->is_string() &&
           !detail::same_origin_ids(id->get<std::string>(), actor);
  };
  auto it = raw.find("object");
  if (it == raw.end())
    return false;
  bool changed = false;
  if (foreign(*it)) {
    *it = (*it)["id"];
    changed = true;
  } else if (it->is_array()) {
    for (auto& entry : *it) {
      if (foreign(entry)) {
        entry = entry["id"];
        changed = true;
      }
    }
  }
  return changed;
}

}  // namespace

bool is_activity_content_type(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t'))
    media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t'))
    media.remove_prefix(1);
  return sig::iequals(media, "application/activity+json") ||
         sig::iequals(media, "application/ld+json") || sig::iequals(media, "application/json");
}

int http_status(const core::Error& error) noexcept {
  sig::Reason reason;
  if (sig::reason_of(error, reason))
    return sig::http_status(reason);
  if (error.message.rfind("unsupported_media_type:", 0) == 0)
    return 415;
  // Malformed input is 400 here (core says 422): a peer must not read it as "retry later" and
  // Mastodon treats both as final anyway.
  if (error.kind == core::ErrorKind::invalid_input)
    return 400;
  return core::http_status(error.kind);
}

std::string reason_code(const core::Error& error) {
  const std::size_t colon = error.message.find(':');
  if (colon != std::string::npos && colon > 0) {
    std::string_view code(error.message.data(), colon);
    bool ok = true;
    for (char c : code)
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (ok)
      return std::string(code);
  }
  return std::string(core::to_string(error.kind));
}

Inbox::Inbox(storage::Database& db, sig::KeyResolver& resolver, const PeerPolicy& peers, Urls urls,
             const core::Clock& clock, InboxOptions options)
    : db_(db),
      resolver_(resolver),
      peers_(peers),
      urls_(std::move(urls)),
      clock_(clock),
      options_(std::move(options)) {
  if (options_.verify.expected_host.empty())
    options_.verify.expected_host = urls_.host();
}

core::Result<std::optional<bool>> Inbox::local_recipient(const std::string& recipient) {
  const core::TimePoint now = clock_.now();
  {
    std::lock_guard lock(cache_mutex_);
    auto it = recipients_.find(recipient);
    if (it != recipients_.end() && it->second.until > now)
      return std::optional<bool>(it->second.group);
  }
  auto actor = db_.read([&](storage::Tx& tx) { return tx.actors().get_by_ap_id(recipient); });
  if (!actor) {
    if (actor.error().kind == core::ErrorKind::not_found)
      return std::optional<bool>();
    return std::move(actor).error();
  }
  if (!actor->is_local() || actor->deleted_at)
    return std::optional<bool>();  // not cached: unknown names must not fill the cache
  const bool group = actor->kind == storage::ActorKind::group;
  std::lock_guard lock(cache_mutex_);
  if (recipients_.size() >= options_.recipient_cache_size)
    recipients_.clear();
  recipients_[recipient] = CachedRecipient{group, now + options_.recipient_cache_ttl};
  return std::optional<bool>(group);
}

core::Result<Receipt> Inbox::receive(const InboxRequest& request) {
  using core::ErrorKind;
  // 1. Size (the route's body_limit normally stops it earlier, before the body is read).
  if (request.body.size() > options_.max_body_bytes)
    return reject(ErrorKind::too_large, "body_too_large", "activity exceeds the body limit");

  // 2. Content type.
  std::optional<std::string> content_type = request.headers.joined("content-type");
  if (!content_type || !is_activity_content_type(*content_type))
    return reject(ErrorKind::invalid_input, "unsupported_media_type",
                  "expected application/activity+json");

  // 3. The addressed inbox exists (a database read, no network yet).
  bool group_inbox = false;
  if (request.recipient != urls_.shared_inbox()) {
    auto recipient = local_recipient(request.recipient);
    if (!recipient)
      return std::move(recipient).error();
    if (!*recipient)
      return reject(ErrorKind::not_found, "recipient_unknown", "no such inbox");
    group_inbox = **recipient;
  }

  // 4. Signature (keys on refused hosts are refused before any resolution).
  PolicyKeyResolver resolver(resolver_, peers_);
  sig::VerifyInput in{request.method, request.target, request.headers, request.body};
  auto verified = sig::verify_request(in, resolver, clock_, options_.verify);
  if (!verified)
    return std::move(verified).error();

  // 5. Federation policy on the signer (its key was allowed above; the owner may live elsewhere).
  auto signer_host = allowed_signer_host(*verified, peers_);
  if (!signer_host)
    return std::move(signer_host).error();
  // A valid signature is evidence the peer is up (even if the activity is refused below).
  if (options_.on_signer_verified)
    options_.on_signer_verified(*signer_host);

  // 6. Bounded parse.
  auto parsed = as::parse(request.body);
  if (!parsed)
    return reject(ErrorKind::invalid_input, "malformed_activity", parsed.error().message);
  as::Object& activity = *parsed;
  if (activity.id.empty() || activity.actor.id().empty())
    return reject(ErrorKind::invalid_input, "malformed_activity",
                  "activity needs an id and an actor");

  // 7. Origins: signer is the actor; the id and anything created or changed share its origin.
  const std::string& actor = activity.actor.id();
  if (auto matches = sig::check_actor_matches(*verified, actor); !matches)
    return std::move(matches).error();
  if (detail::same_origin_ids(actor, urls_.origin()))
    return reject(ErrorKind::forbidden, "origin_mismatch", "actor is under our own origin");
  if (!detail::same_origin_ids(activity.id, actor))
    return reject(ErrorKind::forbidden, "origin_mismatch",
                  "activity id is not on the actor's origin");
  if (activity.kind == as::Kind::unknown || !as::is_activity(activity.kind)) {
    Receipt ignored;
    ignored.activity_id = activity.id;
    ignored.ignored = true;
    return ignored;
  }
  // Every activity we know acts on something identifiable; one without an object, or with one
  // anonymous embedded object, is malformed: refused now rather than failed later.
  if (activity.object.empty() ||
      (activity.object.size() == 1 && activity.object.front().id().empty()))
    return reject(ErrorKind::invalid_input, "malformed_activity", "activity without an object id");
  const as::Ref& object = activity.object_ref();
  // Catalogue ORI-01 / ORI-04: creating, changing or deleting another origin's object is refused
  // outright at a person's or the shared inbox. At one of our groups' inboxes a moderator from
  // another instance legitimately updates the group or deletes (removes) a member's post (Lemmy);
  // those are persisted for the group handlers, which must check the moderator role. The
  // person-level handlers refuse them in any case (owner checks).
  const bool changes_object = activity.kind == as::Kind::create ||
                              activity.kind == as::Kind::update ||
                              activity.kind == as::Kind::delete_;
  if (changes_object && !group_inbox && !object.id().empty() &&
      (object.get() || activity.kind == as::Kind::delete_) &&
      !detail::same_origin_ids(object.id(), actor))
    return reject(ErrorKind::forbidden, "origin_mismatch", "object is not on the actor's origin");
  std::string payload;
  const bool keeps_embed = activity.kind == as::Kind::create || activity.kind == as::Kind::update ||
                           activity.kind == as::Kind::accept || activity.kind == as::Kind::reject;
  if (!keeps_embed && activity.raw.is_object() && strip_foreign_embeds(activity.raw, actor))
    payload = activity.raw.dump();
  else
    payload = request.body;

  // 8. Dedupe and persist, one transaction.
  storage::NewInboxActivity row;
  row.ap_id = activity.id;
  row.actor = actor;
  row.signer = verified->owner;
  row.payload = std::move(payload);
  auto accepted = db_.transact([&](storage::Tx& tx) { return tx.inbox_log().accept(row); });
  Receipt receipt;
  receipt.activity_id = activity.id;
  if (!accepted && accepted.error().kind == ErrorKind::already_exists) {
    // The same activity raced in on another connection and won: it is a duplicate.
    receipt.duplicate = true;
    return receipt;
  }
  if (!accepted)
    return std::move(accepted).error();
  if (!*accepted) {
    receipt.duplicate = true;
    return receipt;
  }
  receipt.log_id = (*accepted)->id;
  if (options_.on_accepted)
    options_.on_accepted();
  return receipt;
}

}  // namespace guildhall::federation::inbox
