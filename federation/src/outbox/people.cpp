#include "guildhall/federation/outbox/people.hpp"

#include <algorithm>

#include "guildhall/activitystreams/activitystreams.hpp"
#include "guildhall/content/html.hpp"
#include "guildhall/content/markdown.hpp"
#include "guildhall/federation/attachments.hpp"
#include "guildhall/federation/discovery/actors.hpp"
#include "guildhall/federation/discovery/posts.hpp"
#include "guildhall/federation/polls.hpp"
#include "guildhall/storage/database.hpp"
#include "guildhall/storage/federation_queue.hpp"

#include "common.hpp"

namespace guildhall::federation::outbox {

namespace as = activitystreams;
using core::Error;
using core::Result;
using detail::enqueue;
using detail::follower_inboxes;
using detail::inbox_of;
using detail::local_actor;
using detail::own_post;
using storage::Id;
using storage::Tx;

namespace {

constexpr std::size_t kMaxNoteSourceBytes = 64 * 1024;

Result<void> check_note(const NoteInput& note) {
  if (note.markdown.empty() && (!note.media_ids || note.media_ids->empty()))
    return Error::invalid_input("a post needs some text or media");
  if (note.markdown.size() > kMaxNoteSourceBytes)
    return Error::too_large("a post may have at most 64 KiB of text");
  if (note.summary && note.summary->size() > 1024)
    return Error::invalid_input("a content warning may have at most 1024 characters");
  return {};
}

// The actors a post mentions, and its HTML with their mentions linked.
Result<std::vector<storage::Actor>> mentioned_actors(Tx& tx, const std::vector<Id>& ids) {
  std::vector<storage::Actor> out;
  for (Id id : ids) {
    auto actor = tx.actors().get(id);
    if (!actor)
      return std::move(actor).error();
    if (std::none_of(out.begin(), out.end(), [&](const auto& a) { return a.id == id; }))
      out.push_back(std::move(*actor));
  }
  return out;
}

std::string link_mentions(const std::string& html, const std::vector<storage::Actor>& mentioned,
                          const Urls& urls) {
  std::vector<content::MentionLink> links;
  for (const auto& actor : mentioned) {
    const std::string url =
        actor.url.value_or(actor.is_local() ? urls.user_profile(actor.handle) : actor.ap_id);
    links.push_back({discovery::mention_name(actor, urls), actor.handle, url});
    if (actor.is_local())
      links.push_back({"@" + actor.handle, actor.handle, url});
  }
  return content::link_mentions(html, std::move(links));
}

// A person's post on its way out: the object as served (GET /posts/{id}), which our Create,
// Update and Delete address as it is addressed (post_object, by its visibility), and the inboxes
// it goes to: the author's remote followers unless it is direct, the remote people it mentions,
// and the remote author of the post it answers unless it is followers-only or direct (then only
// when mentioned).
struct OutgoingNote {
  as::Object note;
  std::vector<std::string> inboxes;
};

Result<OutgoingNote> outgoing_note(Tx& tx, const Urls& urls, Id post_id) {
  auto post = discovery::find_local_post(tx, urls, post_id);
  if (!post)
    return std::move(post).error();
  OutgoingNote out{discovery::post_object(*post), {}};
  const storage::PostVisibility visibility = post->post.visibility;
  if (visibility != storage::PostVisibility::direct) {
    auto followers = follower_inboxes(tx, post->author.id);
    if (!followers)
      return std::move(followers).error();
    out.inboxes = std::move(*followers);
  }
  auto mention_ids = tx.client_api().mentions(post_id);
  if (!mention_ids)
    return std::move(mention_ids).error();
  std::vector<Id> remote = *mention_ids;
  if (post->post.parent_id && (visibility == storage::PostVisibility::public_ ||
                               visibility == storage::PostVisibility::unlisted)) {
    auto parent = tx.posts().get(*post->post.parent_id);
    if (!parent)
      return std::move(parent).error();
    remote.push_back(parent->author_id);
  }
  for (Id id : remote) {
    auto actor = tx.actors().get(id);
    if (!actor)
      return std::move(actor).error();
    if (!actor->is_local())
      out.inboxes.push_back(inbox_of(*actor));
  }
  return out;
}

// The Create or Update of a person's post, addressed as the post is.
Result<void> send_note(Tx& tx, const Urls& urls, as::Kind kind, const storage::Actor& author,
                       Id post_id) {
  auto outgoing = outgoing_note(tx, urls, post_id);
  if (!outgoing)
    return std::move(outgoing).error();
  const Id activity_id = tx.next_id();
  std::vector<std::string> to = outgoing->note.to;
  std::vector<std::string> cc = outgoing->note.cc;
  auto activity = as::make_activity(kind, urls.activity(core::to_string_id(activity_id)),
                                    author.ap_id, as::Ref(std::move(outgoing->note)));
  activity.to = std::move(to);
  activity.cc = std::move(cc);
  return enqueue(tx, activity_id, activity, author.id, outgoing->inboxes);
}

}  // namespace

// Runs body in one transaction and, once it committed, wakes the delivery worker.
template <typename F>
auto People::transact_and_notify(F&& body) {
  return detail::transact_and_notify(db_, on_enqueued_, std::forward<F>(body));
}

People::People(storage::Database& db, Urls urls, std::function<void()> on_enqueued)
    : db_(db), urls_(std::move(urls)), on_enqueued_(std::move(on_enqueued)) {}

Result<storage::Post> People::publish_note(Id author_id, const NoteInput& input) {
  if (auto ok = check_note(input); !ok)
    return std::move(ok).error();
  const std::string html = content::render_markdown(input.markdown);
  return transact_and_notify([&](Tx& tx) -> Result<storage::Post> {
    auto author = local_actor(tx, author_id);
    if (!author)
      return std::move(author).error();
    if (input.poll)
      if (auto ok = detail::check_poll(*input.poll, tx.now()); !ok)
        return std::move(ok).error();
    if (input.in_reply_to)
      if (auto parent = tx.posts().get(*input.in_reply_to); !parent)
        return std::move(parent).error();
    auto mentioned = mentioned_actors(tx, input.mentions);
    if (!mentioned)
      return std::move(mentioned).error();
    auto attachments =
        attachments_for(tx, urls_, author_id, input.media_ids.value_or(std::vector<Id>{}));
    if (!attachments)
      return std::move(attachments).error();
    const Id id = tx.next_id();
    storage::NewPost row;
    row.id = id;
    row.ap_id = urls_.post(core::to_string_id(id));
    row.author_id = author_id;
    row.parent_id = input.in_reply_to;
    row.content_source = input.markdown;
    row.content_html = link_mentions(html, *mentioned, urls_);
    row.summary = input.summary;
    row.language = input.language;
    row.sensitive = input.sensitive;
    row.is_local = true;
    row.visibility = input.visibility;
    row.attachments = std::move(*attachments);
    auto created = tx.posts().create(row);
    if (!created)
      return std::move(created).error();
    if (auto stored = tx.client_api().add_mentions(id, input.mentions); !stored)
      return std::move(stored).error();
    if (input.poll)
      if (auto poll = tx.polls().create({id, input.poll->multiple, input.poll->end_time,
                                         input.poll->options, input.poll->hide_totals});
          !poll)
        return std::move(poll).error();
    if (auto sent = send_note(tx, urls_, as::Kind::create, *author, id); !sent)
      return std::move(sent).error();
    return created;
  });
}

Result<storage::Post> People::edit_note(Id author_id, Id post_id, const NoteInput& input) {
  if (auto ok = check_note(input); !ok)
    return std::move(ok).error();
  const std::string html = content::render_markdown(input.markdown);
  return transact_and_notify([&](Tx& tx) -> Result<storage::Post> {
    auto author = local_actor(tx, author_id);
    if (!author)
      return std::move(author).error();
    auto existing = own_post(tx, author_id, post_id);
    if (!existing)
      return std::move(existing).error();
    // Mentions stay once made (the mentioned were notified) and an edit may add new ones.
    if (auto added = tx.client_api().add_mentions(post_id, input.mentions); !added)
      return std::move(added).error();
    auto mention_ids = tx.client_api().mentions(post_id);
    if (!mention_ids)
      return std::move(mention_ids).error();
    auto mentioned = mentioned_actors(tx, *mention_ids);
    if (!mentioned)
      return std::move(mentioned).error();
    storage::PostEdit edit;
    edit.content_source = std::optional<std::string>(input.markdown);
    edit.content_html = link_mentions(html, *mentioned, urls_);
    edit.summary = std::optional<std::optional<std::string>>(input.summary);
    edit.language = std::optional<std::optional<std::string>>(input.language);
    edit.sensitive = input.sensitive;
    if (input.media_ids) {
      auto attachments = attachments_for(tx, urls_, author_id, *input.media_ids, post_id);
      if (!attachments)
        return std::move(attachments).error();
      edit.attachments = std::move(*attachments);
    }
    auto updated = tx.posts().update(post_id, edit);
    if (!updated)
      return std::move(updated).error();
    if (auto sent = send_note(tx, urls_, as::Kind::update, *author, post_id); !sent)
      return std::move(sent).error();
    return updated;
  });
}

Result<void> People::delete_note(Id author_id, Id post_id) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto author = local_actor(tx, author_id);
    if (!author)
      return std::move(author).error();
    auto existing = own_post(tx, author_id, post_id);
    if (!existing)
      return std::move(existing).error();
    // Addressed and delivered as the post was, before the tombstone clears it.
    auto outgoing = outgoing_note(tx, urls_, post_id);
    if (!outgoing)
      return std::move(outgoing).error();
    if (auto deleted = tx.posts().soft_delete(post_id); !deleted)
      return std::move(deleted).error();
    const Id activity_id = tx.next_id();
    as::Object tombstone = as::make_object(as::Kind::tombstone, existing->ap_id);
    auto del = as::make_activity(as::Kind::delete_, urls_.activity(core::to_string_id(activity_id)),
                                 author->ap_id, as::Ref(tombstone));
    del.to = outgoing->note.to;
    del.cc = outgoing->note.cc;
    return enqueue(tx, activity_id, del, author_id, outgoing->inboxes);
  });
}

