#include "guildhall/federation/outbox/remote_communities.hpp"

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/content/html.hpp"
#include "guildhall/content/markdown.hpp"
#include "guildhall/federation/attachments.hpp"
#include "guildhall/federation/discovery/actors.hpp"
#include "guildhall/federation/discovery/posts.hpp"
#include "guildhall/federation/groups/engine.hpp"
#include "guildhall/federation/polls.hpp"
#include "guildhall/storage/database.hpp"

#include "../inbox/handlers/handler.hpp"
#include "common.hpp"

namespace guildhall::federation::outbox {

namespace as = activitystreams;
using core::Error;
using core::Result;
using storage::Id;
using storage::Tx;

namespace {

constexpr std::size_t kMaxSourceBytes = 64 * 1024;
constexpr std::size_t kMaxTitleChars = 200;  // Lemmy's limit
constexpr std::size_t kMaxReasonBytes = 2000;

Result<void> check_text(const std::string& markdown) {
  if (markdown.empty())
    return Error::invalid_input("a post needs some text");
  if (markdown.size() > kMaxSourceBytes)
    return Error::too_large("a post may have at most 64 KiB of text");
  return {};
}

Result<void> check_title(const std::string& title) {
  if (title.find_first_not_of(" \t\r\n") == std::string::npos)
    return Error::invalid_input("a thread needs a title");
  if (title.size() > 4 * kMaxTitleChars)  // UTF-8 bytes; the stored title is cut at 200 chars
    return Error::invalid_input("a title may have at most 200 characters");
  return {};
}

// The person's accepted membership: who may post, comment and vote.
Result<storage::Membership> accepted_member(Tx& tx, Id community_id, Id person_id) {
  auto m = tx.memberships().get(community_id, person_id);
  if (!m) {
    if (m.error().kind == core::ErrorKind::not_found)
      return Error::forbidden("join the community first");
    return std::move(m).error();
  }
  if (m->state == storage::MemberState::banned)
    return Error::forbidden("you are banned from this community");
  if (m->state != storage::MemberState::accepted)
    return Error::forbidden("your request to join is still pending");
  return m;
}

// Who acts (a local person) and where (a remote community, or a post in one).
struct Acting {
  storage::Actor actor;
  storage::CommunityView group;
};
struct ActingOnPost {
  storage::Actor actor;
  storage::Post post;
  storage::CommunityView group;
};

Result<Acting> acting_in(Tx& tx, Id actor_id, Id community_id) {
  auto actor = detail::local_actor(tx, actor_id);
  if (!actor)
    return std::move(actor).error();
  auto group = detail::community_hosted(tx, community_id, detail::Hosted::elsewhere);
  if (!group)
    return std::move(group).error();
  return Acting{std::move(actor).value(), std::move(group).value()};
}

Result<ActingOnPost> acting_on(Tx& tx, Id actor_id, Id post_id) {
  auto actor = detail::local_actor(tx, actor_id);
  if (!actor)
    return std::move(actor).error();
  auto found = detail::post_in_community(tx, post_id, detail::Hosted::elsewhere);
  if (!found)
    return std::move(found).error();
  return ActingOnPost{std::move(actor).value(), std::move(found->post), std::move(found->group)};
}

Result<void> send_to_group(Tx& tx, Id activity_id, const as::Object& activity, Id actor_id,
                           const storage::CommunityView& group) {
  return detail::enqueue(tx, activity_id, activity, actor_id, {group.actor.inbox_url});
}

// Lemmy addresses public communities to [group, Public] and private ones to the group and its
// followers (never Public).
std::vector<std::string> audience_of(const storage::CommunityView& group) {
  std::vector<std::string> to{group.actor.ap_id};
  if (group.community.visibility == storage::CommunityVisibility::private_) {
    if (group.actor.followers_url)
      to.push_back(*group.actor.followers_url);
  } else {
    to.emplace_back(as::kPublic);
  }
  return to;
}

// An activity about the community's content (a deletion, moderation, an accepted answer, an event
// answer), addressed as Lemmy's:
// [Public] (a private community: its followers), cc the group, audience the group.
as::Object group_activity(as::Kind kind, std::string id, const storage::Actor& actor,
                          as::Ref object, const storage::CommunityView& group) {
  auto a = as::make_activity(kind, std::move(id), actor.ap_id, std::move(object));
  a.to = {audience_of(group).back()};
  a.cc = {group.actor.ap_id};
  a.audience = {group.actor.ap_id};
  return a;
}

// Create or Update of our post, addressed as Lemmy does ([Public], cc [group], audience).
Result<void> send_post(Tx& tx, const Urls& urls, as::Kind kind, const storage::Post& post,
                       const storage::Actor& author, const storage::CommunityView& group) {
  // The object as we serve it (GET /posts/{id}), so what we send and what we serve agree.
  auto served = discovery::find_local_post(tx, urls, post.id);
  if (!served)
    return std::move(served).error();
  const Id activity_id = tx.next_id();
  auto activity = as::make_activity(kind, urls.activity(core::to_string_id(activity_id)),
                                    author.ap_id, as::Ref(discovery::post_object(*served)));
  std::vector<std::string> to = audience_of(group);
  activity.to = {to.back()};
  activity.cc = {group.actor.ap_id};
  activity.audience = {group.actor.ap_id};
  if (!post.is_thread())
    return send_to_group(tx, activity_id, activity, author.id, group);
  // A question, poll or event: properties as::Object does not model, written onto the JSON.
  auto shape = groups::stored_shape(tx, post);
  if (!shape)
    return std::move(shape).error();
  nlohmann::json wire = groups::wire_json(activity);
  groups::write_shape(*shape, wire["object"]);
  return detail::enqueue(tx, activity_id, activity.id, wire.dump(), author.id,
                         {group.actor.inbox_url});
}

std::string emoji_or_empty(storage::ReactionKind kind, const std::string& emoji) {
  return kind == storage::ReactionKind::emoji ? emoji : std::string();
}

as::Kind kind_of(storage::ReactionKind kind) {
  switch (kind) {
    case storage::ReactionKind::dislike:
      return as::Kind::dislike;
    case storage::ReactionKind::emoji:
      return as::Kind::emoji_react;
    default:
      return as::Kind::like;
  }
}

// The reaction activity as sent (and as embedded in its Undo): object and audience only, no
// public addressing (Lemmy's votes are not public).
Result<as::Object> reaction_activity(Tx& tx, storage::ReactionKind kind, const std::string& id,
                                     const storage::Actor& actor, const storage::Post& post,
                                     const storage::CommunityView& group,
                                     const std::string& emoji) {
  if (kind == storage::ReactionKind::emoji) {
    // FEP-c0e0's fallback: a group on Lemmy, Mbin, ... hears a Like (engine.hpp's rule).
    auto knows =
        groups::instance_understands_emoji_react(tx, group.actor.domain.value_or(std::string()));
    if (!knows)
      return std::move(knows).error();
    if (!*knows)
      kind = storage::ReactionKind::like;
  }
  auto activity = as::make_activity(kind_of(kind), id, actor.ap_id, as::Ref(post.ap_id));
  activity.audience = {group.actor.ap_id};
  if (kind == storage::ReactionKind::emoji)
    activity.content = emoji;
  return activity;
}

// Our copy of a poll (its tallies follow the host's Update) or event we start.
Result<void> store_thread_kind(Tx& tx, const storage::Post& thread, const ThreadInput& input) {
  if (input.poll) {
    auto poll = tx.polls().create(
        {thread.id, input.poll->multiple, input.poll->end_time, input.poll->options});
    if (!poll)
      return std::move(poll).error();
  }
  if (input.event) {
    auto event = tx.events().put({thread.id, input.event->start_time, input.event->end_time,
                                  input.event->location_name, input.event->location_address});
    if (!event)
      return std::move(event).error();
  }
  return {};
}

}  // namespace

RemoteCommunities::RemoteCommunities(storage::Database& db, Urls urls,
                                     std::function<void()> on_enqueued)
    : db_(db), urls_(std::move(urls)), on_enqueued_(std::move(on_enqueued)) {}

Result<storage::Membership> RemoteCommunities::join(Id person_id, Id community_id) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<storage::Membership> {
    auto in = acting_in(tx, person_id, community_id);
    if (!in)
      return std::move(in).error();
    auto existing = tx.memberships().get(community_id, person_id);
    if (existing) {
      if (existing->state == storage::MemberState::banned)
        return Error::forbidden("you are banned from this community");
      return existing;
    }
    if (existing.error().kind != core::ErrorKind::not_found)
      return std::move(existing).error();
    const Id activity_id = tx.next_id();
    const std::string follow_id = urls_.activity(core::to_string_id(activity_id));
    storage::MembershipForm form;
    form.community_id = community_id;
    form.actor_id = person_id;
    form.state = storage::MemberState::pending;
    form.follow_ap_id = follow_id;
    auto membership = tx.memberships().create(form);
    if (!membership)
      return std::move(membership).error();
    auto follow = as::make_activity(as::Kind::follow, follow_id, in->actor.ap_id,
                                    as::Ref(in->group.actor.ap_id));
    follow.to = {in->group.actor.ap_id};
    if (auto q = send_to_group(tx, activity_id, follow, person_id, in->group); !q)
      return std::move(q).error();
    return membership;
  });
}

