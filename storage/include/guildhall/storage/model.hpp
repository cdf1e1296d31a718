#pragma once

// Rows of the domain model as plain structs. Local and remote objects share tables: every row that
// can come from another server carries its ActivityPub id (`ap_id`). Storage never builds URLs;
// the caller passes every ActivityPub id and endpoint.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/id.hpp"

namespace guildhall::storage {

using core::Id;
using core::TimePoint;

// An update form field that can also be set to NULL: nullopt = leave as is, optional{nullopt} =
// clear, optional{value} = set.
template <typename T>
using Nullable = std::optional<std::optional<T>>;

// Keyset pagination over Snowflake ids (time-ordered), as the Mastodon API does it.
struct PageRequest {
  std::optional<Id> before{};  // only rows with id < before
  std::optional<Id> after{};   // only rows with id > after
  std::size_t limit = 40;      // clamped to [1, 200]
  bool oldest_first = false;   // default: newest first
};

// ---------------------------------------------------------------------------------------------
// instances

enum class FederationPolicy { none, allow, block };

struct Instance {
  Id id = 0;
  std::string host{};  // lowercase host[:port]
  bool is_local = false;
  std::optional<std::string> software_name{};
  std::optional<std::string> software_version{};
  FederationPolicy policy = FederationPolicy::none;
  TimePoint first_seen_at{};
  TimePoint updated_at{};
};

// What admins edit at run time (migration 0012). Unset fields fall back to the configuration; the
// values are validated by the caller (the texts below are the only ones the schema accepts).
struct InstanceSettings {
  std::optional<std::string> title{};
  std::optional<std::string> description{};
  std::optional<std::string> contact_email{};
  std::optional<std::string> registrations{};    // open | approval | closed
  std::optional<std::string> federation_mode{};  // open | blocklist | allowlist
  std::optional<TimePoint> updated_at{};         // nullopt: never edited
  std::optional<Id> updated_by{};
};

// A partial edit: unset fields stay, an empty inner optional clears (back to the configuration).
struct InstanceSettingsUpdate {
  Nullable<std::string> title{};
  Nullable<std::string> description{};
  Nullable<std::string> contact_email{};
  Nullable<std::string> registrations{};
  Nullable<std::string> federation_mode{};
};

// ---------------------------------------------------------------------------------------------
// actors (people, groups, the instance actor)

enum class ActorKind { person, group, application, service };

struct Actor {
  Id id = 0;
  std::string ap_id{};
  ActorKind kind = ActorKind::person;
  std::string handle{};                       // preferredUsername as given (local: lowercase)
  std::optional<std::string> domain{};        // nullopt: local actor; otherwise the remote host
  std::optional<std::string> display_name{};  // for groups: the community title
  std::optional<std::string> summary_html{};
  std::optional<std::string> summary_source{};
  std::optional<std::string> url{};  // human-facing profile page
  std::string inbox_url{};
  std::optional<std::string> shared_inbox_url{};
  std::optional<std::string> outbox_url{};
  std::optional<std::string> followers_url{};
  std::optional<std::string> following_url{};
  std::optional<std::string> featured_url{};
  std::optional<std::string> moderators_url{};  // groups: FEP-1b12 attributedTo collection
  std::optional<std::string> icon_url{};
  std::optional<std::string> header_url{};  // the profile's banner image (AS2 `image`)
  bool manually_approves_followers = false;
  std::optional<std::string> public_key_id{};
  std::optional<std::string> public_key_pem{};
  std::optional<std::string> private_key_pem{};  // only local actors have one
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> fetched_at{};  // remote: last refresh from origin
  std::optional<TimePoint> deleted_at{};
  std::optional<TimePoint> suspended_at{};