Result<void> People::like(Id actor_id, Id post_id) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto actor = local_actor(tx, actor_id);
    if (!actor)
      return std::move(actor).error();
    auto post = tx.posts().get(post_id);
    if (!post)
      return std::move(post).error();
    const Id activity_id = tx.next_id();
    const std::string like_id = urls_.activity(core::to_string_id(activity_id));
    auto reaction = tx.reactions().add({.post_id = post_id,
                                        .actor_id = actor_id,
                                        .kind = storage::ReactionKind::like,
                                        .emoji = "",
                                        .emoji_icon_url = std::nullopt,
                                        .ap_id = like_id});
    if (!reaction)
      return std::move(reaction).error();
    if (reaction->ap_id != like_id)
      return {};  // liked before: nothing new to send
    auto author = tx.actors().get(post->author_id);
    if (!author)
      return std::move(author).error();
    if (author->is_local())
      return {};
    auto like = as::make_activity(as::Kind::like, like_id, actor->ap_id, as::Ref(post->ap_id));
    like.to = {author->ap_id};
    return enqueue(tx, activity_id, like, actor_id, {author->inbox_url});
  });
}

Result<void> People::unlike(Id actor_id, Id post_id) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto actor = local_actor(tx, actor_id);
    if (!actor)
      return std::move(actor).error();
    auto post = tx.posts().get(post_id);
    if (!post)
      return std::move(post).error();
    // Find our Like to undo it by its id.
    auto reactions = tx.reactions().list_for_post(post_id, {.limit = 200});
    if (!reactions)
      return std::move(reactions).error();
    std::optional<std::string> like_id;
    for (const auto& r : *reactions)
      if (r.actor_id == actor_id && r.kind == storage::ReactionKind::like)
        like_id = r.ap_id;
    auto removed = tx.reactions().remove(post_id, actor_id, storage::ReactionKind::like, "");
    if (!removed)
      return std::move(removed).error();
    if (!*removed || !like_id)
      return {};
    auto author = tx.actors().get(post->author_id);
    if (!author)
      return std::move(author).error();
    if (author->is_local())
      return {};
    const Id activity_id = tx.next_id();
    auto like = as::make_activity(as::Kind::like, *like_id, actor->ap_id, as::Ref(post->ap_id));
    auto undo = as::make_activity(as::Kind::undo, urls_.activity(core::to_string_id(activity_id)),
                                  actor->ap_id, as::Ref(like));
    undo.to = {author->ap_id};
    return enqueue(tx, activity_id, undo, actor_id, {author->inbox_url});
  });
}