Result<void> RemoteCommunities::leave(Id person_id, Id community_id) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto in = acting_in(tx, person_id, community_id);
    if (!in)
      return std::move(in).error();
    auto existing = tx.memberships().get(community_id, person_id);
    if (!existing)
      return std::move(existing).error();
    if (existing->state != storage::MemberState::banned) {
      if (auto removed = tx.memberships().remove(community_id, person_id); !removed)
        return std::move(removed).error();
    }
    if (!existing->follow_ap_id)
      return {};
    const Id activity_id = tx.next_id();
    auto follow = as::make_activity(as::Kind::follow, *existing->follow_ap_id, in->actor.ap_id,
                                    as::Ref(in->group.actor.ap_id));
    follow.to = {in->group.actor.ap_id};
    auto undo = as::make_activity(as::Kind::undo, urls_.activity(core::to_string_id(activity_id)),
                                  in->actor.ap_id, as::Ref(follow));
    undo.to = {in->group.actor.ap_id};
    return send_to_group(tx, activity_id, undo, person_id, in->group);
  });
}

Result<storage::Post> RemoteCommunities::post_thread(Id author_id, Id community_id,
                                                     const ThreadInput& input) {
  if (auto ok = check_title(input.title); !ok)
    return std::move(ok).error();
  if (auto ok = check_text(input.markdown); !ok)
    return std::move(ok).error();
  if (input.summary && input.summary->size() > 1024)
    return Error::invalid_input("a content warning may have at most 1024 characters");
  const std::string html = content::render_markdown(input.markdown);
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<storage::Post> {
    if (auto ok = detail::check_thread_kind(input, tx.now()); !ok)
      return std::move(ok).error();
    auto in = acting_in(tx, author_id, community_id);
    if (!in)
      return std::move(in).error();
    auto member = accepted_member(tx, community_id, author_id);
    if (!member)
      return std::move(member).error();
    if (in->group.community.posting_policy == storage::PostingPolicy::moderators &&
        member->role == storage::MemberRole::member)
      return Error::forbidden("only moderators may start threads in this community");
    const Id id = tx.next_id();
    storage::NewPost row;
    row.id = id;
    row.ap_id = urls_.post(core::to_string_id(id));
    row.author_id = author_id;
    row.community_id = community_id;
    row.title = content::derive_title_from_text(input.title, kMaxTitleChars);
    row.content_source = input.markdown;
    row.content_html = html;
    row.language = input.language;
    row.summary = input.summary;
    row.sensitive = input.sensitive || input.summary.has_value();
    row.is_question = input.is_question;
    row.link_url = input.link;
    row.is_local = true;
    auto attachments = attachments_for(tx, urls_, author_id, input.media_ids);
    if (!attachments)
      return std::move(attachments).error();
    row.attachments = std::move(*attachments);
    auto created = tx.posts().create(row);
    if (!created)
      return std::move(created).error();
    if (auto kind = store_thread_kind(tx, *created, input); !kind)
      return std::move(kind).error();
    if (auto sent = send_post(tx, urls_, as::Kind::create, *created, in->actor, in->group); !sent)
      return std::move(sent).error();
    return created;
  });
}