  bool is_local() const noexcept { return !domain.has_value(); }
};

// The fields of a local actor (a user, a group, the instance actor) at creation. The caller builds
// every URL and generates the key pair.
struct NewLocalActor {
  std::string handle{};  // lowercase [a-z0-9_]{1,30} for people and groups (the caller validates)
  std::string ap_id{};
  std::string inbox_url{};
  std::optional<std::string> shared_inbox_url{};
  std::optional<std::string> outbox_url{};
  std::optional<std::string> followers_url{};
  std::optional<std::string> following_url{};
  std::optional<std::string> featured_url{};
  std::optional<std::string> moderators_url{};
  std::optional<std::string> url{};
  std::optional<std::string> display_name{};
  std::optional<std::string> summary_html{};
  std::optional<std::string> summary_source{};
  std::optional<std::string> icon_url{};
  bool manually_approves_followers = false;
  std::optional<std::string> public_key_id{};
  std::optional<std::string> public_key_pem{};
  std::optional<std::string> private_key_pem{};
};

// FEP-521a: an Ed25519 key an actor lists in `assertionMethod` (RFC 9421 ed25519 signatures).
struct ActorMultikey {
  Id actor_id = 0;
  std::string key_id{};
  std::string public_key_multibase{};  // "z6Mk..."
  bool operator==(const ActorMultikey&) const = default;
};

// A remote actor as last fetched from its origin; an upsert replaces every field.
struct RemoteActorForm {
  std::string ap_id{};
  ActorKind kind = ActorKind::person;
  std::string handle{};
  std::string domain{};  // the origin host (lowercased by storage)
  std::string inbox_url{};
  std::optional<std::string> shared_inbox_url{};
  std::optional<std::string> outbox_url{};
  std::optional<std::string> followers_url{};
  std::optional<std::string> following_url{};
  std::optional<std::string> featured_url{};
  std::optional<std::string> moderators_url{};
  std::optional<std::string> url{};
  std::optional<std::string> display_name{};
  std::optional<std::string> summary_html{};
  std::optional<std::string> icon_url{};
  std::optional<std::string> header_url{};
  bool manually_approves_followers = false;
  std::optional<std::string> public_key_id{};
  std::optional<std::string> public_key_pem{};
};

// Profile changes (local or remote); unset fields stay as they are.
struct ActorUpdate {
  Nullable<std::string> display_name{};
  Nullable<std::string> summary_html{};
  Nullable<std::string> summary_source{};
  Nullable<std::string> icon_url{};
  Nullable<std::string> header_url{};
  std::optional<bool> manually_approves_followers{};
  Nullable<std::string> public_key_id{};
  Nullable<std::string> public_key_pem{};
  Nullable<std::string> private_key_pem{};
  Nullable<TimePoint> suspended_at{};
  Nullable<TimePoint> deleted_at{};
};

// ---------------------------------------------------------------------------------------------
// users (local accounts)

struct User {
  Id actor_id = 0;
  std::optional<std::string> email{};
  std::string password_hash{};  // argon2id encoded string; hashing happens in the caller
  bool is_admin = false;
  std::string locale = "en";
  TimePoint created_at{};
  std::optional<TimePoint> disabled_at{};
};

struct LocalUser {
  Actor actor{};
  User user{};
};

struct NewUser {
  NewLocalActor actor{};
  std::optional<std::string> email{};
  std::string password_hash{};
  bool is_admin = false;
  std::string locale = "en";
};

// Which accounts an admin lists (Mastodon's admin account filters).
struct UserQuery {
  enum class State { any, active, disabled, suspended };
  std::string handle_contains{};  // case-insensitive; empty: every handle
  State state = State::any;       // active: neither disabled nor suspended
};

struct UserUpdate {
  Nullable<std::string> email{};
  std::optional<std::string> password_hash{};
  std::optional<bool> is_admin{};
  std::optional<std::string> locale{};
  Nullable<TimePoint> disabled_at{};
};

// ---------------------------------------------------------------------------------------------
// communities (groups); the title is the actor's display_name, the icon its icon_url

enum class CommunityVisibility { public_, private_, local_only };
enum class JoinPolicy { open, approval };
enum class PostingPolicy { members, moderators };

struct Community {
  Id actor_id = 0;
  std::string description_source{};  // Markdown
  std::string description_html{};    // sanitized by the caller
  std::string welcome_source{};
  std::string welcome_html{};
  CommunityVisibility visibility = CommunityVisibility::public_;
  JoinPolicy join_policy = JoinPolicy::open;
  PostingPolicy posting_policy = PostingPolicy::members;
  std::vector<std::string> languages{};  // BCP 47 tags; empty: any
  TimePoint created_at{};
  TimePoint updated_at{};
};

struct CommunityRule {
  int position = 0;  // 0-based, the order shown
  std::string text{};
};

struct CommunityView {
  Actor actor{};
  Community community{};
  std::int64_t member_count = 0;  // accepted memberships
};

struct CommunitySettings {
  std::string description_source{};
  std::string description_html{};
  std::string welcome_source{};
  std::string welcome_html{};
  CommunityVisibility visibility = CommunityVisibility::public_;
  JoinPolicy join_policy = JoinPolicy::open;
  PostingPolicy posting_policy = PostingPolicy::members;
  std::vector<std::string> languages{};
};

struct NewCommunity {
  NewLocalActor actor{};  // display_name = title
  CommunitySettings settings{};
  Id owner_actor_id = 0;  // gets an accepted owner membership in the same transaction
};

struct CommunityUpdate {
  Nullable<std::string> title{};  // the actor's display_name
  Nullable<std::string> icon_url{};
  Nullable<std::string> header_url{};  // the banner (AS2 `image`)
  std::optional<std::string> description_source{};
  std::optional<std::string> description_html{};
  std::optional<std::string> welcome_source{};
  std::optional<std::string> welcome_html{};
  std::optional<CommunityVisibility> visibility{};
  std::optional<JoinPolicy> join_policy{};
  std::optional<PostingPolicy> posting_policy{};
  std::optional<std::vector<std::string>> languages{};
};

enum class CommunityScope { local, remote, all };

// ---------------------------------------------------------------------------------------------
// memberships (a person in a community; remote members join with Follow)

enum class MemberRole { owner, moderator, member };
enum class MemberState { pending, accepted, banned };

struct Membership {
  Id id = 0;
  Id community_id = 0;
  Id actor_id = 0;
  MemberRole role = MemberRole::member;
  MemberState state = MemberState::pending;
  std::optional<std::string> ban_reason{};
  std::optional<TimePoint> ban_expires_at{};
  std::optional<std::string> follow_ap_id{};  // the Follow activity, for a later Accept/Undo
  TimePoint created_at{};
  TimePoint updated_at{};
};

struct MembershipForm {
  Id community_id = 0;
  Id actor_id = 0;
  MemberRole role = MemberRole::member;
  MemberState state = MemberState::pending;
  std::optional<std::string> follow_ap_id{};
};

// ---------------------------------------------------------------------------------------------
// follows between actors (person → person)

enum class FollowState { pending, accepted };

struct Follow {
  Id id = 0;
  Id follower_id = 0;
  Id followee_id = 0;
  FollowState state = FollowState::pending;
  std::optional<std::string> ap_id{};  // the Follow activity
  TimePoint created_at{};
  TimePoint updated_at{};
};

// ---------------------------------------------------------------------------------------------
// posts: threads (parent_id empty, thread_id == id) and comments

struct Attachment {
  int position = 0;
  std::string url{};
  std::optional<std::string> media_type{};
  std::optional<std::string> description{};  // alt text
  std::optional<int> width{};
  std::optional<int> height{};
  std::optional<std::string> blurhash{};
  std::optional<std::string> preview_url{};
  std::optional<double> focus_x{};  // focal point, -1 (left) .. 1 (right)
  std::optional<double> focus_y{};  // -1 (bottom) .. 1 (top)
  std::optional<Id> media_id{};     // a local upload (media.hpp): attaching it uses it up
};

// Who a person's post is for (Mastodon's Status.visibility): everyone and listed in public
// timelines (public), everyone but unlisted (unlisted), the author's accepted followers and the
// people it mentions (private), only the people it mentions or addresses (direct). Community posts
// are public here: their community decides who reads them.
enum class PostVisibility { public_, unlisted, private_, direct };

struct Post {
  Id id = 0;
  std::string ap_id{};
  Id author_id = 0;
  std::optional<Id> community_id{};             // nullopt: a person's own post
  Id thread_id = 0;                             // the root post; equals id for a thread
  std::optional<Id> parent_id{};                // comments: the post or comment replied to
  std::optional<std::string> title{};           // threads
  std::optional<std::string> content_source{};  // Markdown (local posts; remote when sent)
  std::string content_html{};                   // sanitized
  std::optional<std::string> summary{};         // content warning
  std::optional<std::string> language{};
  bool sensitive = false;
  std::optional<std::string> url{};
  // A remote thread's FEP-7888 `context` collection (ours is discovery::thread_context's).
  std::optional<std::string> context_url{};
  std::optional<std::string> link_url{};  // a link post's link (threads)
  bool is_local = false;
  bool is_question = false;
  std::optional<Id> accepted_answer_id{};
  bool locked = false;
  bool pinned = false;
  PostVisibility visibility = PostVisibility::public_;
  TimePoint published_at{};
  std::optional<TimePoint> updated_at{};  // last edit
  std::optional<TimePoint> deleted_at{};  // tombstone: content cleared
  std::optional<TimePoint> removed_at{};  // removed by a moderator (content kept for the modlog)
  std::vector<Attachment> attachments{};  // ordered by position

