#pragma once

// What the Mastodon-compatible client API stores (schema migration 0004), written once for both
// backends like the other repositories:
//
//   OAuthRepo      registered applications, authorization codes and access tokens. Secrets, codes
//                  and tokens are stored only as hashes (the caller hashes: SHA-256, hex), so a
//                  leaked database does not leak credentials.
//   ClientApiRepo  per-user client state (bookmarks, Idempotency-Key replays, read markers, the web
//                  app's language), boosts and mentions (migration 0010), and the timeline queries
//                  the API pages through.
//
// Both live inside a transaction: Tx::oauth(), Tx::client_api(). Every call blocks.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/storage/model.hpp"
#include "guildhall/storage/repositories.hpp"

namespace guildhall::storage {

// ---------------------------------------------------------------------------------------------
// OAuth 2

struct OAuthApp {
  Id id = 0;
  std::string client_id{};
  std::string client_secret_hash{};
  std::string name{};
  std::optional<std::string> website{};
  std::vector<std::string> redirect_uris{};  // exact-match list
  std::vector<std::string> scopes{};         // what tokens of this app may ever carry
  TimePoint created_at{};
};

struct NewOAuthApp {
  std::string client_id{};
  std::string client_secret_hash{};
  std::string name{};
  std::optional<std::string> website{};
  std::vector<std::string> redirect_uris{};
  std::vector<std::string> scopes{};
};

struct OAuthCode {
  Id id = 0;
  std::string code_hash{};
  Id app_id = 0;
  Id user_id = 0;  // the local user (actor id) who consented
  std::string redirect_uri{};
  std::vector<std::string> scopes{};
  std::optional<std::string> code_challenge{};  // PKCE S256 (base64url of SHA-256)
  TimePoint created_at{};
  TimePoint expires_at{};
  std::optional<TimePoint> used_at{};
};

struct NewOAuthCode {
  std::string code_hash{};
  Id app_id = 0;
  Id user_id = 0;
  std::string redirect_uri{};
  std::vector<std::string> scopes{};
  std::optional<std::string> code_challenge{};
  TimePoint expires_at{};
};

struct OAuthToken {
  Id id = 0;
  std::string token_hash{};
  Id app_id = 0;
  std::optional<Id> user_id{};  // nullopt: an app-only token (client_credentials)
  std::vector<std::string> scopes{};
  std::optional<Id> code_id{};  // the authorization code it was issued for
  TimePoint created_at{};
  std::optional<TimePoint> last_used_at{};
  std::optional<TimePoint> revoked_at{};
};

struct NewOAuthToken {
  std::string token_hash{};
  Id app_id = 0;
  std::optional<Id> user_id{};
  std::vector<std::string> scopes{};
  std::optional<Id> code_id{};
};

class OAuthRepo {
 public:
  virtual ~OAuthRepo() = default;
  virtual Result<OAuthApp> create_app(const NewOAuthApp& app) = 0;
  virtual Result<OAuthApp> get_app(Id id) = 0;
  virtual Result<OAuthApp> get_app_by_client_id(std::string_view client_id) = 0;

  virtual Result<OAuthCode> create_code(const NewOAuthCode& code) = 0;
  // Marks the code used and returns it as it was before. not_found for an unknown hash; conflict
  // if it was already used (the caller revokes what the first use issued); the caller checks
  // expiry, client, redirect URI and PKCE against the returned row.
  virtual Result<OAuthCode> consume_code(std::string_view code_hash) = 0;