Result<storage::Post> RemoteCommunities::comment(Id author_id, Id parent_id,
                                                 const CommentInput& input) {
  if (auto ok = check_text(input.markdown); !ok)
    return std::move(ok).error();
  const std::string html = content::render_markdown(input.markdown);
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<storage::Post> {
    auto on = acting_on(tx, author_id, parent_id);
    if (!on)
      return std::move(on).error();
    if (on->post.deleted_at || on->post.removed_at)
      return Error::not_found("the post was deleted");
    if (auto member = accepted_member(tx, on->group.actor.id, author_id); !member)
      return std::move(member).error();
    auto thread = tx.posts().get(on->post.thread_id);
    if (!thread)
      return std::move(thread).error();
    if (thread->locked)
      return Error::forbidden("the thread is locked");
    const Id id = tx.next_id();
    storage::NewPost row;
    row.id = id;
    row.ap_id = urls_.post(core::to_string_id(id));
    row.author_id = author_id;
    row.parent_id = parent_id;
    row.content_source = input.markdown;
    row.content_html = html;
    row.language = input.language;
    row.is_local = true;
    auto attachments = attachments_for(tx, urls_, author_id, input.media_ids);
    if (!attachments)
      return std::move(attachments).error();
    row.attachments = std::move(*attachments);
    auto created = tx.posts().create(row);
    if (!created)
      return std::move(created).error();
    if (auto sent = send_post(tx, urls_, as::Kind::create, *created, on->actor, on->group); !sent)
      return std::move(sent).error();
    return created;
  });
}

