#pragma once

// Small per-entity repositories (GoToSocial style). They exist only inside a transaction: get them
// from the Tx handed to Database::transact / Database::read. Every call blocks.
//
// Error contract (core::ErrorKind):
//   not_found       get_* found no row; update/delete of a missing row
//   already_exists  a unique key is taken (handle, ap_id, email, membership pair, ...)
//   invalid_input   a referenced row does not exist, or a CHECK constraint failed
//   conflict        a row is still referenced, or a concurrent transaction won (retry)
//   unavailable     the database is down or busy beyond the timeout (retry later)
//   internal        anything else

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::storage {

template <typename T>
using Result = core::Result<T>;

class InstanceRepo {
 public:
  virtual ~InstanceRepo() = default;
  // Returns the row for host, creating it (policy none) if unknown. Host is lowercased.
  virtual Result<Instance> ensure(std::string_view host) = 0;
  // Marks host as this instance (creating it if needed); there is at most one local instance.
  virtual Result<Instance> ensure_local(std::string_view host) = 0;
  virtual Result<Instance> get(Id id) = 0;
  virtual Result<Instance> get_by_host(std::string_view host) = 0;
  virtual Result<std::vector<Instance>> list(const PageRequest& page) = 0;
  virtual Result<Instance> set_policy(std::string_view host, FederationPolicy policy) = 0;
  virtual Result<Instance> set_software(std::string_view host, std::optional<std::string> name,
                                        std::optional<std::string> version) = 0;
};

// The single row of admin-edited instance settings (InstanceSettings).
class InstanceSettingsRepo {
 public:
  virtual ~InstanceSettingsRepo() = default;
  // Everything unset when nobody edited the settings yet.
  virtual Result<InstanceSettings> get() = 0;
  // invalid_input for a value the schema refuses (unknown mode, over-long title).
  virtual Result<InstanceSettings> update(const InstanceSettingsUpdate& update,
                                          std::optional<Id> by) = 0;
};

class ActorRepo {
 public:
  virtual ~ActorRepo() = default;
  // A local actor that is neither a user nor a community (the instance actor, service bots).
  virtual Result<Actor> create_local(ActorKind kind, const NewLocalActor& actor) = 0;
  // Inserts or refreshes a remote actor by ap_id (sets fetched_at, ensures the instance row).
  // Fails with conflict if ap_id belongs to a local actor.
  virtual Result<Actor> upsert_remote(const RemoteActorForm& form) = 0;
  virtual Result<Actor> get(Id id) = 0;
  virtual Result<Actor> get_by_ap_id(std::string_view ap_id) = 0;
  // Actors whose stored public key has this id (a signature's keyId), oldest first, at most 8.
  // Several remote documents may claim one key id: the caller decides which it believes (the key
  // resolver requires the keyId's origin).
  virtual Result<std::vector<Actor>> list_by_public_key_id(std::string_view key_id) = 0;
  // FEP-521a Multikeys of an actor (besides its RSA public key): replaced as a whole each time the
  // actor document is stored (the actor_id of each entry is ignored; `actor_id` is used).
  virtual Result<void> replace_multikeys(Id actor_id, const std::vector<ActorMultikey>& keys) = 0;
  // The Multikeys stored under this key id, oldest actor first, at most 8: several documents may
  // claim one id; the caller decides which it believes (the key resolver requires its origin).
  virtual Result<std::vector<ActorMultikey>> list_multikeys(std::string_view key_id) = 0;
  // Case-insensitive. domain nullopt: a local actor.
  virtual Result<Actor> get_by_handle(std::string_view handle,
                                      std::optional<std::string_view> domain) = 0;
  virtual Result<Actor> get_local_by_handle(std::string_view handle) = 0;
  // Local handles are shared by people and groups: "devs" the user and "devs" the group clash.
  virtual Result<bool> local_handle_taken(std::string_view handle) = 0;
  virtual Result<Actor> update(Id id, const ActorUpdate& update) = 0;
};

class UserRepo {
 public:
  virtual ~UserRepo() = default;
  // Creates the person actor and the account. already_exists if the handle or email is taken.
  virtual Result<LocalUser> create(const NewUser& user) = 0;
  virtual Result<LocalUser> get(Id actor_id) = 0;
  virtual Result<LocalUser> get_by_handle(std::string_view handle) = 0;  // case-insensitive
  virtual Result<LocalUser> get_by_email(std::string_view email) = 0;    // case-insensitive
  virtual Result<std::vector<LocalUser>> list(const PageRequest& page) = 0;
  // The admin API's account list: `query` narrows by handle and state, paged by actor id.
  virtual Result<std::vector<LocalUser>> search(const UserQuery& query,
                                                const PageRequest& page) = 0;
  virtual Result<std::int64_t> count() = 0;
  virtual Result<LocalUser> update(Id actor_id, const UserUpdate& update) = 0;
};

class CommunityRepo {
 public:
  virtual ~CommunityRepo() = default;
  // Creates the group actor, the community row and the owner's accepted membership.
  virtual Result<CommunityView> create(const NewCommunity& community) = 0;
  // A remote group: upserts the actor and its community row (settings as federated).
  virtual Result<CommunityView> upsert_remote(const RemoteActorForm& actor,
                                              const CommunitySettings& settings) = 0;
  virtual Result<CommunityView> get(Id actor_id) = 0;
  virtual Result<CommunityView> get_by_ap_id(std::string_view ap_id) = 0;
  virtual Result<CommunityView> get_local_by_handle(std::string_view handle) = 0;
  virtual Result<CommunityView> get_by_handle(std::string_view handle,
                                              std::optional<std::string_view> domain) = 0;
  virtual Result<std::vector<CommunityView>> list(CommunityScope scope,
                                                  const PageRequest& page) = 0;
  virtual Result<CommunityView> update(Id actor_id, const CommunityUpdate& update) = 0;
  virtual Result<std::vector<CommunityRule>> rules(Id actor_id) = 0;
  // Replaces the whole ordered list; positions are renumbered 0..n-1 in the given order.
  virtual Result<void> set_rules(Id actor_id, const std::vector<std::string>& rules) = 0;
};

class MembershipRepo {
 public:
  virtual ~MembershipRepo() = default;
  // Inserts; already_exists if the actor already has a row in the community.
  virtual Result<Membership> create(const MembershipForm& form) = 0;
  // Inserts, or updates state and follow_ap_id of the existing row (role kept). The caller checks
  // bans first (get) in the same transaction.
  virtual Result<Membership> upsert(const MembershipForm& form) = 0;
  virtual Result<Membership> get(Id community_id, Id actor_id) = 0;
  virtual Result<Membership> get_by_follow_ap_id(std::string_view follow_ap_id) = 0;
  // banned: ban_reason / ban_expires_at are stored; other states clear them.
  virtual Result<Membership> set_state(Id community_id, Id actor_id, MemberState state,
                                       std::optional<std::string> ban_reason = std::nullopt,
                                       std::optional<TimePoint> ban_expires_at = std::nullopt) = 0;
  virtual Result<Membership> set_role(Id community_id, Id actor_id, MemberRole role) = 0;
  virtual Result<void> remove(Id community_id, Id actor_id) = 0;
  virtual Result<std::vector<Membership>> list(Id community_id, std::optional<MemberState> state,
                                               const PageRequest& page) = 0;
  // Memberships of one actor (the communities they belong to or asked to join).
  virtual Result<std::vector<Membership>> list_for_actor(Id actor_id,
                                                         std::optional<MemberState> state,
                                                         const PageRequest& page) = 0;
  virtual Result<std::int64_t> count(Id community_id, MemberState state) = 0;
  // Whether an accepted member of the community is an actor of `domain` (host[:port], compared
  // case-insensitively): the instances a private community answers.
  virtual Result<bool> has_member_on(Id community_id, std::string_view domain) = 0;
};

class FollowRepo {
 public:
  virtual ~FollowRepo() = default;
  // already_exists if follower already follows (or asked to follow) followee.
  virtual Result<Follow> create(Id follower_id, Id followee_id, FollowState state,
                                std::optional<std::string> ap_id) = 0;
  virtual Result<Follow> accept(Id follower_id, Id followee_id) = 0;
  virtual Result<void> remove(Id follower_id, Id followee_id) = 0;
  virtual Result<Follow> get(Id follower_id, Id followee_id) = 0;
  virtual Result<Follow> get_by_ap_id(std::string_view ap_id) = 0;
  virtual Result<std::vector<Follow>> followers(Id followee_id, std::optional<FollowState> state,
                                                const PageRequest& page) = 0;
  virtual Result<std::vector<Follow>> following(Id follower_id, std::optional<FollowState> state,
                                                const PageRequest& page) = 0;
  virtual Result<std::int64_t> count_followers(Id followee_id) = 0;  // accepted only
  virtual Result<std::int64_t> count_following(Id follower_id) = 0;  // accepted only
};

class PostRepo {
 public:
  virtual ~PostRepo() = default;
  // A thread (no parent_id) or a comment (parent_id set: thread and community come from the
  // parent). invalid_input if the parent does not exist.
  virtual Result<Post> create(const NewPost& post) = 0;
  virtual Result<Post> get(Id id) = 0;
  virtual Result<Post> get_by_ap_id(std::string_view ap_id) = 0;
  // Records the previous version in the edit history, then applies the edit.
  virtual Result<Post> update(Id id, const PostEdit& edit) = 0;
  virtual Result<std::vector<PostRevision>> revisions(Id id) = 0;  // oldest first
  // Tombstone: clears title, content, attachments and history; the row keeps its ids so replies
  // and ActivityPub lookups still resolve. Idempotent.
  virtual Result<Post> soft_delete(Id id) = 0;
  virtual Result<Post> set_removed(Id id, bool removed) = 0;  // moderator removal / restore
  virtual Result<Post> set_locked(Id id, bool locked) = 0;
  virtual Result<Post> set_pinned(Id id, bool pinned) = 0;
  virtual Result<Post> set_accepted_answer(Id id, std::optional<Id> answer_id) = 0;
  // Threads of a community. Without a cursor, pinned threads come first (in addition to `limit`
  // unpinned ones); pages after the first list unpinned threads only. Tombstones are included
  // (the caller renders them), moderator-removed ones too.
  virtual Result<std::vector<Post>> list_community_threads(Id community_id,
                                                           const PageRequest& page) = 0;
  // Every comment of a thread (not the root), ordered by id; oldest first by default is what a
  // tree renderer wants, so pass oldest_first = true.
  virtual Result<std::vector<Post>> list_thread(Id thread_id, const PageRequest& page) = 0;
  virtual Result<std::vector<Post>> list_by_author(Id author_id, const PageRequest& page) = 0;
  virtual Result<std::int64_t> count_comments(Id thread_id) = 0;
};

class ReactionRepo {
 public:
  virtual ~ReactionRepo() = default;
  // Idempotent: returns the existing reaction if (post, actor, kind, emoji) is already there.
  virtual Result<Reaction> add(const ReactionForm& form) = 0;
  // Returns whether a row was removed.
  virtual Result<bool> remove(Id post_id, Id actor_id, ReactionKind kind,
                              std::string_view emoji = {}) = 0;
  virtual Result<Reaction> get_by_ap_id(std::string_view ap_id) = 0;
  virtual Result<bool> remove_by_ap_id(std::string_view ap_id) = 0;
  virtual Result<std::vector<Reaction>> list_for_post(Id post_id, const PageRequest& page) = 0;
  // One actor's reactions to a post (a vote and any emoji), oldest first.
  virtual Result<std::vector<Reaction>> list_by_actor(Id post_id, Id actor_id) = 0;
  // One entry per (kind, emoji) present, ordered by kind then emoji.
  virtual Result<std::vector<ReactionCount>> counts(Id post_id) = 0;
};

}  // namespace guildhall::storage
