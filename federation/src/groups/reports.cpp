// Reports (Flag) to a community hosted here: stored for its moderators, and announced only to the
// remote moderators' servers and the reported author's server (Lemmy's routing: reports are not
// public, and the author's instance may act too).
#include <set>

#include "guildhall/activitystreams/serialize.hpp"
#include "guildhall/content/html.hpp"

#include "internal.hpp"

namespace guildhall::federation::groups::detail {

namespace {

constexpr std::size_t kMaxReasonBytes = 4096;

// Shared inboxes of the group's remote moderators.
Result<std::vector<std::string>> moderator_inboxes(storage::Tx& tx, Id group_id) {
  std::vector<std::string> inboxes;
  storage::PageRequest page{.limit = 200, .oldest_first = true};
  for (;;) {
    auto batch = tx.memberships().list(group_id, storage::MemberState::accepted, page);
    if (!batch)
      return std::move(batch).error();
    for (const auto& m : *batch) {
      if (m.role == storage::MemberRole::member)
        continue;
      auto person = tx.actors().get(m.actor_id);
      if (!person)
        return std::move(person).error();
      if (!person->is_local())
        inboxes.push_back(inbox_of(*person));
    }
    if (batch->size() < page.limit)
      return inboxes;
    page.after = batch->back().id;
  }
}

}  // namespace

json forwarded_flag(const storage::CommunityView& group, const storage::CommunityReport& report,
                    const storage::Actor& author, const storage::Post* post) {
  json objects = json::array();
  if (post)
    objects.push_back(post->ap_id);
  objects.push_back(author.ap_id);
  json flag = {{"@context", as::default_context()},
               {"id", group.actor.ap_id + "/reports/" + core::to_string_id(report.id)},
               {"type", "Flag"},
               {"actor", group.actor.ap_id},
               {"object", std::move(objects)},
               {"to", json::array({author.ap_id})}};
  if (report.reason)
    flag["summary"] = *report.reason;
  return flag;
}

Result<Applied> apply_flag(GroupContext& ctx) {
  auto standing = standing_of(ctx.tx, ctx.group, ctx.actor);
  if (!standing)
    return std::move(standing).error();
  if (standing->banned)
    return Error::forbidden("you are banned from this community");
  std::optional<storage::Post> post;
  std::optional<Id> person;
  for (const as::Ref& ref : ctx.activity.object) {
    auto p = find_post(ctx.tx, ref.id());
    if (!p)
      return std::move(p).error();
    if (*p && !post && (*p)->community_id == ctx.group.actor.id) {
      post = std::move(*p);
      person = post->author_id;
      continue;
    }
    auto a = find_actor(ctx.tx, ref.id());
    if (!a)
      return std::move(a).error();
    if (*a && !person)
      person = (*a)->id;
  }
  if (!post && !person)
    return ctx.ignore("report about nothing known here");
  std::optional<std::string> reason;
  if (ctx.activity.summary && !ctx.activity.summary->empty()) {
    reason = content::html_to_plain_text(*ctx.activity.summary);
    if (reason->size() > kMaxReasonBytes)
      return Error::invalid_input("a report reason may have at most 4096 bytes");
  }
  auto stored = ctx.tx.community_reports().add(
      {.community_id = ctx.group.actor.id,
       .reporter_id = ctx.actor.id,
       .post_id = post ? std::optional<Id>(post->id) : std::nullopt,
       .target_actor_id = person,
       .ap_id = ctx.activity.id.empty() ? std::nullopt : std::optional(ctx.activity.id),
       .reason = reason});
  if (!stored) {
    if (stored.error().kind == core::ErrorKind::already_exists)
      return ctx.ignore("already reported");
    return std::move(stored).error();
  }
  auto inboxes = moderator_inboxes(ctx.tx, ctx.group.actor.id);
  if (!inboxes)
    return std::move(inboxes).error();
  if (person) {
    auto author = ctx.tx.actors().get(*person);
    if (!author)
      return std::move(author).error();
    if (!author->is_local()) {
      inboxes->push_back(inbox_of(*author));
      // Forwarded as Mastodon does, by the group itself: the author's server cannot fetch the
      // reporter's Flag (reports are not public), but it trusts the group's signature.
      if (auto f = send_direct(ctx.tx, ctx.group,
                               forwarded_flag(ctx.group, *stored, *author, post ? &*post : nullptr),
                               *author);
          !f)
        return std::move(f).error();
    }
  }
  // The reporter's own server already knows.
  std::set<std::string> seen;
  std::vector<std::string> targets;
  const std::string reporter_inbox = inbox_of(ctx.actor);
  for (auto& inbox : *inboxes)
    if (inbox != reporter_inbox && seen.insert(inbox).second)
      targets.push_back(std::move(inbox));
  if (auto a = announce_to(ctx, targets); !a)
    return std::move(a).error();
  return ctx.done();
}

}  // namespace guildhall::federation::groups::detail

namespace guildhall::federation::groups {

using namespace detail;

core::Result<bool> forward_resolution(storage::Tx& tx, const storage::CommunityView& group,
                                      const storage::CommunityReport& report) {
  if (!report.target_actor_id)
    return false;
  auto author = tx.actors().get(*report.target_actor_id);
  if (!author)
    return std::move(author).error();
  if (author->is_local())
    return false;
  std::optional<storage::Post> post;
  if (report.post_id) {
    auto p = tx.posts().get(*report.post_id);
    if (!p)
      return std::move(p).error();
    post = std::move(p).value();
  }
  json flag = forwarded_flag(group, report, *author, post ? &*post : nullptr);
  flag.erase("@context");
  json resolve = {{"@context", as::default_context()},
                  {"id", flag["id"].get<std::string>() + "/resolve"},
                  {"type", "Resolve"},
                  {"actor", group.actor.ap_id},
                  {"object", std::move(flag)},
                  {"to", json::array({author->ap_id})}};
  return send_direct(tx, group, std::move(resolve), *author);
}

}  // namespace guildhall::federation::groups