Result<storage::Post> RemoteCommunities::edit(Id author_id, Id post_id, const EditInput& input) {
  if (auto ok = check_text(input.markdown); !ok)
    return std::move(ok).error();
  if (input.title) {
    if (auto ok = check_title(*input.title); !ok)
      return std::move(ok).error();
  }
  const std::string html = content::render_markdown(input.markdown);
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<storage::Post> {
    auto on = acting_on(tx, author_id, post_id);
    if (!on)
      return std::move(on).error();
    if (auto own = detail::own_post(tx, author_id, post_id); !own)
      return std::move(own).error();
    if (input.title && !on->post.is_thread())
      return Error::invalid_input("a comment has no title");
    storage::PostEdit edit;
    if (input.title)
      edit.title = content::derive_title_from_text(*input.title, kMaxTitleChars);
    edit.content_source = std::optional<std::string>(input.markdown);
    edit.content_html = html;
    if (input.language)
      edit.language = std::optional<std::optional<std::string>>(input.language);
    if (input.media_ids) {
      auto attachments = attachments_for(tx, urls_, author_id, *input.media_ids, post_id);
      if (!attachments)
        return std::move(attachments).error();
      edit.attachments = std::move(*attachments);
    }
    auto updated = tx.posts().update(post_id, edit);
    if (!updated)
      return std::move(updated).error();
    if (auto sent = send_post(tx, urls_, as::Kind::update, *updated, on->actor, on->group); !sent)
      return std::move(sent).error();
    return updated;
  });
}

