// Reports that reach us because the reported post is ours: a community on another instance (or
// any server, as Mastodon forwards reports) sends a Flag naming a post written by one of our
// people. It is stored as a report of that post's community, so our admins see it next to the
// community's own; a later Resolve from the same sender marks it resolved. Reports about anyone
// else, or about posts outside communities, are ignored.
#include "guildhall/content/html.hpp"

#include "handler.hpp"

namespace guildhall::federation::inbox::detail {

namespace {

constexpr std::size_t kMaxReasonBytes = 4096;
constexpr std::size_t kMaxReportPages = 50;  // bounds the search for a resolved report (rule 6)

}  // namespace

core::Result<void> handle_flag(HandlerContext& ctx) {
  std::optional<storage::Post> post;
  for (const as::Ref& ref : ctx.activity.object) {
    auto p = find_post(ctx.tx, ref.id());
    if (!p)
      return std::move(p).error();
    if (*p && (*p)->is_local && (*p)->community_id) {
      post = std::move(*p);
      break;
    }
  }
  if (!post)
    return ctx.ignore("report about nothing of ours in a community");
  std::optional<std::string> reason;
  if (ctx.activity.summary && !ctx.activity.summary->empty())
    reason = content::html_to_plain_text(*ctx.activity.summary);
  else if (ctx.activity.content && !ctx.activity.content->empty())
    reason = content::html_to_plain_text(*ctx.activity.content);  // Mastodon's comment
  if (reason && reason->size() > kMaxReasonBytes)
    reason->resize(kMaxReasonBytes);
  auto stored = ctx.tx.community_reports().add(
      {.community_id = *post->community_id,
       .reporter_id = ctx.actor.id,
       .post_id = post->id,
       .target_actor_id = post->author_id,
       .ap_id = ctx.activity.id.empty() ? std::nullopt : std::optional(ctx.activity.id),
       .reason = std::move(reason)});
  if (!stored) {
    if (stored.error().kind == core::ErrorKind::already_exists)
      return ctx.ignore("already reported");
    return std::move(stored).error();
  }
  return {};
}

core::Result<void> handle_resolve(HandlerContext& ctx) {
  const std::string& flag_id = ctx.activity.object_ref().id();
  if (flag_id.empty())
    return ctx.ignore("resolve without a report");
  // The report is found through its post's community (reports are listed per community).
  const as::Object* flag = ctx.activity.object_ref().get();
  std::optional<storage::Post> post;
  if (flag) {
    for (const as::Ref& ref : flag->object) {
      auto p = find_post(ctx.tx, ref.id());
      if (!p)
        return std::move(p).error();
      if (*p && (*p)->community_id) {
        post = std::move(*p);
        break;
      }
    }
  }
  if (!post)
    return ctx.ignore("resolve of a report we cannot place");
  auto group = ctx.tx.communities().get(*post->community_id);
  if (!group)
    return std::move(group).error();
  if (group->actor.is_local())
    return ctx.ignore("reports in communities hosted here are resolved by their moderators here");
  storage::PageRequest page{.limit = 200};
  for (std::size_t n = 0; n < kMaxReportPages; ++n) {
    auto reports = ctx.tx.community_reports().list(*post->community_id, true, page);
    if (!reports)
      return std::move(reports).error();
    for (const auto& r : *reports) {
      if (r.ap_id != flag_id)
        continue;
      if (r.reporter_id != ctx.actor.id)
        return core::Error::forbidden("only the report's sender may resolve it");
      auto resolved = ctx.tx.community_reports().resolve(r.id, ctx.actor.id);
      if (!resolved)
        return std::move(resolved).error();
      return {};
    }
    if (reports->size() < page.limit)
      break;
    page.before = reports->back().id;
  }
  return ctx.ignore("no such open report");
}

}  // namespace guildhall::federation::inbox::detail
