#include "guildhall/federation/community_service.hpp"

#include "guildhall/federation/fetch/remote_actors.hpp"
#include "guildhall/federation/fetch/remote_groups.hpp"
#include "guildhall/federation/groups/engine.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation {

namespace {

using core::Error;
using core::Result;
using storage::Id;
using storage::Tx;

bool is_url(std::string_view ref) {
  return ref.starts_with("https://") || ref.starts_with("http://");
}

// "name@host" split after dropping a leading '!' or '@'; host empty for a bare name.
std::pair<std::string, std::string> split_handle(std::string_view ref) {
  if (!ref.empty() && (ref.front() == '!' || ref.front() == '@'))
    ref.remove_prefix(1);
  const auto at = ref.find('@');
  if (at == std::string_view::npos)
    return {std::string(ref), {}};
  return {std::string(ref.substr(0, at)), std::string(ref.substr(at + 1))};
}

// Routes one action: `here` for a community hosted on this instance, `elsewhere` otherwise.
template <typename Here, typename Elsewhere>
auto route(Result<bool> hosted_here, Here&& here, Elsewhere&& elsewhere) -> decltype(here()) {
  if (!hosted_here)
    return std::move(hosted_here).error();
  return *hosted_here ? here() : elsewhere();
}

}  // namespace

CommunityService::CommunityService(storage::Database& db, Urls urls,
                                   const fetch::RemoteGroups* groups,
                                   const fetch::RemoteActors* actors,
                                   std::function<void()> on_enqueued)
    : db_(db),
      urls_(urls),
      groups_(groups),
      actors_(actors),
      hosted_(db, urls, on_enqueued),
      remote_(db, urls, std::move(on_enqueued)) {}

// ---------------------------------------------------------------------------------------------
// finding

Result<storage::CommunityView> CommunityService::find_community(std::string_view ref) const {
  if (ref.empty())
    return Error::invalid_input("name a community: handle, name@host or URL");
  auto stored = db_.read([&](Tx& tx) -> Result<storage::CommunityView> {
    if (is_url(ref))
      return tx.communities().get_by_ap_id(ref);
    const auto [name, host] = split_handle(ref);
    if (name.empty())
      return Error::invalid_input("'" + std::string(ref) + "' is not a community name");
    if (host.empty() || host == urls_.host())
      return tx.communities().get_local_by_handle(name);
    return tx.communities().get_by_handle(name, host);
  });
  if (stored || stored.error().kind != core::ErrorKind::not_found || !groups_)
    return stored;
  const auto [name, host] = split_handle(ref);
  if (!is_url(ref) && (host.empty() || host == urls_.host()))
    return stored;  // a local community that does not exist
  return groups_->resolve(ref);
}

Result<storage::Actor> CommunityService::find_person(std::string_view ref) const {
  if (ref.empty())
    return Error::invalid_input("name a person: id, handle, name@host or URL");
  if (is_url(ref)) {
    if (actors_)
      return actors_->get(ref);
    return db_.read([&](Tx& tx) { return tx.actors().get_by_ap_id(ref); });
  }
  if (Id id = 0; core::parse_id(ref, id))
    return db_.read([&](Tx& tx) { return tx.actors().get(id); });
  const auto [name, host] = split_handle(ref);
  if (host.empty() || host == urls_.host())
    return db_.read([&](Tx& tx) { return tx.actors().get_local_by_handle(name); });
  auto stored = db_.read([&](Tx& tx) { return tx.actors().get_by_handle(name, host); });
  if (stored || stored.error().kind != core::ErrorKind::not_found || !actors_)
    return stored;
  return actors_->resolve_handle(name + "@" + host);
}

Result<storage::Post> CommunityService::find_post(std::string_view ref) const {
  return db_.read([&](Tx& tx) -> Result<storage::Post> {
    if (Id id = 0; core::parse_id(ref, id))
      return tx.posts().get(id);
    return tx.posts().get_by_ap_id(ref);
  });
}

Result<bool> CommunityService::hosted_here(Id community_id) const {
  return db_.read([&](Tx& tx) -> Result<bool> {
    auto group = tx.communities().get(community_id);
    if (!group)
      return std::move(group).error();
    return group->actor.is_local();
  });
}

Result<bool> CommunityService::post_hosted_here(Id post_id) const {
  return db_.read([&](Tx& tx) -> Result<bool> {
    auto post = tx.posts().get(post_id);
    if (!post)
      return std::move(post).error();
    if (!post->community_id)
      return Error::invalid_input("the post is not in a community");
    auto group = tx.actors().get(*post->community_id);
    if (!group)
      return std::move(group).error();
    return group->is_local();
  });
}

// ---------------------------------------------------------------------------------------------
// routed

Result<outbox::JoinResult> CommunityService::join(Id person_id, Id community_id) {
  return route(
      hosted_here(community_id), [&] { return hosted_.join(person_id, community_id); },
      [&]() -> Result<outbox::JoinResult> {
        auto membership = remote_.join(person_id, community_id);
        if (!membership)
          return std::move(membership).error();
        return outbox::JoinResult{.membership = std::move(*membership), .welcome_html = {}};
      });
}