Result<void> People::vote(Id actor_id, Id post_id, const std::vector<std::string>& options) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto voter = local_actor(tx, actor_id);
    if (!voter)
      return std::move(voter).error();
    auto post = tx.posts().get(post_id);
    if (!post)
      return std::move(post).error();
    if (post->deleted_at || post->removed_at)
      return Error::not_found("the post was deleted");
    if (post->community_id)
      return Error::invalid_input("a community's poll: vote through its community");
    auto ballot = polls::ballot(tx, post_id, actor_id, options);
    if (!ballot)
      return std::move(ballot).error();
    const storage::Poll& poll = ballot->poll;
    auto author = tx.actors().get(post->author_id);
    if (!author)
      return std::move(author).error();
    if (author->is_local()) {
      for (int position : ballot->positions)
        if (auto added = tx.polls().add_vote(post_id, position, actor_id, std::nullopt); !added)
          return std::move(added).error();
      if (auto counted = tx.polls().recount(post_id); !counted)
        return std::move(counted).error();
      return polls::send_tallies(tx, urls_, post_id);
    }
    std::vector<std::int64_t> tallies;
    for (const auto& option : poll.options)
      tallies.push_back(option.votes);
    for (int position : ballot->positions) {
      // Mastodon's vote: a Note named after the option, to the poll's author only.
      const std::string note_id = urls_.post(core::to_string_id(tx.next_id()));
      if (auto added = tx.polls().add_vote(post_id, position, actor_id, note_id); !added)
        return std::move(added).error();
      ++tallies[static_cast<std::size_t>(position)];
      as::Object note = as::make_object(as::Kind::note, note_id);
      note.attributed_to = {as::Ref(voter->ap_id)};
      note.to = {author->ap_id};
      note.name = poll.options[static_cast<std::size_t>(position)].name;
      note.in_reply_to = as::Ref(post->ap_id);
      const Id activity_id = tx.next_id();
      auto create =
          as::make_activity(as::Kind::create, urls_.activity(core::to_string_id(activity_id)),
                            voter->ap_id, as::Ref(std::move(note)));
      create.to = {author->ap_id};
      if (auto q = enqueue(tx, activity_id, create, actor_id, {author->inbox_url}); !q)
        return q;
    }
    // Our copy counts the votes made here until the author's Update brings the real tallies.
    const std::int64_t voters = poll.voters_count + (ballot->first ? 1 : 0);
    if (auto set = tx.polls().set_tallies(post_id, tallies, voters); !set)
      return std::move(set).error();
    return {};
  });
}

