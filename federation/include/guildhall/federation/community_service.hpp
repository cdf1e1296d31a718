#pragma once

// The one entry point for what local people do with communities, wherever they are hosted: the
// community API routes (server/src/routes/community_*.cpp) and `guildhall admin act` both call
// it. It decides per call where the community lives and hands the action to
// outbox::Communities (hosted here: the group engine applies it) or outbox::RemoteCommunities
// (hosted elsewhere: the activity is sent to the group). Actions that only a community's host can
// perform (settings, join requests, bans, moderators, pin, lock, remove, reports) answer
// invalid_input for a remote community. It also holds the read rules (who may see a community,
// who manages it) the routes apply inside their read transactions.
//
// Blocking (database and, for finding unknown remote communities and people, the network): run
// on worker threads or the CLI.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guildhall/core/result.hpp"
#include "guildhall/federation/outbox/communities.hpp"
#include "guildhall/federation/outbox/remote_communities.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/community_queries.hpp"
#include "guildhall/storage/model.hpp"

namespace guildhall::storage {
class Database;
class Tx;
}  // namespace guildhall::storage

namespace guildhall::federation {

namespace fetch {
class RemoteActors;
class RemoteGroups;
}  // namespace fetch

// A viewer's standing in one community, for the API's `me` and its permission checks.
struct CommunityStanding {
  std::optional<storage::Membership> membership{};
  bool member = false;      // accepted
  bool banned = false;      // banned and the ban has not expired
  bool can_manage = false;  // owner, moderator, or an admin of this instance
  bool can_post = false;    // may start a thread (the host has the last word)
  bool can_read = false;    // public and local-only communities, or a member or manager
};

class CommunityService {
 public:
  // `groups` and `actors` find communities and people this instance has not stored yet (name@host
  // or URL, over the network); without them only stored ones are found.
  CommunityService(storage::Database& db, Urls urls, const fetch::RemoteGroups* groups = nullptr,
                   const fetch::RemoteActors* actors = nullptr,
                   std::function<void()> on_enqueued = {});

  // ---- finding what a person names

  // A local handle, name@host (also !name@host or @name@host) or the group's actor URL. Remote
  // ones not stored yet are fetched (WebFinger, then the Group). invalid_input for text that
  // cannot name a community.
  core::Result<storage::CommunityView> find_community(std::string_view ref) const;
  // A person id, a local handle, name@host (also @name@host) or an actor URL; unknown remote
  // people are fetched.
  core::Result<storage::Actor> find_person(std::string_view ref) const;
  // A post by its id or its ActivityPub id.
  core::Result<storage::Post> find_post(std::string_view ref) const;

  // ---- routed by where the community lives

  // Hosted here: accepted (open) or pending (approval), with the welcome message once accepted.
  // Elsewhere: pending until the group's Accept arrives.
  core::Result<outbox::JoinResult> join(storage::Id person_id, storage::Id community_id);
  core::Result<void> leave(storage::Id person_id, storage::Id community_id);
  core::Result<storage::Post> post_thread(storage::Id author_id, storage::Id community_id,
                                          const outbox::ThreadInput& input);
  // A reply to a thread or a comment.
  core::Result<storage::Post> comment(storage::Id author_id, storage::Id parent_id,
                                      const outbox::CommentInput& input);
  core::Result<storage::Post> edit(storage::Id author_id, storage::Id post_id,
                                   const outbox::EditInput& input);
  core::Result<void> delete_post(storage::Id author_id, storage::Id post_id);
  core::Result<void> react(storage::Id actor_id, storage::Id post_id, storage::ReactionKind kind,
                           const std::string& emoji = {});
  core::Result<void> unreact(storage::Id actor_id, storage::Id post_id, storage::ReactionKind kind,
                             const std::string& emoji = {});
  core::Result<void> report(storage::Id actor_id, storage::Id post_id,
                            const std::optional<std::string>& reason);
  // Q&A: the asker or a moderator marks a comment as the accepted answer (or clears it).
  core::Result<void> choose_answer(storage::Id actor_id, storage::Id comment_id, bool chosen);
  core::Result<void> vote(storage::Id actor_id, storage::Id poll_id,
                          const std::vector<std::string>& options);
  // nullopt withdraws the answer.
  core::Result<void> rsvp(storage::Id actor_id, storage::Id event_id,
                          std::optional<storage::RsvpStatus> status);

  // ---- what only the hosting instance does (invalid_input for a remote community), except
  // remove/restore, lock, pin and ban/unban, which a local moderator of a remote community sends
  // to its group

  core::Result<storage::CommunityView> create(storage::Id owner_id,
                                              const outbox::CommunityInput& input);
  core::Result<storage::CommunityView> update_settings(storage::Id manager_id,
                                                       storage::Id community_id,
                                                       const outbox::CommunitySettingsInput& input);
  core::Result<storage::Membership> approve(storage::Id manager_id, storage::Id community_id,
                                            storage::Id member_id);
  core::Result<void> reject(storage::Id manager_id, storage::Id community_id,
                            storage::Id member_id);
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
  core::Result<std::vector<storage::CommunityReport>> reports(storage::Id moderator_id,
                                                              storage::Id community_id,
                                                              bool open_only,
                                                              const storage::PageRequest& page);
  core::Result<storage::CommunityReport> resolve_report(storage::Id moderator_id,
                                                        storage::Id report_id);
  core::Result<std::vector<storage::ModerationEntry>> moderation_log(
      storage::Id viewer_id, storage::Id community_id, const storage::PageRequest& page);

  // ---- reads (inside the caller's transaction, so the rows can be rendered in it)

  core::Result<CommunityStanding> standing(storage::Tx& tx, storage::Id viewer_id,
                                           const storage::CommunityView& group) const;
  // The community unless deleted or suspended: its about page, which everyone here may see (a
  // private community's too, so people can ask to join).
  core::Result<storage::CommunityView> community(storage::Tx& tx, storage::Id community_id) const;
  // The community if the viewer may read its content (threads, members, moderation log);
  // not_found otherwise: a private community's content looks absent to outsiders.
  core::Result<storage::CommunityView> readable(storage::Tx& tx, storage::Id viewer_id,
                                                storage::Id community_id) const;
  // The same, and forbidden unless the viewer manages it.
  core::Result<storage::CommunityView> managed(storage::Tx& tx, storage::Id viewer_id,
                                               storage::Id community_id) const;
  // A post of a community the viewer may read (tombstones too: the caller renders them).
  core::Result<storage::Post> readable_post(storage::Tx& tx, storage::Id viewer_id,
                                            storage::Id post_id) const;
  // Managers only; figures over `days` days ending today.
  core::Result<storage::CommunityInsights> insights(storage::Tx& tx, storage::Id viewer_id,
                                                    storage::Id community_id, int days) const;

 private:
  // Whether the community (of the post) is hosted here.
  core::Result<bool> hosted_here(storage::Id community_id) const;
  core::Result<bool> post_hosted_here(storage::Id post_id) const;

  storage::Database& db_;
  Urls urls_;
  const fetch::RemoteGroups* groups_;
  const fetch::RemoteActors* actors_;
  outbox::Communities hosted_;
  outbox::RemoteCommunities remote_;
};

}  // namespace guildhall::federation