Result<void> RemoteCommunities::remove(Id author_id, Id post_id) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = acting_on(tx, author_id, post_id);
    if (!on)
      return std::move(on).error();
    if (auto own = detail::own_post(tx, author_id, post_id); !own)
      return std::move(own).error();
    if (auto deleted = tx.posts().soft_delete(post_id); !deleted)
      return std::move(deleted).error();
    const Id activity_id = tx.next_id();
    auto del = group_activity(as::Kind::delete_, urls_.activity(core::to_string_id(activity_id)),
                              on->actor, as::Ref(on->post.ap_id), on->group);
    return send_to_group(tx, activity_id, del, author_id, on->group);
  });
}

Result<void> RemoteCommunities::react(Id actor_id, Id post_id, storage::ReactionKind kind,
                                      const std::string& emoji) {
  if (kind == storage::ReactionKind::emoji && (emoji.empty() || emoji.size() > 256))
    return Error::invalid_input("an emoji reaction needs an emoji");
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = acting_on(tx, actor_id, post_id);
    if (!on)
      return std::move(on).error();
    if (on->post.deleted_at || on->post.removed_at)
      return Error::not_found("the post was deleted");
    if (auto member = accepted_member(tx, on->group.actor.id, actor_id); !member)
      return std::move(member).error();
    if (kind != storage::ReactionKind::emoji) {
      // A vote replaces the opposite one (Lemmy sends the new vote, no Undo).
      const auto opposite = kind == storage::ReactionKind::like ? storage::ReactionKind::dislike
                                                                : storage::ReactionKind::like;
      if (auto removed = tx.reactions().remove(post_id, actor_id, opposite); !removed)
        return std::move(removed).error();
    }
    const Id activity_id = tx.next_id();
    const std::string reaction_id = urls_.activity(core::to_string_id(activity_id));
    storage::ReactionForm form;
    form.post_id = post_id;
    form.actor_id = actor_id;
    form.kind = kind;
    form.emoji = emoji_or_empty(kind, emoji);
    form.ap_id = reaction_id;
    auto reaction = tx.reactions().add(form);
    if (!reaction)
      return std::move(reaction).error();
    if (reaction->ap_id != reaction_id)
      return {};  // reacted before: nothing new to send
    auto activity =
        reaction_activity(tx, kind, reaction_id, on->actor, on->post, on->group, form.emoji);
    if (!activity)
      return std::move(activity).error();
    return send_to_group(tx, activity_id, *activity, actor_id, on->group);
  });
}

Result<void> RemoteCommunities::unreact(Id actor_id, Id post_id, storage::ReactionKind kind,
                                        const std::string& emoji) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = acting_on(tx, actor_id, post_id);
    if (!on)
      return std::move(on).error();
    const std::string wanted = emoji_or_empty(kind, emoji);
    std::optional<std::string> reaction_id;
    storage::PageRequest page;
    page.limit = 200;
    auto reactions = tx.reactions().list_for_post(post_id, page);
    if (!reactions)
      return std::move(reactions).error();
    for (const auto& r : *reactions)
      if (r.actor_id == actor_id && r.kind == kind && r.emoji == wanted)
        reaction_id = r.ap_id;
    auto removed = tx.reactions().remove(post_id, actor_id, kind, wanted);
    if (!removed)
      return std::move(removed).error();
    if (!*removed || !reaction_id)
      return {};
    const Id activity_id = tx.next_id();
    auto undone = reaction_activity(tx, kind, *reaction_id, on->actor, on->post, on->group, wanted);
    if (!undone)
      return std::move(undone).error();
    auto undo = as::make_activity(as::Kind::undo, urls_.activity(core::to_string_id(activity_id)),
                                  on->actor.ap_id, as::Ref(*undone));
    undo.audience = {on->group.actor.ap_id};
    return send_to_group(tx, activity_id, undo, actor_id, on->group);
  });
}