Result<std::size_t> People::close_ended_polls(std::size_t limit) {
  // Called every few seconds: the delivery worker is woken only when a poll closed.
  auto closed_count = db_.transact([&](Tx& tx) -> Result<std::size_t> {
    auto closed = tx.polls().close_ended(limit);
    if (!closed)
      return std::move(closed).error();
    for (const auto& poll : *closed) {
      auto post = tx.posts().get(poll.post_id);
      if (!post)
        return std::move(post).error();
      if (post->is_local && !post->community_id && !post->deleted_at)
        if (auto sent = polls::send_tallies(tx, urls_, post->id); !sent)
          return std::move(sent).error();
    }
    return closed->size();
  });
  if (closed_count && *closed_count > 0 && on_enqueued_)
    on_enqueued_();
  return closed_count;
}

namespace {

// A boost reaches the booster's followers and the boosted post's author (shared inboxes; the
// queue collapses duplicates).
Result<std::vector<std::string>> boost_inboxes(Tx& tx, Id actor_id, const storage::Actor& author) {
  auto inboxes = follower_inboxes(tx, actor_id);
  if (!inboxes)
    return inboxes;
  if (!author.is_local())
    inboxes->push_back(inbox_of(author));
  return inboxes;
}

as::Object announce_of(const std::string& id, const storage::Actor& actor,
                       const storage::Post& post, const storage::Actor& author) {
  auto announce = as::make_activity(as::Kind::announce, id, actor.ap_id, as::Ref(post.ap_id));
  announce.to = {std::string(as::kPublic)};
  announce.cc = {author.ap_id};
  if (actor.followers_url)
    announce.cc.push_back(*actor.followers_url);
  announce.published = post.published_at;
  return announce;
}

}  // namespace

