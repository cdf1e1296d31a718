// Q&A answers, poll votes and event answers (RSVPs) in a community hosted here.
#include <algorithm>

#include "guildhall/federation/groups/thread_kinds.hpp"
#include "guildhall/federation/polls.hpp"

#include "internal.hpp"

namespace guildhall::federation::groups::detail {

namespace {

// The thread `ap_id` names in this group (forbidden/invalid_input as check_in_group says).
Result<std::optional<storage::Post>> thread_in_group(GroupContext& ctx, std::string_view ap_id) {
  auto post = find_post(ctx.tx, ap_id);
  if (!post)
    return std::move(post).error();
  if (!*post)
    return post;
  if (auto in = check_in_group(ctx.group, **post); !in)
    return std::move(in).error();
  return post;
}

}  // namespace

// ChooseAnswer {object: comment} by the question's author or a moderator; Undo clears it.
Result<Applied> apply_choose_answer(GroupContext& ctx, const as::Object& choose, bool chosen) {
  auto answer = thread_in_group(ctx, choose.object_ref().id());
  if (!answer)
    return std::move(answer).error();
  if (!*answer)
    return ctx.ignore("answer to a post we do not have");
  if ((*answer)->is_thread())
    return Error::invalid_input("the accepted answer must be a comment");
  auto thread = ctx.tx.posts().get((*answer)->thread_id);
  if (!thread)
    return std::move(thread).error();
  if (!thread->is_question)
    return Error::invalid_input("the thread is not a question");
  if (thread->author_id != ctx.actor.id) {
    auto may = is_moderator(ctx.tx, ctx.group, ctx.actor);
    if (!may)
      return std::move(may).error();
    if (!*may)
      return Error::forbidden("only the question's author or a moderator may choose its answer");
  }
  if (!chosen && thread->accepted_answer_id != (*answer)->id)
    return ctx.ignore("not the accepted answer");
  auto set = ctx.tx.posts().set_accepted_answer(
      thread->id, chosen ? std::optional<Id>((*answer)->id) : std::nullopt);
  if (!set)
    return std::move(set).error();
  ctx.out.post = *set;
  if (auto a = announce(ctx, chosen ? "ChooseAnswer" : "Undo"); !a)
    return std::move(a).error();
  return ctx.done();
}

bool is_poll_vote(const as::Object& object, const storage::Post& parent) {
  return object.kind == as::Kind::note && object.name && !object.name->empty() &&
         parent.is_thread() && !object.content.has_value();
}

// A vote (Mastodon's: a Note with the option's `name`, replying to the Question). Votes are not
// announced (they are private, as on Mastodon); the group recounts and distributes the tallies as
// an Update of the Question.
Result<Applied> apply_poll_vote(GroupContext& ctx, const as::Object& vote,
                                const storage::Post& thread) {
  auto poll = ctx.tx.polls().get(thread.id);
  if (!poll) {
    if (poll.error().kind == core::ErrorKind::not_found)
      return Error::invalid_input("the thread is not a poll");
    return std::move(poll).error();
  }
  auto positions = polls::positions_of(*poll, {*vote.name});
  if (!positions)
    return std::move(positions).error();
  auto earlier = ctx.tx.polls().votes_of(thread.id, ctx.actor.id);
  if (!earlier)
    return std::move(earlier).error();
  if (std::any_of(earlier->begin(), earlier->end(),
                  [&](const storage::PollVote& v) { return v.position == positions->front(); }))
    return ctx.ignore("voted for this option before");
  if (auto allowed = polls::check_votes(*poll, *earlier, *positions, ctx.tx.now()); !allowed)
    return std::move(allowed).error();
  if (auto added = ctx.tx.polls().add_vote(thread.id, positions->front(), ctx.actor.id, vote.id);
      !added)
    return std::move(added).error();
  if (auto counted = ctx.tx.polls().recount(thread.id); !counted)
    return std::move(counted).error();
  if (auto sent = announce_poll_tallies(ctx, thread); !sent)
    return std::move(sent).error();
  return ctx.done();
}

// Update {actor: group, object: the Question with its tallies}, announced like a member's
// activity: members' instances copy the counts; peers that know no polls ignore it.
Result<void> announce_poll_tallies(GroupContext& ctx, const storage::Post& thread) {
  auto shape = stored_shape(ctx.tx, thread);
  if (!shape)
    return std::move(shape).error();
  auto author = ctx.tx.actors().get(thread.author_id);
  if (!author)
    return std::move(author).error();
  json object = {{"id", thread.ap_id},
                 {"type", "Question"},
                 {"attributedTo", author->ap_id},
                 {"name", thread.title.value_or("")},
                 {"content", thread.content_html},
                 {"mediaType", "text/html"},
                 {"audience", ctx.group.actor.ap_id},
                 {"published", core::format_rfc3339(thread.published_at)},
                 {"updated", core::format_rfc3339(ctx.tx.now())}};
  write_shape(*shape, object);
  json update = group_activity(ctx.urls, ctx.group, "Update", ctx.tx.next_id());
  update.erase("@context");
  update["to"] = json::array({std::string(as::kPublic)});
  update["cc"] = json::array({ctx.group.actor.ap_id});
  update["audience"] = ctx.group.actor.ap_id;
  update["object"] = std::move(object);
  GroupContext tallies{ctx.tx,       ctx.urls, ctx.group,   ctx.group.actor,
                       ctx.activity, update,   ctx.options, {}};
  if (auto a = announce(tallies, "Update"); !a)
    return a;
  ctx.out.enqueued = ctx.out.enqueued || tallies.out.enqueued;
  return {};
}

// Accept / TentativeAccept / Reject of an event (Mobilizon, Friendica), or Join / Leave of it
// (Smithereen): going, maybe, not going; Leave and Undo withdraw the answer. Announced so every
// member's instance counts the same.
Result<Applied> apply_rsvp(GroupContext& ctx, const std::string& event_ap_id,
                           std::optional<storage::RsvpStatus> status) {
  auto post = thread_in_group(ctx, event_ap_id);
  if (!post)
    return std::move(post).error();
  if (!*post)
    return ctx.ignore("answer to an event we do not have");
  if ((*post)->deleted_at || (*post)->removed_at)
    return ctx.ignore("the event was deleted or removed");
  auto event = ctx.tx.events().get((*post)->id);
  if (!event) {
    if (event.error().kind == core::ErrorKind::not_found)
      return Error::invalid_input("the thread is not an event");
    return std::move(event).error();
  }
  auto standing = standing_of(ctx.tx, ctx.group, ctx.actor);
  if (!standing)
    return std::move(standing).error();
  if (auto ok = check_may_contribute(ctx.group, *standing, false); !ok)
    return std::move(ok).error();
  if (status) {
    auto set = ctx.tx.events().set_rsvp((*post)->id, ctx.actor.id, *status, ctx.activity.id);
    if (!set)
      return std::move(set).error();
  } else {
    auto removed = ctx.tx.events().remove_rsvp((*post)->id, ctx.actor.id);
    if (!removed)
      return std::move(removed).error();
    if (!*removed)
      return ctx.ignore("no answer to withdraw");
  }
  ctx.out.post = **post;
  if (auto a = announce(ctx, ctx.activity.type_name()); !a)
    return std::move(a).error();
  return ctx.done();
}

}  // namespace guildhall::federation::groups::detail
