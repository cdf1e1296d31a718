#pragma once

// GET {origin}/posts/{id}: our posts as the AS2 objects peers fetch (a thread is Lemmy's `Page`
// with `name`, a comment or a person's post a `Note`), addressed as they were sent. BLOCKING
// (storage): inside Database::read on the blocking pool. Who may read is the route's decision
// (signed_fetch.hpp): community_readable() says it for a post in a community.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "guildhall/activitystreams/object.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::discovery {

// A link post's link as Lemmy and Mbin send it on a Page: `attachment: [{type: Link, href}]`.
activitystreams::Object link_attachment(const std::string& href);

// "@bob@host": how a mention is written, shown and named in a `Mention` tag (local people carry
// our host).
std::string mention_name(const storage::Actor& actor, const Urls& urls);

// A person a post mentions, as its `Mention` tag names them.
struct Mention {
  std::string href;
  std::string name;
};

// A local post and what its document needs.
struct LocalPost {
  storage::Post post;
  storage::Actor author;
  std::optional<std::string> parent_ap_id;          // comments and replies
  std::optional<storage::CommunityView> community;  // posts in a community
  std::optional<std::string> context;               // FEP-7888: posts in a community
  std::vector<Mention> mentions;
  std::optional<storage::Poll> poll{};  // a person's post that is a poll: sent as a Question
};

// not_found for an unknown id, a remote post, and a post of a local-only community (they do not
// exist for other servers).
core::Result<LocalPost> find_local_post(storage::Tx& tx, const Urls& urls, storage::Id id);

// The object as served and as embedded in our Create/Update, so both agree: a community's content
// is addressed to the group and Public, or to the group's followers when it is private (never
// Public); a person's post as Mastodon addresses its visibility (public: to Public, cc followers;
// unlisted: to followers, cc Public; private: to followers; direct: to the mentioned only);
// mentioned people are tagged and in `cc` (`to` for a direct post).
activitystreams::Object post_object(const LocalPost& post);
// post_object with our @context; a deleted or removed post is a `Tombstone` (served with 410).
nlohmann::json post_document(const LocalPost& post);
bool is_gone(const storage::Post& post) noexcept;

// FEP-7888 `context`: the collection of a thread's posts. Ours is Urls::context(thread); a remote
// thread's is the one its origin published, when it did. `thread` is a root post.
std::optional<std::string> thread_context(const storage::Post& thread);
// The same for any post of a thread (a comment: its root's).
core::Result<std::optional<std::string>> post_context(storage::Tx& tx, const storage::Post& post);

// GET {thread}/context: the thread and its comments that are neither deleted nor removed, oldest
// first (FEP-f228's collection of posts, top-level post first), as ids; `attributedTo` the
// community. The front document lists the first page inline (`orderedItems`, for readers that do
// not page) and links `first`; `?page=N` answers OrderedCollectionPages of kCollectionPageSize.
// invalid_input when `thread` is a comment. Who may read is the route's decision, as for posts.
core::Result<nlohmann::json> context_collection(storage::Tx& tx, const LocalPost& thread,
                                                std::optional<std::int64_t> page);

// Whether the instance `signer_host` (nullopt: an unsigned request) may read what a community
// holds: anyone for a public community; for a private one only an instance where an accepted
// member lives (Lemmy's rule for private communities); nobody else for a local-only one.
core::Result<bool> community_readable(storage::Tx& tx, const storage::CommunityView& group,
                                      const std::optional<std::string>& signer_host);

}  // namespace guildhall::federation::discovery