Result<storage::Reblog> People::reblog(Id actor_id, Id post_id) {
  return transact_and_notify([&](Tx& tx) -> Result<storage::Reblog> {
    auto actor = local_actor(tx, actor_id);
    if (!actor)
      return std::move(actor).error();
    auto post = tx.posts().get(post_id);
    if (!post)
      return std::move(post).error();
    if (post->deleted_at || post->removed_at)
      return Error::not_found("the post was deleted");
    // A boost is public: what only some may read (a private or local-only community's post)
    // cannot be boosted, as Mastodon refuses boosts of followers-only statuses.
    auto for_everyone = tx.client_api().post_readable({}, post_id);
    if (!for_everyone)
      return std::move(for_everyone).error();
    if (!*for_everyone)
      return Error::invalid_input("Validation failed: this post cannot be boosted");
    const Id activity_id = tx.next_id();
    const std::string announce_id = urls_.activity(core::to_string_id(activity_id));
    auto reblog = tx.client_api().add_reblog(actor_id, post_id, announce_id);
    if (!reblog)
      return std::move(reblog).error();
    if (reblog->ap_id != announce_id)
      return reblog;  // boosted before: nothing new to send
    auto author = tx.actors().get(post->author_id);
    if (!author)
      return std::move(author).error();
    auto inboxes = boost_inboxes(tx, actor_id, *author);
    if (!inboxes)
      return std::move(inboxes).error();
    auto announce = announce_of(announce_id, *actor, *post, *author);
    announce.published = reblog->created_at;
    if (auto q = enqueue(tx, activity_id, announce, actor_id, *inboxes); !q)
      return std::move(q).error();
    return reblog;
  });
}

Result<void> People::unreblog(Id actor_id, Id post_id) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto actor = local_actor(tx, actor_id);
    if (!actor)
      return std::move(actor).error();
    auto post = tx.posts().get(post_id);
    if (!post)
      return std::move(post).error();
    auto removed = tx.client_api().remove_reblog(actor_id, post_id);
    if (!removed)
      return std::move(removed).error();
    auto author = tx.actors().get(post->author_id);
    if (!author)
      return std::move(author).error();
    auto inboxes = boost_inboxes(tx, actor_id, *author);
    if (!inboxes)
      return std::move(inboxes).error();
    const Id activity_id = tx.next_id();
    auto undo = as::make_activity(as::Kind::undo, urls_.activity(core::to_string_id(activity_id)),
                                  actor->ap_id,
                                  as::Ref(announce_of(removed->ap_id, *actor, *post, *author)));
    undo.to = {std::string(as::kPublic)};
    return enqueue(tx, activity_id, undo, actor_id, *inboxes);
  });
}

