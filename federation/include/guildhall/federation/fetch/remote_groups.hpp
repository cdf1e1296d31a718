#pragma once

// Remote communities: a Group actor (Lemmy, Mbin, PieFed, NodeBB, another Guildhall) found by
// `name@host` (also `!name@host`, `@name@host`, `acct:`) or by its URL, fetched from its origin
// and stored as a remote community (actor row + community settings as federated).
//
//   fetch::RemoteGroups groups(actors);
//   auto rust = groups.resolve("!rust@lemmy.example");   // WebFinger, then the Group document
//
// EVERY CALL BLOCKS (network and storage): worker threads or the CLI only.

#include <string_view>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/fetch/remote_actors.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::federation::fetch {

// The community settings a Group document states: description (summary HTML sanitized, source
// Markdown), Lemmy's manuallyApprovesFollowers (= private, joins need approval),
// postingRestrictedToMods, languages.
storage::CommunitySettings to_community_settings(const activitystreams::Object& group);

class RemoteGroups {
 public:
  explicit RemoteGroups(const RemoteActors& actors) : actors_(actors) {}

  // A community of ours (name@our-domain or our URL) comes from storage; anything else is
  // resolved and refreshed from its origin. invalid_input when the actor is not a Group.
  core::Result<storage::CommunityView> resolve(std::string_view handle_or_url) const;
  // Fetches the Group document again and stores it.
  core::Result<storage::CommunityView> refresh(std::string_view ap_id) const;

 private:
  const RemoteActors& actors_;
};

}  // namespace guildhall::federation::fetch
