#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/kind.hpp"
#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"

namespace guildhall::activitystreams {

using TimePoint = core::TimePoint;

// The public collection, always in this full form after parsing ("as:Public" and "Public" are
// rewritten), so a visibility check is one string comparison.
inline constexpr std::string_view kPublic = "https://www.w3.org/ns/activitystreams#Public";

struct Object;

// "An id or an embedded object" (Fedify's objectId / getObject split). Never dereferenced here:
// fetching, and deciding whether an embedded copy may be trusted, belong to federation/.
class Ref {
 public:
  Ref() = default;
  Ref(std::string id);   // NOLINT: a bare id is the common case
  Ref(const char* id);   // NOLINT
  Ref(Object embedded);  // NOLINT: takes the embedded object's id
  const std::string& id() const noexcept { return id_; }
  bool empty() const noexcept { return id_.empty() && !embedded_; }
  bool is_embedded() const noexcept { return embedded_ != nullptr; }
  // The embedded object, or nullptr when only an id was sent.
  const Object* get() const noexcept { return embedded_.get(); }

  friend bool operator==(const Ref& a, const Ref& b);

 private:
  std::string id_;
  std::shared_ptr<const Object> embedded_;  // immutable once parsed, so copies may share it
};

// Lemmy's `language: {identifier, name}`; a bare string becomes {identifier}.
struct Language {
  std::string identifier;
  std::string name;
  bool operator==(const Language&) const = default;
};

// `source`: the text the author wrote, typically markdown next to rendered HTML `content`.
struct Source {
  std::string content;
  std::string media_type;
  bool operator==(const Source&) const = default;
};

struct PublicKey {
  std::string id;
  std::string owner;
  std::string pem;
  bool operator==(const PublicKey&) const = default;
};

// One answer of a Question: `{type: Note, name, replies: {totalItems}}`.
struct PollOption {
  std::string name;
  std::optional<std::int64_t> votes;
  bool operator==(const PollOption&) const = default;
};

// The canonical shape of every AS2 document: one struct for all types, every property already
// normalised (lists are lists, references are Refs, times are parsed). Fields that do not apply
// to a type stay empty. See `Object` for the raw JSON.
struct ObjectData {
  Kind kind = Kind::unknown;
  // Every type string except to_string(kind), in the order sent (all of them when unknown).
  std::vector<std::string> other_types;
  std::string id;

  // Activities (and Mobilizon's Event `actor`).
  Ref actor;
  std::vector<Ref> object;          // usually one; Mbin's Flag sends [content, author]
  Ref target;                       // Add/Remove collection, Block scope (group or instance), Move
  std::optional<bool> remove_data;  // Block/Delete: also delete the user's content

  // Addressing: ids only, deduplicated, public collection in full form.
  std::vector<std::string> to, cc, bto, bcc, audience;

  // Content.
  std::vector<Ref> attributed_to;  // author, or (for a Group) moderators, inline or a collection
  std::optional<std::string> name;
  std::optional<std::string> summary;
  std::optional<std::string> content;  // `content`, else picked from `contentMap`
  std::map<std::string, std::string> content_map;
  std::optional<std::string> media_type;
  std::optional<Source> source;
  std::vector<Language> languages;
  std::optional<bool> sensitive;
  std::optional<TimePoint> published;
  std::optional<TimePoint> updated;
  Ref in_reply_to;
  Ref context;               // FEP-7888 thread; Lemmy, NodeBB, Discourse
  std::string conversation;  // Mastodon/OStatus thread tag
  std::string url;           // picked: a string, or the text/html Link
  std::string href;          // Link, Mention, Hashtag
  std::string icon;          // image URLs (icon/image may arrive as Image objects or arrays)
  std::string image;
  std::vector<Ref> tag;
  std::vector<Ref> attachment;
  // Media (attachments, Image/Document): Mastodon's and Lemmy's extension properties.
  std::optional<std::int64_t> width;
  std::optional<std::int64_t> height;
  std::optional<std::string> blurhash;
  std::vector<double> focal_point;  // Mastodon's `focalPoint` [x, y], each -1..1; empty: none
  Ref replies;
  std::optional<bool> stickied;          // Lemmy/Mbin (read only from others; Lemmy uses featured)
  std::optional<bool> comments_enabled;  // PeerTube/Mbin; locked when false

  // Question, Event, Block expiry.
  std::vector<PollOption> one_of, any_of;
  std::optional<std::int64_t> voters_count;
  std::optional<TimePoint> start_time;
  std::optional<TimePoint> end_time;  // `endTime`, or Mbin's `expires`
  std::optional<TimePoint> closed_at;
  bool closed = false;  // `closed` as a time or `true`
  Ref location;

  // Tombstone.
  std::string former_type;
  std::optional<TimePoint> deleted;

  // Actors.
  std::string preferred_username;
  std::string inbox, outbox, followers, following, featured, moderators, shared_inbox;
  std::vector<PublicKey> public_keys;
  std::optional<bool> manually_approves_followers;
  std::optional<bool> discoverable;
  std::optional<bool> posting_restricted_to_mods;
  std::vector<std::string> also_known_as;
  std::string moved_to;

  // Collections and pages.
  std::optional<std::int64_t> total_items;
  std::vector<Ref> items;  // `items` or `orderedItems`
  Ref first, last, next, prev, part_of;

  bool operator==(const ObjectData&) const = default;
};

struct Object : ObjectData {
  // The JSON this object was parsed from (null for objects we built). Extension properties live
  // here; never use it for anything authorization depends on, read the normalised fields.
  nlohmann::json raw;

  // Equality is on the canonical fields only: parse(to_json(x)) == x even though raw differs.
  bool operator==(const Object& other) const {
    return static_cast<const ObjectData&>(*this) == static_cast<const ObjectData&>(other);
  }

  // "Note", "Delete", or the first type string of an unknown object ("" if none was sent).
  std::string_view type_name() const noexcept;
  // The single `object`; an empty Ref when there is none or more than one (ambiguity is treated
  // as absence so a handler cannot authorise one object and act on another).
  const Ref& object_ref() const noexcept;
  // The author of a content object (JS-02): the one `attributedTo` entry that is not an embedded
  // Group/Organization/Collection (PeerTube sends [Person, Group]). Zero or several candidates is
  // an invalid_input error.
  core::Result<std::string> author() const;
  // The language of the content: Lemmy's `language`, else the `contentMap` key of `content`.
  std::optional<std::string> language() const;
  bool is_public() const;  // kPublic in to or cc
  // to + cc + bto + bcc + audience, deduplicated, in that order.
  std::vector<std::string> recipients() const;
};

// Starting points for objects we emit; set the remaining fields directly.
Object make_object(Kind kind, std::string id);
Object make_activity(Kind kind, std::string id, std::string actor, Ref object);

}  // namespace guildhall::activitystreams