Result<storage::Follow> People::follow(Id follower_id, Id followee_id) {
  return transact_and_notify([&](Tx& tx) -> Result<storage::Follow> {
    auto follower = local_actor(tx, follower_id);
    if (!follower)
      return std::move(follower).error();
    auto followee = tx.actors().get(followee_id);
    if (!followee)
      return std::move(followee).error();
    if (follower_id == followee_id)
      return Error::invalid_input("you cannot follow yourself");
    const Id activity_id = tx.next_id();
    const std::string follow_id = urls_.activity(core::to_string_id(activity_id));
    // A local followee needs no handshake unless they approve followers by hand.
    const auto state = followee->is_local() && !followee->manually_approves_followers
                           ? storage::FollowState::accepted
                           : storage::FollowState::pending;
    auto row = tx.follows().create(follower_id, followee_id, state, follow_id);
    if (!row)
      return std::move(row).error();
    if (followee->is_local())
      return row;
    auto activity =
        as::make_activity(as::Kind::follow, follow_id, follower->ap_id, as::Ref(followee->ap_id));
    activity.to = {followee->ap_id};
    if (auto q = enqueue(tx, activity_id, activity, follower_id, {followee->inbox_url}); !q)
      return std::move(q).error();
    return row;
  });
}

Result<void> People::unfollow(Id follower_id, Id followee_id) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto follower = local_actor(tx, follower_id);
    if (!follower)
      return std::move(follower).error();
    auto existing = tx.follows().get(follower_id, followee_id);
    if (!existing)
      return std::move(existing).error();
    auto followee = tx.actors().get(followee_id);
    if (!followee)
      return std::move(followee).error();
    if (auto removed = tx.follows().remove(follower_id, followee_id); !removed)
      return std::move(removed).error();
    if (followee->is_local() || !existing->ap_id)
      return {};
    const Id activity_id = tx.next_id();
    auto original = as::make_activity(as::Kind::follow, *existing->ap_id, follower->ap_id,
                                      as::Ref(followee->ap_id));
    auto undo = as::make_activity(as::Kind::undo, urls_.activity(core::to_string_id(activity_id)),
                                  follower->ap_id, as::Ref(original));
    undo.to = {followee->ap_id};
    return enqueue(tx, activity_id, undo, follower_id, {followee->inbox_url});
  });
}

Result<storage::Actor> People::update_profile(Id person_id, const storage::ActorUpdate& update) {
  return transact_and_notify([&](Tx& tx) -> Result<storage::Actor> {
    if (auto person = local_actor(tx, person_id); !person)
      return std::move(person).error();
    auto updated = tx.actors().update(person_id, update);
    if (!updated)
      return std::move(updated).error();
    auto inboxes = follower_inboxes(tx, person_id);
    if (!inboxes)
      return std::move(inboxes).error();
    if (inboxes->empty())
      return updated;
    const Id activity_id = tx.next_id();
    auto activity =
        as::make_activity(as::Kind::update, urls_.activity(core::to_string_id(activity_id)),
                          updated->ap_id, as::Ref(updated->ap_id));
    activity.to = {std::string(as::kPublic)};
    if (updated->followers_url)
      activity.cc = {*updated->followers_url};
    // The object is the actor document exactly as we serve it.
    nlohmann::json wire = as::to_json(activity);
    nlohmann::json document = discovery::person_document(*updated);
    document.erase("@context");
    wire["object"] = std::move(document);
    auto queued = tx.delivery_queue().enqueue(
        {.id = activity_id, .ap_id = activity.id, .actor_id = person_id, .payload = wire.dump()},
        *inboxes);
    if (!queued)
      return std::move(queued).error();
    return updated;
  });
}