Result<void> RemoteCommunities::report(Id actor_id, Id post_id, const std::string& reason) {
  if (reason.size() > kMaxReasonBytes)
    return Error::invalid_input("a report reason may have at most 2000 bytes");
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = acting_on(tx, actor_id, post_id);
    if (!on)
      return std::move(on).error();
    const Id activity_id = tx.next_id();
    auto flag = as::make_activity(as::Kind::flag, urls_.activity(core::to_string_id(activity_id)),
                                  on->actor.ap_id, as::Ref(on->post.ap_id));
    flag.to = {on->group.actor.ap_id};
    flag.audience = {on->group.actor.ap_id};
    flag.summary = reason;
    return send_to_group(tx, activity_id, flag, actor_id, on->group);
  });
}

namespace {

// An accepted membership with a moderator's role (or the owner's).
Result<storage::Membership> moderating_member(Tx& tx, Id community_id, Id person_id) {
  auto m = accepted_member(tx, community_id, person_id);
  if (!m)
    return m;
  if (m->role == storage::MemberRole::member)
    return Error::forbidden("only the community's moderators may do this");
  return m;
}

// `activity`, or its Undo when `undo`; applied here as the group's Announce would apply it, then
// queued to the group.
Result<void> send_moderation(Tx& tx, const Urls& urls, Id activity_id, as::Object activity,
                             bool undo, const storage::Actor& moderator,
                             const storage::CommunityView& group) {
  if (undo) {
    activity_id = tx.next_id();
    activity = group_activity(as::Kind::undo, urls.activity(core::to_string_id(activity_id)),
                              moderator, as::Ref(std::move(activity)), group);
  }
  if (auto applied = inbox::detail::apply_own_moderation(tx, urls, group, moderator, activity);
      !applied)
    return applied;
  return send_to_group(tx, activity_id, activity, moderator.id, group);
}

// The post of a remote community a local moderator of it acts on.
Result<ActingOnPost> moderating_on(Tx& tx, Id moderator_id, Id post_id) {
  auto on = acting_on(tx, moderator_id, post_id);
  if (!on)
    return on;
  if (auto mod = moderating_member(tx, on->group.actor.id, moderator_id); !mod)
    return std::move(mod).error();
  return on;
}

}  // namespace

Result<void> RemoteCommunities::remove_post(Id moderator_id, Id post_id,
                                            const std::optional<std::string>& reason) {
  if (reason && reason->size() > kMaxReasonBytes)
    return Error::invalid_input("a removal reason may have at most 2000 bytes");
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = moderating_on(tx, moderator_id, post_id);
    if (!on)
      return std::move(on).error();
    const Id activity_id = tx.next_id();
    auto del = group_activity(as::Kind::delete_, urls_.activity(core::to_string_id(activity_id)),
                              on->actor, as::Ref(on->post.ap_id), on->group);
    // Lemmy reads a Delete with a summary as a moderator's removal, even of their own post.
    del.summary = reason && !reason->empty() ? *reason : " ";
    return send_moderation(tx, urls_, activity_id, std::move(del), false, on->actor, on->group);
  });
}

Result<void> RemoteCommunities::restore_post(Id moderator_id, Id post_id) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = moderating_on(tx, moderator_id, post_id);
    if (!on)
      return std::move(on).error();
    if (!on->post.removed_at)
      return Error::invalid_input("the post is not removed");
    const Id activity_id = tx.next_id();
    auto del = group_activity(as::Kind::delete_, urls_.activity(core::to_string_id(activity_id)),
                              on->actor, as::Ref(on->post.ap_id), on->group);
    del.summary = " ";
    return send_moderation(tx, urls_, activity_id, std::move(del), true, on->actor, on->group);
  });
}

Result<void> RemoteCommunities::lock(Id moderator_id, Id post_id, bool locked) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = moderating_on(tx, moderator_id, post_id);
    if (!on)
      return std::move(on).error();
    if (!on->post.is_thread())
      return Error::invalid_input("only threads can be locked");
    const Id activity_id = tx.next_id();
    auto activity = group_activity(as::Kind::lock, urls_.activity(core::to_string_id(activity_id)),
                                   on->actor, as::Ref(on->post.ap_id), on->group);
    return send_moderation(tx, urls_, activity_id, std::move(activity), !locked, on->actor,
                           on->group);
  });
}