  virtual Result<OAuthToken> create_token(const NewOAuthToken& token) = 0;
  // Revoked tokens too (the caller refuses them).
  virtual Result<OAuthToken> get_token_by_hash(std::string_view token_hash) = 0;
  virtual Result<OAuthToken> get_token(Id id) = 0;
  virtual Result<void> touch_token(Id id, TimePoint used_at) = 0;
  // Returns whether an unrevoked token of that app was revoked now (RFC 7009: unknown is fine).
  virtual Result<bool> revoke_token(std::string_view token_hash, Id app_id) = 0;
  // Every token issued for an authorization code, by the code's hash (a replayed code: RFC 6749
  // section 4.1.2). Returns how many were revoked.
  virtual Result<std::int64_t> revoke_tokens_for_code(std::string_view code_hash) = 0;
  // Every unrevoked token of a user, of any app, web sessions included (suspension, disabling, a
  // password change), except `keep` (the caller's own session after a password change). Each
  // revocation is a token_revoked change, which closes the token's streams. Returns how many.
  virtual Result<std::int64_t> revoke_tokens_for_user(Id user_id, std::optional<Id> keep) = 0;
};

// ---------------------------------------------------------------------------------------------
// client state and timelines

struct Marker {
  std::string timeline{};  // "home" | "notifications"
  std::string last_read_id{};
  std::int64_t version = 0;  // bumped on every save
  TimePoint updated_at{};
};

enum class PublicScope { all, local, remote };

// Who reads a list of posts. A private community's posts are readable only by its accepted
// members and the instance's admins, a local-only community's only by signed-in users: the rule
// of federation::CommunityService::standing, applied in SQL to lists and by post_readable to one
// post, so timelines, search and streams never show what the community API would hide. A
// person's post is readable as its visibility says (PostVisibility): followers-only posts by the
// author, the author's accepted followers and the people it mentions or addresses (post_mentions),
// direct ones only by the author and those people. Admins are no exception there.
struct Reader {
  std::optional<Id> actor_id{};  // nullopt: not signed in
  bool admin = false;
};

// A boost: a person's Announce of a post (local or remote).
struct Reblog {
  Id id = 0;
  Id actor_id = 0;
  Id post_id = 0;
  std::string ap_id{};  // the Announce
  TimePoint created_at{};
};

// One entry of the home timeline: a post as itself, or boosted by `reblogged_by` (a person's
// Announce, or a community the viewer belongs to distributing one of its threads). `cursor` pages
// the timeline: the reblog row's id for a person's boost, the post's id otherwise.
struct TimelineEntry {
  Id cursor = 0;
  Post post{};
  std::optional<Id> reblogged_by{};
};

// A notification, derived from the rows that cause it (no table of its own): a like of one of
// the actor's posts (favourite), a follow of the actor (follow, or follow_request while pending),
// a reply to one of its posts or a post that mentions it (mention), a person's boost of one of its
// posts (reblog; communities' Announces are no boosts). `id` is the causing row's Snowflake, so
// notifications page by time like everything else.
// Communities add Guildhall's own types, which Mastodon has no word for (docs/api.md,
// "Notifications"), from the moderation log: a manager's answer to the person's join request
// (guildhall.join_approved, guildhall.join_rejected; for a remote community the host's Accept or
// Reject, logged by the inbox), their appointment as moderator (guildhall.moderator_added) and a
// ban (guildhall.banned); `from_actor_id` is the community, `id` the log entry. A report
// (community_reports) notifies the instance's admins as Mastodon's admin.report and the local
// managers of a community hosted here as guildhall.report; `from_actor_id` is the reporter and
// `id` the report's.
// What a person can turn off (the web app's settings): a notification's category says what caused
// it, which its Mastodon type alone does not (a reply and a mention are both "mention").
//   mention   a post that mentions the person        reply   a reply to one of their posts
//   reaction  a like of one of their posts           boost   a person's boost of one of them
//   follow    a follow or follow request
//   membership  a community's answer to a join request, an appointment, a ban
//   report    a report for the person to handle (managers and admins)
inline constexpr std::array<std::string_view, 7> kNotificationCategories{
    "mention", "reply", "reaction", "boost", "follow", "membership", "report"};

// Guildhall's own notification types (above). The client API returns them only to clients that
// name them (types[]): Mastodon apps do not know them.
inline constexpr std::array<std::string_view, 5> kGuildhallNotificationTypes{
    "guildhall.join_approved", "guildhall.join_rejected", "guildhall.moderator_added",
    "guildhall.banned", "guildhall.report"};

// A direct conversation as one participant sees it: the direct posts of one thread that the
// participant may read. `id` is the thread's id.
struct Conversation {
  Id id = 0;
  Id last_post_id = 0;
  bool unread = false;             // the last post is someone else's and was not marked read
  std::vector<Id> participants{};  // authors and addressees of those posts, without the reader
};

struct NotificationRow {
  Id id = 0;
  std::string type{};  // "favourite" | "follow" | "follow_request" | "mention" | "reblog" |
                       // "poll" | "admin.report" | "guildhall.…" (above)
  Id from_actor_id = 0;
  std::optional<Id> post_id{};
  TimePoint created_at{};
};

class ClientApiRepo {
 public:
  virtual ~ClientApiRepo() = default;

