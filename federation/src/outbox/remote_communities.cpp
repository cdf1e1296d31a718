#include "guildhall/federation/outbox/remote_communities.hpp"

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/content/html.hpp"
#include "guildhall/content/markdown.hpp"
#include "guildhall/federation/attachments.hpp"
#include "guildhall/federation/discovery/actors.hpp"
#include "guildhall/federation/groups/engine.hpp"
#include "guildhall/storage/database.hpp"

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

// The Page (thread) or Note (comment) for one of our posts in a remote community.
as::Object object_of(const storage::Post& post, const storage::Actor& author,
                     const storage::CommunityView& group,
                     const std::optional<std::string>& parent_ap_id) {
  as::Object o = as::make_object(post.is_thread() ? as::Kind::page : as::Kind::note, post.ap_id);
  o.attributed_to = {as::Ref(author.ap_id)};
  o.to = audience_of(group);
  o.audience = {group.actor.ap_id};
  o.name = post.is_thread() ? post.title : std::nullopt;
  o.content = post.content_html;
  o.media_type = "text/html";
  if (post.content_source)
    o.source = as::Source{*post.content_source, "text/markdown"};
  if (post.language)
    o.languages = {as::Language{*post.language, discovery::language_name(*post.language)}};
  o.sensitive = post.sensitive;
  o.published = post.published_at;
  o.updated = post.updated_at;
  if (post.url) {
    as::Object link = as::make_object(as::Kind::link, "");
    link.href = *post.url;
    o.attachment = {as::Ref(link)};
  }
  for (auto& media : attachment_objects(post.attachments))
    o.attachment.push_back(std::move(media));
  if (parent_ap_id)
    o.in_reply_to = as::Ref(*parent_ap_id);
  return o;
}

Result<std::optional<std::string>> parent_ap_id(Tx& tx, const storage::Post& post) {
  if (!post.parent_id)
    return std::optional<std::string>();
  auto parent = tx.posts().get(*post.parent_id);
  if (!parent)
    return std::move(parent).error();
  return std::optional<std::string>(parent->ap_id);
}

// Create or Update of our post, addressed as Lemmy does ([Public], cc [group], audience).
Result<void> send_post(Tx& tx, const Urls& urls, as::Kind kind, const storage::Post& post,
                       const storage::Actor& author, const storage::CommunityView& group) {
  auto parent = parent_ap_id(tx, post);
  if (!parent)
    return std::move(parent).error();
  const Id activity_id = tx.next_id();
  auto activity = as::make_activity(kind, urls.activity(core::to_string_id(activity_id)),
                                    author.ap_id, as::Ref(object_of(post, author, group, *parent)));
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
    auto del = as::make_activity(as::Kind::delete_, urls_.activity(core::to_string_id(activity_id)),
                                 on->actor.ap_id, as::Ref(on->post.ap_id));
    del.to = {audience_of(on->group).back()};
    del.cc = {on->group.actor.ap_id};
    del.audience = {on->group.actor.ap_id};
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
        as::make_activity(as::Kind::choose_answer, urls_.activity(core::to_string_id(activity_id)),
                          on->actor.ap_id, as::Ref(on->post.ap_id));
    choose.target = as::Ref(thread->ap_id);
    choose.to = {audience_of(on->group).back()};
    choose.cc = {on->group.actor.ap_id};
    choose.audience = {on->group.actor.ap_id};
    if (chosen)
      return send_to_group(tx, activity_id, choose, actor_id, on->group);
    const Id undo_id = tx.next_id();
    auto undo = as::make_activity(as::Kind::undo, urls_.activity(core::to_string_id(undo_id)),
                                  on->actor.ap_id, as::Ref(choose));
    undo.to = choose.to;
    undo.cc = choose.cc;
    undo.audience = choose.audience;
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
    auto poll = tx.polls().get(poll_id);
    if (!poll) {
      if (poll.error().kind == core::ErrorKind::not_found)
        return Error::invalid_input("the post is not a poll");
      return std::move(poll).error();
    }
    if (poll->end_time && tx.now() >= *poll->end_time)
      return Error::forbidden("the poll has ended");
    auto earlier = tx.polls().votes_of(poll_id, actor_id);
    if (!earlier)
      return std::move(earlier).error();
    if (!poll->multiple && (options.size() > 1 || !earlier->empty()))
      return Error::forbidden("this poll takes one vote per person");
    for (const std::string& option : options) {
      auto chosen = std::find_if(poll->options.begin(), poll->options.end(),
                                 [&](const storage::PollOption& o) { return o.name == option; });
      if (chosen == poll->options.end())
        return Error::invalid_input("no such option in the poll: '" + option + "'");
      // Mastodon's vote: a Note named after the option, to the group only (votes are private).
      const std::string note_id = urls_.post(core::to_string_id(tx.next_id()));
      auto added = tx.polls().add_vote(poll_id, chosen->position, actor_id, note_id);
      if (!added) {
        if (added.error().kind == core::ErrorKind::already_exists)
          return Error::forbidden("you voted for '" + option + "' before");
        return std::move(added).error();
      }
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
    auto address = [&](as::Object& a) {
      a.to = {audience_of(on->group).back()};
      a.cc = {on->group.actor.ap_id};
      a.audience = {on->group.actor.ap_id};
    };
    if (status) {
      if (auto set = tx.events().set_rsvp(event_id, actor_id, *status, id); !set)
        return std::move(set).error();
      auto answer = as::make_activity(detail::rsvp_kind(*status), id, on->actor.ap_id,
                                      as::Ref(on->post.ap_id));
      address(answer);
      return send_to_group(tx, activity_id, answer, actor_id, on->group);
    }
    if (!*earlier)
      return Error::not_found("you have not answered this event");
    if (auto removed = tx.events().remove_rsvp(event_id, actor_id); !removed)
      return std::move(removed).error();
    auto answer = as::make_activity(detail::rsvp_kind((*earlier)->status),
                                    (*earlier)->ap_id.value_or(id + "#answer"), on->actor.ap_id,
                                    as::Ref(on->post.ap_id));
    address(answer);
    auto undo = as::make_activity(as::Kind::undo, id, on->actor.ap_id, as::Ref(answer));
    address(undo);
    return send_to_group(tx, activity_id, undo, actor_id, on->group);
  });
}

}  // namespace guildhall::federation::outbox
