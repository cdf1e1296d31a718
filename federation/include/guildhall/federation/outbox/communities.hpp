#pragma once

// What local people do in communities HOSTED HERE: the internal service API the client API, the
// web app and `guildhall admin act` call. Every call validates, then builds the ActivityPub
// activity the person would have sent and hands it to the group engine (groups/engine.hpp) inside
// ONE transaction, so a local member goes through exactly the checks, effects and Announces a
// remote member does. After the commit on_enqueued wakes the delivery worker. Blocking: run on a
// worker thread.
//
// Communities hosted on another instance are refused with invalid_input for now (the member side
// sends to the remote group instead).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/community_content.hpp"
#include "guildhall/storage/community_log.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::storage {
class Database;
class Tx;
}  // namespace guildhall::storage

namespace guildhall::federation::outbox {

// Every member has an initializer so designated initializers compile warning-free on g++ 12.
struct CommunityInput {
  std::string handle{};       // [a-z0-9_]{1,30}, shared with people's handles
  std::string title{};        // 1 to 100 characters
  std::string description{};  // Markdown
  std::vector<std::string> rules{};
  std::string welcome{};  // Markdown, sent to each new member
  storage::CommunityVisibility visibility = storage::CommunityVisibility::public_;
  storage::JoinPolicy join_policy = storage::JoinPolicy::open;
  storage::PostingPolicy posting_policy = storage::PostingPolicy::members;
  std::vector<std::string> languages{};  // BCP 47 tags; empty: any
};

// Settings changes; unset fields stay as they are.
struct CommunitySettingsInput {
  std::optional<std::string> title{};
  std::optional<std::string> description{};
  std::optional<std::vector<std::string>> rules{};
  std::optional<std::string> welcome{};
  std::optional<storage::CommunityVisibility> visibility{};
  std::optional<storage::JoinPolicy> join_policy{};
  std::optional<storage::PostingPolicy> posting_policy{};
  std::optional<std::vector<std::string>> languages{};
  storage::Nullable<std::string> icon_url{};    // an http(s) URL; optional{nullopt} removes it
  storage::Nullable<std::string> header_url{};  // the banner, likewise
};

// A poll thread (AS2 Question): 2 to 20 options, one per person (oneOf) or several (anyOf).
struct PollInput {
  std::vector<std::string> options{};
  bool multiple = false;
  std::optional<core::TimePoint> end_time{};  // must be in the future
  bool hide_totals = false;                   // tallies shown once it ended (people's polls)
};

// An event thread (AS2 Event).
struct EventInput {
  core::TimePoint start_time{};
  std::optional<core::TimePoint> end_time{};
  std::optional<std::string> location_name{};
  std::optional<std::string> location_address{};
};

// A new community's input from settings given as changes (the CLI's key=value pairs, the API's
// body): unset fields take the defaults.
CommunityInput community_input(std::string handle, const CommunitySettingsInput& settings);

struct ThreadInput {
  std::string title{};
  std::string markdown{};
  std::optional<std::string> language{};
  bool is_question = false;              // Q&A: one comment can become the accepted answer
  std::optional<std::string> summary{};  // content warning
  bool sensitive = false;
  std::optional<PollInput> poll{};       // the thread is a poll
  std::optional<EventInput> event{};     // the thread is an event (not both)
  std::optional<std::string> link{};     // a link post: an http(s) URL (Lemmy's Link attachment)
  std::vector<storage::Id> media_ids{};  // the author's uploads shown with it (attachments.hpp)
};

struct CommentInput {
  std::string markdown{};
  std::optional<std::string> language{};
  std::vector<storage::Id> media_ids{};
};

struct EditInput {
  std::optional<std::string> title{};  // threads only
  std::string markdown{};
  std::optional<std::string> language{};
  std::optional<std::vector<storage::Id>> media_ids{};  // nullopt: the attachments stay
};

struct JoinResult {
  storage::Membership membership{};  // accepted, or pending a manager's approval
  std::string welcome_html{};        // the community's welcome message once accepted
};

class Communities {
 public:
  Communities(storage::Database& db, Urls urls, std::function<void()> on_enqueued = {});

  // A new local community; `owner_id` (a local person) becomes its owner. Generates the group's
  // key pair.
  core::Result<storage::CommunityView> create(storage::Id owner_id, const CommunityInput& input);
  // Managers (owner, moderators, instance admins) only; followers get Update(Group).
  core::Result<storage::CommunityView> update_settings(storage::Id manager_id,
                                                       storage::Id community_id,
                                                       const CommunitySettingsInput& input);