  // Idempotent both ways.
  virtual Result<void> add_bookmark(Id actor_id, Id post_id) = 0;
  virtual Result<void> remove_bookmark(Id actor_id, Id post_id) = 0;
  virtual Result<bool> is_bookmarked(Id actor_id, Id post_id) = 0;
  // Post ids, newest bookmark first; pages by the bookmark row id (cursor = returned first).
  virtual Result<std::vector<std::pair<Id, Id>>> bookmarks(Id actor_id,
                                                           const PageRequest& page) = 0;

  // Profile pins (Mastodon's pinned statuses, the actor's `featured` collection). pin is
  // idempotent; unpin answers whether there was a pin. Pinned post ids, newest pin first.
  virtual Result<void> pin_to_profile(Id actor_id, Id post_id) = 0;
  virtual Result<bool> unpin_from_profile(Id actor_id, Id post_id) = 0;
  virtual Result<std::vector<Id>> profile_pins(Id actor_id) = 0;
  virtual Result<bool> is_pinned_to_profile(Id actor_id, Id post_id) = 0;

  // Posts the actor liked, newest like first: (reaction id as the cursor, post id).
  virtual Result<std::vector<std::pair<Id, Id>>> favourites(Id actor_id,
                                                            const PageRequest& page) = 0;

  // The post a (actor, Idempotency-Key) pair created, if it is younger than not_before.
  virtual Result<std::optional<Id>> idempotent_post(Id actor_id, std::string_view key,
                                                    TimePoint not_before) = 0;
  // Records (or replaces an expired) key → post.
  virtual Result<void> remember_idempotent_post(Id actor_id, std::string_view key, Id post_id) = 0;

  virtual Result<std::vector<Marker>> markers(Id actor_id) = 0;
  virtual Result<Marker> save_marker(Id actor_id, std::string_view timeline,
                                     std::string_view last_read_id) = 0;

  // The web app's language (a BCP 47 tag), nullopt: follow the browser.
  virtual Result<std::optional<std::string>> web_locale(Id actor_id) = 0;
  virtual Result<void> set_web_locale(Id actor_id, const std::optional<std::string>& locale) = 0;

  // The notification categories the actor turned off (kNotificationCategories), sorted.
  // notifications() and notifications_caused_by() leave them out.
  virtual Result<std::vector<std::string>> muted_notifications(Id actor_id) = 0;
  // Replaces the whole set; invalid_input for a name not in kNotificationCategories (nothing
  // stored then).
  virtual Result<void> set_muted_notifications(Id actor_id,
                                               const std::vector<std::string>& categories) = 0;

