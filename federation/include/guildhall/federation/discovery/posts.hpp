#pragma once

// GET {origin}/posts/{id}: our posts as the AS2 objects peers fetch (a thread is Lemmy's `Page`
// with `name`, a comment or a person's post a `Note`), addressed as they were sent. BLOCKING
// (storage): inside Database::read on the blocking pool. Who may read is the route's decision
// (signed_fetch.hpp): community_readable() says it for a post in a community.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::discovery {

// A local post and what its document needs.
struct LocalPost {
  storage::Post post;
  storage::Actor author;
  std::optional<std::string> parent_ap_id;          // comments and replies
  std::optional<storage::CommunityView> community;  // posts in a community
};

// not_found for an unknown id, a remote post, and a post of a local-only community (they do not
// exist for other servers).
core::Result<LocalPost> find_local_post(storage::Tx& tx, storage::Id id);

// The object as served and as embedded in our Create/Update. A community's content is addressed
// to the group and Public, or to the group's followers when it is private (never Public).
activitystreams::Object post_object(const storage::Post& post, const storage::Actor& author,
                                    const std::optional<std::string>& parent_ap_id,
                                    const storage::CommunityView* community);
// post_object with our @context; a deleted or removed post is a `Tombstone` (served with 410).
nlohmann::json post_document(const LocalPost& post);
bool is_gone(const storage::Post& post) noexcept;

// Whether the instance `signer_host` (nullopt: an unsigned request) may read what a community
// holds: anyone for a public community; for a private one only an instance where an accepted
// member lives (Lemmy's rule for private communities); nobody else for a local-only one.
core::Result<bool> community_readable(storage::Tx& tx, const storage::CommunityView& group,
                                      const std::optional<std::string>& signer_host);

}  // namespace guildhall::federation::discovery