Result<void> CommunityService::leave(Id person_id, Id community_id) {
  return route(
      hosted_here(community_id), [&] { return hosted_.leave(person_id, community_id); },
      [&] { return remote_.leave(person_id, community_id); });
}

Result<storage::Post> CommunityService::post_thread(Id author_id, Id community_id,
                                                    const outbox::ThreadInput& input) {
  return route(
      hosted_here(community_id),
      [&] { return hosted_.post_thread(author_id, community_id, input); },
      [&] { return remote_.post_thread(author_id, community_id, input); });
}

Result<storage::Post> CommunityService::comment(Id author_id, Id parent_id,
                                                const outbox::CommentInput& input) {
  return route(
      post_hosted_here(parent_id), [&] { return hosted_.comment(author_id, parent_id, input); },
      [&] { return remote_.comment(author_id, parent_id, input); });
}

Result<storage::Post> CommunityService::edit(Id author_id, Id post_id,
                                             const outbox::EditInput& input) {
  return route(
      post_hosted_here(post_id), [&] { return hosted_.edit(author_id, post_id, input); },
      [&] { return remote_.edit(author_id, post_id, input); });
}

Result<void> CommunityService::delete_post(Id author_id, Id post_id) {
  return route(
      post_hosted_here(post_id), [&] { return hosted_.delete_post(author_id, post_id); },
      [&] { return remote_.remove(author_id, post_id); });
}

Result<void> CommunityService::react(Id actor_id, Id post_id, storage::ReactionKind kind,
                                     const std::string& emoji) {
  return route(
      post_hosted_here(post_id), [&] { return hosted_.react(actor_id, post_id, kind, emoji); },
      [&] { return remote_.react(actor_id, post_id, kind, emoji); });
}

Result<void> CommunityService::unreact(Id actor_id, Id post_id, storage::ReactionKind kind,
                                       const std::string& emoji) {
  return route(
      post_hosted_here(post_id), [&] { return hosted_.unreact(actor_id, post_id, kind, emoji); },
      [&] { return remote_.unreact(actor_id, post_id, kind, emoji); });
}

Result<void> CommunityService::report(Id actor_id, Id post_id,
                                      const std::optional<std::string>& reason) {
  return route(
      post_hosted_here(post_id), [&] { return hosted_.report(actor_id, post_id, reason); },
      [&] { return remote_.report(actor_id, post_id, reason.value_or("")); });
}

Result<void> CommunityService::choose_answer(Id actor_id, Id comment_id, bool chosen) {
  return route(
      post_hosted_here(comment_id),
      [&] { return hosted_.choose_answer(actor_id, comment_id, chosen); },
      [&] { return remote_.choose_answer(actor_id, comment_id, chosen); });
}

Result<void> CommunityService::vote(Id actor_id, Id poll_id,
                                    const std::vector<std::string>& options) {
  return route(
      post_hosted_here(poll_id), [&] { return hosted_.vote(actor_id, poll_id, options); },
      [&] { return remote_.vote(actor_id, poll_id, options); });
}

Result<void> CommunityService::rsvp(Id actor_id, Id event_id,
                                    std::optional<storage::RsvpStatus> status) {
  return route(
      post_hosted_here(event_id), [&] { return hosted_.rsvp(actor_id, event_id, status); },
      [&] { return remote_.rsvp(actor_id, event_id, status); });
}

// ---------------------------------------------------------------------------------------------
// hosted here only: outbox::Communities refuses remote communities itself

Result<storage::CommunityView> CommunityService::create(Id owner_id,
                                                        const outbox::CommunityInput& input) {
  return hosted_.create(owner_id, input);
}

Result<storage::CommunityView> CommunityService::update_settings(
    Id manager_id, Id community_id, const outbox::CommunitySettingsInput& input) {
  return hosted_.update_settings(manager_id, community_id, input);
}

Result<storage::Membership> CommunityService::approve(Id manager_id, Id community_id,
                                                      Id member_id) {
  return hosted_.approve(manager_id, community_id, member_id);
}

Result<void> CommunityService::reject(Id manager_id, Id community_id, Id member_id) {
  return hosted_.reject(manager_id, community_id, member_id);
}

Result<void> CommunityService::remove_post(Id moderator_id, Id post_id,
                                           const std::optional<std::string>& reason) {
  return route(
      post_hosted_here(post_id), [&] { return hosted_.remove_post(moderator_id, post_id, reason); },
      [&] { return remote_.remove_post(moderator_id, post_id, reason); });
}

Result<void> CommunityService::restore_post(Id moderator_id, Id post_id) {
  return route(
      post_hosted_here(post_id), [&] { return hosted_.restore_post(moderator_id, post_id); },
      [&] { return remote_.restore_post(moderator_id, post_id); });
}

Result<void> CommunityService::lock(Id moderator_id, Id post_id, bool locked) {
  return route(
      post_hosted_here(post_id), [&] { return hosted_.lock(moderator_id, post_id, locked); },
      [&] { return remote_.lock(moderator_id, post_id, locked); });
}