Result<void> RemoteCommunities::pin(Id moderator_id, Id post_id, bool pinned) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = moderating_on(tx, moderator_id, post_id);
    if (!on)
      return std::move(on).error();
    if (!on->post.is_thread())
      return Error::invalid_input("only threads can be pinned");
    if (!on->group.actor.featured_url)
      return Error::invalid_input("the community publishes no featured collection to pin to");
    const Id activity_id = tx.next_id();
    auto change = group_activity(pinned ? as::Kind::add : as::Kind::remove,
                                 urls_.activity(core::to_string_id(activity_id)), on->actor,
                                 as::Ref(on->post.ap_id), on->group);
    change.target = as::Ref(*on->group.actor.featured_url);
    return send_moderation(tx, urls_, activity_id, std::move(change), false, on->actor, on->group);
  });
}

Result<void> RemoteCommunities::ban(Id moderator_id, Id community_id, Id person_id,
                                    const std::optional<std::string>& reason,
                                    std::optional<core::TimePoint> until) {
  if (reason && reason->size() > kMaxReasonBytes)
    return Error::invalid_input("a ban reason may have at most 2000 bytes");
  return set_ban(moderator_id, community_id, person_id, reason, until, true);
}

Result<void> RemoteCommunities::unban(Id moderator_id, Id community_id, Id person_id) {
  return set_ban(moderator_id, community_id, person_id, std::nullopt, std::nullopt, false);
}

Result<void> RemoteCommunities::set_ban(Id moderator_id, Id community_id, Id person_id,
                                        const std::optional<std::string>& reason,
                                        std::optional<core::TimePoint> until, bool banned) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto in = acting_in(tx, moderator_id, community_id);
    if (!in)
      return std::move(in).error();
    if (auto mod = moderating_member(tx, community_id, moderator_id); !mod)
      return std::move(mod).error();
    if (person_id == moderator_id)
      return Error::invalid_input("moderators cannot ban themselves");
    auto person = tx.actors().get(person_id);
    if (!person)
      return std::move(person).error();
    const Id activity_id = tx.next_id();
    auto block = group_activity(as::Kind::block, urls_.activity(core::to_string_id(activity_id)),
                                in->actor, as::Ref(person->ap_id), in->group);
    block.target = as::Ref(in->group.actor.ap_id);
    if (reason && !reason->empty())
      block.summary = *reason;
    block.end_time = until;
    return send_moderation(tx, urls_, activity_id, std::move(block), !banned, in->actor, in->group);
  });
}

Result<void> RemoteCommunities::choose_answer(Id actor_id, Id comment_id, bool chosen) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = acting_on(tx, actor_id, comment_id);
    if (!on)
      return std::move(on).error();
    if (on->post.is_thread())
      return Error::invalid_input("the accepted answer must be a comment");
    auto thread = tx.posts().get(on->post.thread_id);
    if (!thread)
      return std::move(thread).error();
    if (!thread->is_question)
      return Error::invalid_input("the thread is not a question");
    if (thread->author_id != actor_id) {
      auto member = accepted_member(tx, on->group.actor.id, actor_id);
      if (!member)
        return std::move(member).error();
      if (member->role == storage::MemberRole::member)
        return Error::forbidden("only the question's author or a moderator may choose its answer");
    }
    if (!chosen && thread->accepted_answer_id != on->post.id)
      return Error::invalid_input("this comment is not the accepted answer");
    // Stored now: the group's Announce of our own activity is not applied twice.
    auto set = tx.posts().set_accepted_answer(
        thread->id, chosen ? std::optional<Id>(on->post.id) : std::nullopt);
    if (!set)
      return std::move(set).error();
    const Id activity_id = tx.next_id();
    auto choose =
        group_activity(as::Kind::choose_answer, urls_.activity(core::to_string_id(activity_id)),
                       on->actor, as::Ref(on->post.ap_id), on->group);
    choose.target = as::Ref(thread->ap_id);
    if (chosen)
      return send_to_group(tx, activity_id, choose, actor_id, on->group);
    const Id undo_id = tx.next_id();
    auto undo = group_activity(as::Kind::undo, urls_.activity(core::to_string_id(undo_id)),
                               on->actor, as::Ref(choose), on->group);
    return send_to_group(tx, undo_id, undo, actor_id, on->group);
  });
}