  bool is_thread() const noexcept { return !parent_id.has_value(); }
};

struct NewPost {
  std::optional<Id> id{};  // nullopt: generated; the caller may pre-allocate to build ap_id
  std::string ap_id{};
  Id author_id = 0;
  std::optional<Id> community_id{};  // comments inherit the thread's community
  std::optional<Id> parent_id{};     // set for a comment
  std::optional<std::string> title{};
  std::optional<std::string> content_source{};
  std::string content_html{};
  std::optional<std::string> summary{};
  std::optional<std::string> language{};
  bool sensitive = false;
  std::optional<std::string> url{};
  std::optional<std::string> context_url{};  // remote threads
  std::optional<std::string> link_url{};
  bool is_local = true;
  bool is_question = false;
  PostVisibility visibility = PostVisibility::public_;
  std::optional<TimePoint> published_at{};  // nullopt: now (remote posts pass theirs)
  std::vector<Attachment> attachments{};
};

// An edit; the previous title/content go to post_edits.
struct PostEdit {
  std::optional<std::string> title{};
  Nullable<std::string> content_source{};
  std::optional<std::string> content_html{};
  Nullable<std::string> summary{};
  Nullable<std::string> language{};
  std::optional<bool> sensitive{};
  Nullable<std::string> url{};
  Nullable<std::string> link_url{};
  std::optional<std::vector<Attachment>> attachments{};  // replaces the list when set
  std::optional<TimePoint> edited_at{};                  // nullopt: now
};

struct PostRevision {
  Id id = 0;
  Id post_id = 0;
  TimePoint edited_at{};  // when this version was replaced
  std::optional<std::string> title{};
  std::optional<std::string> content_source{};
  std::string content_html{};
};

// ---------------------------------------------------------------------------------------------
// reactions: votes and emoji reactions

enum class ReactionKind { like, dislike, emoji };

struct Reaction {
  Id id = 0;
  Id post_id = 0;
  Id actor_id = 0;
  ReactionKind kind = ReactionKind::like;
  std::string emoji{};  // "" for like/dislike; "🎉" or ":custom:"
  std::optional<std::string> emoji_icon_url{};
  std::optional<std::string> ap_id{};
  TimePoint created_at{};
};

struct ReactionForm {
  Id post_id = 0;
  Id actor_id = 0;
  ReactionKind kind = ReactionKind::like;
  std::string emoji{};
  std::optional<std::string> emoji_icon_url{};
  std::optional<std::string> ap_id{};
};

struct ReactionCount {
  ReactionKind kind = ReactionKind::like;
  std::string emoji{};
  std::int64_t count = 0;
};

// ---------------------------------------------------------------------------------------------
// enum <-> text, the spelling stored in the database (also handy for logs and the CLI)

std::string_view to_string(FederationPolicy v) noexcept;
std::string_view to_string(ActorKind v) noexcept;
std::string_view to_string(CommunityVisibility v) noexcept;
std::string_view to_string(JoinPolicy v) noexcept;
std::string_view to_string(PostingPolicy v) noexcept;
std::string_view to_string(MemberRole v) noexcept;
std::string_view to_string(MemberState v) noexcept;
std::string_view to_string(FollowState v) noexcept;
std::string_view to_string(ReactionKind v) noexcept;
std::string_view to_string(PostVisibility v) noexcept;

bool parse(std::string_view text, FederationPolicy& out) noexcept;
bool parse(std::string_view text, ActorKind& out) noexcept;
bool parse(std::string_view text, CommunityVisibility& out) noexcept;
bool parse(std::string_view text, JoinPolicy& out) noexcept;
bool parse(std::string_view text, PostingPolicy& out) noexcept;
bool parse(std::string_view text, MemberRole& out) noexcept;
bool parse(std::string_view text, MemberState& out) noexcept;
bool parse(std::string_view text, FollowState& out) noexcept;
bool parse(std::string_view text, ReactionKind& out) noexcept;
bool parse(std::string_view text, PostVisibility& out) noexcept;

}  // namespace guildhall::storage
