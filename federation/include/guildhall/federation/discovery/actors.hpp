#pragma once

// Local actors (storage rows) as the ActivityPub documents peers fetch. Pure: no I/O, no clock.
// Field names and shapes follow Lemmy's Group/Person and Mastodon's Person, the two shapes every
// peer we federate with (Lemmy, Mbin, PieFed, NodeBB, Friendica, Mastodon) already reads.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "guildhall/storage/model.hpp"

namespace guildhall::federation::discovery {

// A `Person` for a local user. The JSON carries the serializer's `@context`.
nlohmann::json person_document(const storage::Actor& actor);

// A `Group` for a local community (Lemmy's shape: `attributedTo` and `moderators` name the
// moderators collection, `source` carries the Markdown, `language` is always a list).
nlohmann::json group_document(const storage::CommunityView& group);

// The instance actor: an `Application` that signs our fetches (FEP-2677); `url` is our front page.
nlohmann::json instance_actor_document(const storage::Actor& actor, std::string_view front_page);

// What a deleted actor's id answers with (410 Gone): a `Tombstone` keeping the former type, so
// peers holding the actor can drop it.
nlohmann::json tombstone_document(const storage::Actor& actor);

// The name Lemmy pairs with a language identifier in `language` ("fr" -> "Français"). Lemmy's
// parser requires a name; unknown tags get the tag itself.
std::string language_name(std::string_view tag);

}  // namespace guildhall::federation::discovery