Result<void> CommunityService::pin(Id moderator_id, Id post_id, bool pinned) {
  return route(
      post_hosted_here(post_id), [&] { return hosted_.pin(moderator_id, post_id, pinned); },
      [&] { return remote_.pin(moderator_id, post_id, pinned); });
}

Result<void> CommunityService::ban(Id moderator_id, Id community_id, Id person_id,
                                   const std::optional<std::string>& reason,
                                   std::optional<core::TimePoint> until) {
  return route(
      hosted_here(community_id),
      [&] { return hosted_.ban(moderator_id, community_id, person_id, reason, until); },
      [&] { return remote_.ban(moderator_id, community_id, person_id, reason, until); });
}

Result<void> CommunityService::unban(Id moderator_id, Id community_id, Id person_id) {
  return route(
      hosted_here(community_id),
      [&] { return hosted_.unban(moderator_id, community_id, person_id); },
      [&] { return remote_.unban(moderator_id, community_id, person_id); });
}

Result<void> CommunityService::set_moderator(Id manager_id, Id community_id, Id person_id,
                                             bool moderator) {
  return hosted_.set_moderator(manager_id, community_id, person_id, moderator);
}

Result<std::vector<storage::CommunityReport>> CommunityService::reports(
    Id moderator_id, Id community_id, bool open_only, const storage::PageRequest& page) {
  return hosted_.reports(moderator_id, community_id, open_only, page);
}

Result<storage::CommunityReport> CommunityService::resolve_report(Id moderator_id, Id report_id) {
  return hosted_.resolve_report(moderator_id, report_id);
}

Result<std::vector<storage::ModerationEntry>> CommunityService::moderation_log(
    Id viewer_id, Id community_id, const storage::PageRequest& page) {
  return hosted_.moderation_log(viewer_id, community_id, page);
}

// ---------------------------------------------------------------------------------------------
// reads

Result<CommunityStanding> CommunityService::standing(Tx& tx, Id viewer_id,
                                                     const storage::CommunityView& group) const {
  CommunityStanding s;
  auto membership = tx.memberships().get(group.actor.id, viewer_id);
  if (membership) {
    s.membership = *membership;
    s.member = membership->state == storage::MemberState::accepted;
    s.banned = membership->state == storage::MemberState::banned &&
               (!membership->ban_expires_at || *membership->ban_expires_at > tx.now());
  } else if (membership.error().kind != core::ErrorKind::not_found) {
    return std::move(membership).error();
  }
  auto viewer = tx.actors().get(viewer_id);
  if (!viewer)
    return std::move(viewer).error();
  auto moderator = groups::is_moderator(tx, group, *viewer);
  if (!moderator)
    return std::move(moderator).error();
  s.can_manage = *moderator;
  const auto& c = group.community;
  const bool members_only = !group.actor.is_local() ||
                            c.visibility == storage::CommunityVisibility::private_ ||
                            c.join_policy == storage::JoinPolicy::approval;
  s.can_post = !s.banned && (s.can_manage || (c.posting_policy == storage::PostingPolicy::members &&
                                              (s.member || !members_only)));
  s.can_read = c.visibility != storage::CommunityVisibility::private_ || s.member || s.can_manage;
  return s;
}

Result<storage::CommunityView> CommunityService::community(Tx& tx, Id community_id) const {
  auto group = tx.communities().get(community_id);
  if (!group)
    return std::move(group).error();
  if (group->actor.deleted_at || group->actor.suspended_at)
    return Error::not_found("no such community");
  return group;
}

Result<storage::CommunityView> CommunityService::readable(Tx& tx, Id viewer_id,
                                                          Id community_id) const {
  auto group = community(tx, community_id);
  if (!group)
    return group;
  auto s = standing(tx, viewer_id, *group);
  if (!s)
    return std::move(s).error();
  if (!s->can_read)
    return Error::not_found("no such community");
  return group;
}

Result<storage::CommunityView> CommunityService::managed(Tx& tx, Id viewer_id,
                                                         Id community_id) const {
  auto group = readable(tx, viewer_id, community_id);
  if (!group)
    return group;
  auto s = standing(tx, viewer_id, *group);
  if (!s)
    return std::move(s).error();
  if (!s->can_manage)
    return Error::forbidden("only the community's managers may do this");
  return group;
}

Result<storage::Post> CommunityService::readable_post(Tx& tx, Id viewer_id, Id post_id) const {
  auto post = tx.posts().get(post_id);
  if (!post)
    return std::move(post).error();
  if (!post->community_id)
    return Error::not_found("the post is not in a community");
  if (auto group = readable(tx, viewer_id, *post->community_id); !group)
    return std::move(group).error();
  return post;
}

Result<storage::CommunityInsights> CommunityService::insights(Tx& tx, Id viewer_id, Id community_id,
                                                              int days) const {
  if (auto group = managed(tx, viewer_id, community_id); !group)
    return std::move(group).error();
  return tx.community_queries().insights(community_id, tx.now(), days);
}

}  // namespace guildhall::federation