  // Boosts. add_reblog is idempotent per (actor, post): it returns the existing row.
  virtual Result<Reblog> add_reblog(Id actor_id, Id post_id, std::string_view ap_id) = 0;
  // The removed row; not_found if there was none.
  virtual Result<Reblog> remove_reblog(Id actor_id, Id post_id) = 0;
  virtual Result<Reblog> get_reblog(Id id) = 0;
  virtual Result<Reblog> get_reblog_by_ap_id(std::string_view ap_id) = 0;
  virtual Result<bool> is_reblogged(Id actor_id, Id post_id) = 0;
  virtual Result<std::int64_t> count_reblogs(Id post_id) = 0;
  // (reblog id as the cursor, actor id), newest first.
  virtual Result<std::vector<std::pair<Id, Id>>> reblogged_by(Id post_id,
                                                              const PageRequest& page) = 0;

  // Who a post mentions; adding is idempotent.
  virtual Result<void> add_mentions(Id post_id, const std::vector<Id>& actor_ids) = 0;
  virtual Result<std::vector<Id>> mentions(Id post_id) = 0;

  // Live posts (not deleted, not removed) by the actor and by everyone it follows (accepted), the
  // boosts of both, and the threads of the communities it belongs to (boosted by the community)
  // unless their author is already among the former; readable by the actor (the Reader rule).
  virtual Result<std::vector<TimelineEntry>> home_timeline(Id actor_id,
                                                           const PageRequest& page) = 0;
  virtual Result<std::vector<Post>> public_timeline(PublicScope scope, const Reader& reader,
                                                    const PageRequest& page) = 0;
  // Live posts whose HTML or source contains `needle` (case-insensitive); the caller filters
  // on word boundaries.
  virtual Result<std::vector<Post>> posts_containing(std::string_view needle, PublicScope scope,
                                                     const Reader& reader,
                                                     const PageRequest& page) = 0;
  // Whether the reader may see the post (deleted or not) under the Reader rule.
  virtual Result<bool> post_readable(const Reader& reader, Id post_id) = 0;
  // Whether some actor of the instance `domain` may read the post under its visibility (what a
  // signed fetch of a followers-only or direct post from that instance may see).
  virtual Result<bool> post_readable_on(Id post_id, std::string_view domain) = 0;
  // Direct replies, oldest first.
  virtual Result<std::vector<Post>> replies(Id post_id) = 0;
  virtual Result<std::int64_t> count_replies(Id post_id) = 0;
  virtual Result<std::int64_t> count_posts_by_author(Id author_id) = 0;
  virtual Result<std::optional<TimePoint>> last_post_at(Id author_id) = 0;
  // `types` empty: every type. Categories the actor turned off, dismissed and cleared
  // notifications are left out.
  virtual Result<std::vector<NotificationRow>> notifications(Id actor_id,
                                                             const std::vector<std::string>& types,
                                                             const PageRequest& page) = 0;
  // Hides one notification of the actor (idempotent; the caller checks it exists).
  virtual Result<void> dismiss_notification(Id actor_id, Id notification_id) = 0;
  // Hides every notification caused until now; later ones show.
  virtual Result<void> clear_notifications(Id actor_id) = 0;
  // The notifications a row (a like, a follow, a reply) causes, with their recipients: what the
  // streaming API pushes when the row is created (the same derivation as notifications()).
  virtual Result<std::vector<std::pair<Id, NotificationRow>>> notifications_caused_by(
      Id row_id) = 0;
  // The actor's direct conversations, newest last post first, paged by the last post's id;
  // hidden ones only come back with a newer post.
  virtual Result<std::vector<Conversation>> conversations(Id actor_id, const PageRequest& page) = 0;
  // Marks read, or hides, one conversation up to its last post; not_found when the actor has no
  // such conversation.
  virtual Result<Conversation> mark_conversation_read(Id actor_id, Id conversation_id) = 0;
  virtual Result<void> hide_conversation(Id actor_id, Id conversation_id) = 0;
  // Actors whose handle or display name starts with / contains prefix (case-insensitive).
  virtual Result<std::vector<Actor>> search_actors(std::string_view text, std::size_t limit) = 0;
};

}  // namespace guildhall::storage