Result<void> RemoteCommunities::vote(Id actor_id, Id poll_id,
                                     const std::vector<std::string>& options) {
  if (options.empty())
    return Error::invalid_input("choose at least one option");
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = acting_on(tx, actor_id, poll_id);
    if (!on)
      return std::move(on).error();
    if (auto member = accepted_member(tx, on->group.actor.id, actor_id); !member)
      return std::move(member).error();
    auto ballot = polls::ballot(tx, poll_id, actor_id, options);
    if (!ballot)
      return std::move(ballot).error();
    for (std::size_t i = 0; i < options.size(); ++i) {
      const std::string& option = options[i];
      // Mastodon's vote: a Note named after the option, to the group only (votes are private).
      const std::string note_id = urls_.post(core::to_string_id(tx.next_id()));
      if (auto added = tx.polls().add_vote(poll_id, ballot->positions[i], actor_id, note_id);
          !added)
        return std::move(added).error();
      as::Object note = as::make_object(as::Kind::note, note_id);
      note.attributed_to = {as::Ref(on->actor.ap_id)};
      note.to = {on->group.actor.ap_id};
      note.audience = {on->group.actor.ap_id};
      note.name = option;
      note.in_reply_to = as::Ref(on->post.ap_id);
      const Id activity_id = tx.next_id();
      auto create =
          as::make_activity(as::Kind::create, urls_.activity(core::to_string_id(activity_id)),
                            on->actor.ap_id, as::Ref(note));
      create.to = {on->group.actor.ap_id};
      create.audience = {on->group.actor.ap_id};
      if (auto sent = send_to_group(tx, activity_id, create, actor_id, on->group); !sent)
        return sent;
    }
    return {};
  });
}

Result<void> RemoteCommunities::rsvp(Id actor_id, Id event_id,
                                     std::optional<storage::RsvpStatus> status) {
  return detail::transact_and_notify(db_, on_enqueued_, [&](Tx& tx) -> Result<void> {
    auto on = acting_on(tx, actor_id, event_id);
    if (!on)
      return std::move(on).error();
    if (auto member = accepted_member(tx, on->group.actor.id, actor_id); !member)
      return std::move(member).error();
    if (!tx.events().get(event_id).ok())
      return Error::invalid_input("the post is not an event");
    auto earlier = tx.events().rsvp_of(event_id, actor_id);
    if (!earlier)
      return std::move(earlier).error();
    const Id activity_id = tx.next_id();
    const std::string id = urls_.activity(core::to_string_id(activity_id));
    if (status) {
      if (auto set = tx.events().set_rsvp(event_id, actor_id, *status, id); !set)
        return std::move(set).error();
      auto answer = group_activity(detail::rsvp_kind(*status), id, on->actor,
                                   as::Ref(on->post.ap_id), on->group);
      return send_to_group(tx, activity_id, answer, actor_id, on->group);
    }
    if (!*earlier)
      return Error::not_found("you have not answered this event");
    if (auto removed = tx.events().remove_rsvp(event_id, actor_id); !removed)
      return std::move(removed).error();
    auto answer = group_activity(detail::rsvp_kind((*earlier)->status),
                                 (*earlier)->ap_id.value_or(id + "#answer"), on->actor,
                                 as::Ref(on->post.ap_id), on->group);
    auto undo = group_activity(as::Kind::undo, id, on->actor, as::Ref(answer), on->group);
    return send_to_group(tx, activity_id, undo, actor_id, on->group);
  });
}

}  // namespace guildhall::federation::outbox