Result<void> People::accept_follower(Id person_id, Id follower_id) {
  return answer_follower(person_id, follower_id, true);
}

Result<void> People::reject_follower(Id person_id, Id follower_id) {
  return answer_follower(person_id, follower_id, false);
}

Result<void> People::answer_follower(Id person_id, Id follower_id, bool accept) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto person = local_actor(tx, person_id);
    if (!person)
      return std::move(person).error();
    auto follow = tx.follows().get(follower_id, person_id);
    if (!follow)
      return std::move(follow).error();
    if (follow->state != storage::FollowState::pending)
      return Error::not_found("no pending follow request");
    auto follower = tx.actors().get(follower_id);
    if (!follower)
      return std::move(follower).error();
    if (accept) {
      if (auto accepted = tx.follows().accept(follower_id, person_id); !accepted)
        return std::move(accepted).error();
    } else if (auto removed = tx.follows().remove(follower_id, person_id); !removed) {
      return std::move(removed).error();
    }
    if (follower->is_local() || !follow->ap_id)
      return {};
    const Id activity_id = tx.next_id();
    auto original = as::make_activity(as::Kind::follow, *follow->ap_id, follower->ap_id,
                                      as::Ref(person->ap_id));
    auto answer = as::make_activity(accept ? as::Kind::accept : as::Kind::reject,
                                    urls_.activity(core::to_string_id(activity_id)), person->ap_id,
                                    as::Ref(original));
    answer.to = {follower->ap_id};
    return enqueue(tx, activity_id, answer, person_id, {follower->inbox_url});
  });
}

Result<void> People::set_profile_pin(Id person_id, Id post_id, bool pinned) {
  return transact_and_notify([&](Tx& tx) -> Result<void> {
    auto person = local_actor(tx, person_id);
    if (!person)
      return std::move(person).error();
    auto post = own_post(tx, person_id, post_id);
    if (!post)
      return std::move(post).error();
    if (pinned) {
      if (post->community_id)
        return Error::invalid_input(
            "Validation failed: a community's moderators pin its threads (community API)");
      auto for_everyone = tx.client_api().post_readable({}, post_id);
      if (!for_everyone)
        return std::move(for_everyone).error();
      if (!*for_everyone || post->removed_at)
        return Error::invalid_input("Validation failed: this post cannot be pinned");
      auto pins = tx.client_api().profile_pins(person_id);
      if (!pins)
        return std::move(pins).error();
      if (std::find(pins->begin(), pins->end(), post_id) != pins->end())
        return {};  // pinned before: nothing new to send
      // Pins of posts deleted since do not count.
      std::size_t live = 0;
      for (const Id pinned_id : *pins) {
        auto p = tx.posts().get(pinned_id);
        live += p && !p->deleted_at && !p->removed_at ? 1 : 0;
      }
      if (live >= kMaxProfilePins)
        return Error::invalid_input("Validation failed: you can pin at most " +
                                    std::to_string(kMaxProfilePins) + " posts");
      if (auto added = tx.client_api().pin_to_profile(person_id, post_id); !added)
        return added;
    } else {
      auto removed = tx.client_api().unpin_from_profile(person_id, post_id);
      if (!removed)
        return std::move(removed).error();
      if (!*removed)
        return {};
    }
    auto inboxes = follower_inboxes(tx, person_id);
    if (!inboxes)
      return std::move(inboxes).error();
    const Id activity_id = tx.next_id();
    auto change = as::make_activity(pinned ? as::Kind::add : as::Kind::remove,
                                    urls_.activity(core::to_string_id(activity_id)), person->ap_id,
                                    as::Ref(post->ap_id));
    change.target = as::Ref(person->featured_url.value_or(Urls::featured(person->ap_id)));
    change.to = {std::string(as::kPublic)};
    change.cc = {person->followers_url.value_or(Urls::followers(person->ap_id))};
    return enqueue(tx, activity_id, change, person_id, *inboxes);
  });
}

}  // namespace guildhall::federation::outbox