  core::Result<JoinResult> join(storage::Id actor_id, storage::Id community_id);
  core::Result<void> leave(storage::Id actor_id, storage::Id community_id);
  core::Result<storage::Membership> approve(storage::Id manager_id, storage::Id community_id,
                                            storage::Id member_id);
  core::Result<void> reject(storage::Id manager_id, storage::Id community_id,
                            storage::Id member_id);

  core::Result<storage::Post> post_thread(storage::Id author_id, storage::Id community_id,
                                          const ThreadInput& input);
  core::Result<storage::Post> comment(storage::Id author_id, storage::Id parent_post_id,
                                      const CommentInput& input);
  core::Result<storage::Post> edit(storage::Id author_id, storage::Id post_id,
                                   const EditInput& input);
  core::Result<void> delete_post(storage::Id author_id, storage::Id post_id);
  // like and dislike are votes (one replaces the other); emoji takes `emoji` ("🎉").
  core::Result<void> react(storage::Id actor_id, storage::Id post_id, storage::ReactionKind kind,
                           const std::string& emoji = {});
  core::Result<void> unreact(storage::Id actor_id, storage::Id post_id, storage::ReactionKind kind,
                             const std::string& emoji = {});

  // Q&A: the question's author or a moderator marks a comment of a question thread as its
  // accepted answer (ChooseAnswer), or clears it (`chosen` false: Undo).
  core::Result<void> choose_answer(storage::Id actor_id, storage::Id comment_id, bool chosen);
  // A vote in a poll thread: one Note per option (Mastodon's shape); one option per person unless
  // the poll takes several; none after its end.
  core::Result<void> vote(storage::Id actor_id, storage::Id poll_id,
                          const std::vector<std::string>& options);
  // An answer to an event thread: going (Accept), maybe (TentativeAccept), not going (Reject);
  // nullopt withdraws it (Undo).
  core::Result<void> rsvp(storage::Id actor_id, storage::Id event_id,
                          std::optional<storage::RsvpStatus> status);

  // Moderation (moderators, the owner and instance admins), each in the moderation log.
  core::Result<void> remove_post(storage::Id moderator_id, storage::Id post_id,
                                 const std::optional<std::string>& reason);
  core::Result<void> restore_post(storage::Id moderator_id, storage::Id post_id);
  core::Result<void> lock(storage::Id moderator_id, storage::Id post_id, bool locked);
  core::Result<void> pin(storage::Id moderator_id, storage::Id post_id, bool pinned);
  core::Result<void> ban(storage::Id moderator_id, storage::Id community_id, storage::Id person_id,
                         const std::optional<std::string>& reason,
                         std::optional<core::TimePoint> until);
  core::Result<void> unban(storage::Id moderator_id, storage::Id community_id,
                           storage::Id person_id);
  core::Result<void> set_moderator(storage::Id manager_id, storage::Id community_id,
                                   storage::Id person_id, bool moderator);

  // Reports (Flag): anyone who may take part reports a post; moderators list and resolve them.
  // Reports forwarded to us about our people's posts in communities hosted elsewhere are listed
  // and resolved by our admins (`community_id` = that community). Resolving a report about an
  // author on another server tells that server (Resolve).
  core::Result<void> report(storage::Id actor_id, storage::Id post_id,
                            const std::optional<std::string>& reason);
  core::Result<std::vector<storage::CommunityReport>> reports(storage::Id moderator_id,
                                                              storage::Id community_id,
                                                              bool open_only,
                                                              const storage::PageRequest& page);
  core::Result<storage::CommunityReport> resolve_report(storage::Id moderator_id,
                                                        storage::Id report_id);

  // Readable by anyone for a public community, by members (and admins) otherwise. Newest first.
  core::Result<std::vector<storage::ModerationEntry>> moderation_log(
      storage::Id viewer_id, storage::Id community_id, const storage::PageRequest& page);

 private:
  template <typename F>
  auto transact_and_notify(F&& body);
  // One transaction: the acting local person and the post (or community) acted on are looked up,
  // `build` makes the activity the person sends, and the group engine applies it.
  template <typename Build>
  core::Result<void> send_about_post(storage::Id actor_id, storage::Id post_id, Build build);
  template <typename Build>
  core::Result<void> send_in_group(storage::Id actor_id, storage::Id community_id, Build build);
  std::string new_activity_id(storage::Tx& tx) const;

  storage::Database& db_;
  Urls urls_;
  std::function<void()> on_enqueued_;
};

}  // namespace guildhall::federation::outbox
