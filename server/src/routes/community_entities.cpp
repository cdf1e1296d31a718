#include "community_entities.hpp"

#include "guildhall/core/id.hpp"

#include "../api/entities.hpp"
#include "../api/lists.hpp"

namespace guildhall::server::api {

namespace {

using core::Result;
using storage::Id;
using storage::Tx;

json time_json(const std::optional<core::TimePoint>& t) {
  return t ? json(core::format_rfc3339(*t)) : json(nullptr);
}

json id_json(const std::optional<Id>& id) {
  return id ? json(core::to_string_id(*id)) : json(nullptr);
}

std::string date_of_day(std::int64_t day) {
  return core::format_rfc3339(core::TimePoint(std::chrono::hours(24 * day))).substr(0, 10);
}

std::string_view membership_word(const federation::CommunityStanding& s) {
  if (s.banned)
    return "banned";
  if (!s.membership)
    return "none";
  switch (s.membership->state) {
    case storage::MemberState::accepted:
      return "member";
    case storage::MemberState::pending:
      return "pending";
    case storage::MemberState::banned:
      return "none";  // an expired ban
  }
  return "none";
}

json ban_json(const storage::Membership& m) {
  if (m.state != storage::MemberState::banned)
    return nullptr;
  return {{"reason", m.ban_reason ? json(*m.ban_reason) : json(nullptr)},
          {"expires_at", time_json(m.ban_expires_at)}};
}

// Content a reader may see: deleted posts are empty; removed ones only for managers.
bool content_hidden(const storage::Post& post, bool can_manage) {
  return post.deleted_at.has_value() || (post.removed_at.has_value() && !can_manage);
}

// The Markdown source; null for remote posts that came without one.
json body_json(const storage::Post& post, bool hidden) {
  if (hidden)
    return "";
  return post.content_source ? json(*post.content_source) : json(nullptr);
}

json attachments_json(const storage::Post& post) {
  json out = json::array();
  for (const auto& a : post.attachments)
    out.push_back({{"id", a.media_id ? json(core::to_string_id(*a.media_id)) : json(nullptr)},
                   {"url", a.url},
                   {"preview_url", a.preview_url ? json(*a.preview_url) : json(nullptr)},
                   {"media_type", a.media_type ? json(*a.media_type) : json(nullptr)},
                   {"description", a.description ? json(*a.description) : json(nullptr)},
                   {"width", a.width ? json(*a.width) : json(nullptr)},
                   {"height", a.height ? json(*a.height) : json(nullptr)},
                   {"blurhash", a.blurhash ? json(*a.blurhash) : json(nullptr)}});
  return out;
}

json poll_json(Tx& tx, Id post_id, Id viewer) {
  auto poll = tx.polls().get(post_id);
  if (!poll) {
    if (poll.error().kind == core::ErrorKind::not_found)
      return nullptr;
    throw core::ErrorException(poll.error());
  }
  const std::vector<storage::PollVote> mine = tx.polls().votes_of(post_id, viewer).value();
  json options = json::array();
  json my_choices = json::array();
  for (const auto& o : poll->options) {
    options.push_back({{"name", o.name}, {"votes", o.votes}});
    if (std::any_of(mine.begin(), mine.end(),
                    [&](const auto& v) { return v.position == o.position; }))
      my_choices.push_back(o.name);
  }
  return {{"options", std::move(options)},
          {"multiple", poll->multiple},
          {"ends_at", time_json(poll->end_time)},
          {"expired", poll->end_time && *poll->end_time <= tx.now()},
          {"voters_count", poll->voters_count},
          {"my_choices", std::move(my_choices)}};
}

json event_json(Tx& tx, Id post_id, Id viewer) {
  auto event = tx.events().get(post_id);
  if (!event) {
    if (event.error().kind == core::ErrorKind::not_found)
      return nullptr;
    throw core::ErrorException(event.error());
  }
  const auto counts = tx.events().counts(post_id).value();
  const auto mine = tx.events().rsvp_of(post_id, viewer).value();
  return {{"starts_at", core::format_rfc3339(event->start_time)},
          {"ends_at", time_json(event->end_time)},
          {"location_name", event->location_name ? json(*event->location_name) : json(nullptr)},
          {"location_address",
           event->location_address ? json(*event->location_address) : json(nullptr)},
          {"rsvps",
           {{"going", counts.going}, {"maybe", counts.maybe}, {"not_going", counts.not_going}}},
          {"my_rsvp", mine ? json(storage::to_string(mine->status)) : json(nullptr)}};
}

}  // namespace

json person_json(const federation::Urls& urls, const storage::Actor& actor) {
  return {{"id", core::to_string_id(actor.id)},
          {"handle", actor.handle},
          {"acct", acct_of(actor)},
          {"display_name", actor.display_name.value_or(actor.handle)},
          {"url", actor.url.value_or(actor.ap_id)},
          {"avatar", actor.icon_url ? json(*actor.icon_url) : json(nullptr)},
          {"local", actor.is_local()},
          {"host", actor.domain.value_or(urls.host())}};
}

json person_json(Tx& tx, const federation::Urls& urls, Id actor_id) {
  return person_json(urls, tx.actors().get(actor_id).value());
}

json community_json(Tx& tx, const ApiContext& ctx, const storage::CommunityView& group, Id viewer,
                    bool with_managers) {
  const federation::Urls& urls = ctx.app.urls;
  const storage::Actor& a = group.actor;
  const storage::Community& c = group.community;
  json rules = json::array();
  const std::vector<storage::CommunityRule> rule_rows = tx.communities().rules(a.id).value();
  for (const auto& rule : rule_rows)
    rules.push_back(rule.text);
  const auto standing = ctx.communities.standing(tx, viewer, group).value();
  json me = {{"membership", membership_word(standing)},
             {"role", standing.member ? json(storage::to_string(standing.membership->role))
                                      : json(nullptr)},
             {"can_post", standing.can_post},
             {"can_manage", standing.can_manage},
             {"ban", standing.banned ? ban_json(*standing.membership) : json(nullptr)}};
  json out = {{"id", core::to_string_id(a.id)},
              {"handle", a.handle},
              {"acct", a.handle + "@" + a.domain.value_or(urls.host())},
              {"local", a.is_local()},
              {"host", a.domain.value_or(urls.host())},
              {"url", a.url.value_or(a.ap_id)},
              {"ap_id", a.ap_id},
              {"title", a.display_name.value_or(a.handle)},
              {"description", c.description_source},
              {"description_html", c.description_html},
              {"rules", std::move(rules)},
              {"welcome", c.welcome_source},
              {"welcome_html", c.welcome_html},
              {"visibility", storage::to_string(c.visibility)},
              {"join_policy", storage::to_string(c.join_policy)},
              {"posting_policy", storage::to_string(c.posting_policy)},
              {"languages", c.languages},
              {"icon", a.icon_url ? json(*a.icon_url) : json(nullptr)},
              {"header", a.header_url ? json(*a.header_url) : json(nullptr)},
              {"member_count", group.member_count},
              {"created_at", core::format_rfc3339(c.created_at)},
              {"me", std::move(me)}};
  if (with_managers) {
    json managers = json::array();
    const std::vector<storage::Membership> rows = tx.community_queries().managers(a.id).value();
    for (const auto& m : rows)
      managers.push_back(
          {{"role", storage::to_string(m.role)}, {"person", person_json(tx, urls, m.actor_id)}});
    out["managers"] = std::move(managers);
  }
  return out;
}

json membership_json(Tx& tx, const federation::Urls& urls, const storage::Membership& m) {
  return {{"person", person_json(tx, urls, m.actor_id)},
          {"role", storage::to_string(m.role)},
          {"state", storage::to_string(m.state)},
          {"since", core::format_rfc3339(m.created_at)},
          {"ban", ban_json(m)}};
}

json reactions_json(Tx& tx, Id post_id, Id viewer) {
  std::int64_t likes = 0, dislikes = 0;
  json emoji = json::array();
  const auto mine = tx.reactions().list_by_actor(post_id, viewer).value();
  auto mine_has = [&](storage::ReactionKind kind, const std::string& e) {
    return std::any_of(mine.begin(), mine.end(),
                       [&](const auto& r) { return r.kind == kind && r.emoji == e; });
  };
  const std::vector<storage::ReactionCount> counts = tx.reactions().counts(post_id).value();
  for (const auto& c : counts) {
    if (c.kind == storage::ReactionKind::like)
      likes = c.count;
    else if (c.kind == storage::ReactionKind::dislike)
      dislikes = c.count;
    else
      emoji.push_back({{"emoji", c.emoji},
                       {"count", c.count},
                       {"me", mine_has(storage::ReactionKind::emoji, c.emoji)}});
  }
  json my_vote = mine_has(storage::ReactionKind::like, "")      ? json("like")
                 : mine_has(storage::ReactionKind::dislike, "") ? json("dislike")
                                                                : json(nullptr);
  return {{"likes", likes},
          {"dislikes", dislikes},
          {"score", likes - dislikes},
          {"emoji", std::move(emoji)},
          {"my_vote", std::move(my_vote)}};
}

json thread_json(Tx& tx, const ApiContext& ctx, const storage::ThreadSummary& thread, Id viewer,
                 bool can_manage, bool with_read_state) {
  const federation::Urls& urls = ctx.app.urls;
  const storage::Post& p = thread.post;
  const bool hidden = content_hidden(p, can_manage);
  json community = nullptr;
  if (p.community_id) {
    const auto group = tx.communities().get(*p.community_id).value();
    community = {{"id", core::to_string_id(group.actor.id)},
                 {"handle", group.actor.handle},
                 {"acct", group.actor.handle + "@" + group.actor.domain.value_or(urls.host())},
                 {"title", group.actor.display_name.value_or(group.actor.handle)},
                 {"icon", group.actor.icon_url ? json(*group.actor.icon_url) : json(nullptr)},
                 {"local", group.actor.is_local()}};
  }
  json read = nullptr;
  if (with_read_state)
    read = {{"unread", thread.unread}, {"new_comments", thread.new_comments}};
  return {{"id", core::to_string_id(p.id)},
          {"ap_id", p.ap_id},
          {"url", p.url.value_or(p.ap_id)},
          {"link", hidden || !p.link_url ? json(nullptr) : json(*p.link_url)},
          {"community", std::move(community)},
          {"author", person_json(tx, urls, p.author_id)},
          {"title", hidden ? "" : p.title.value_or("")},
          {"body", body_json(p, hidden)},
          {"body_html", hidden ? "" : p.content_html},
          {"language", p.language ? json(*p.language) : json(nullptr)},
          {"summary", p.summary ? json(*p.summary) : json(nullptr)},
          {"sensitive", p.sensitive},
          {"attachments", hidden ? json::array() : attachments_json(p)},
          {"question", p.is_question},
          {"accepted_answer_id", id_json(p.accepted_answer_id)},
          {"pinned", p.pinned},
          {"locked", p.locked},
          {"removed", p.removed_at.has_value()},
          {"deleted", p.deleted_at.has_value()},
          {"published_at", core::format_rfc3339(p.published_at)},
          {"edited_at", time_json(p.updated_at)},
          {"last_activity_at", core::format_rfc3339(thread.last_activity_at)},
          {"comment_count", thread.comment_count},
          {"reactions", reactions_json(tx, p.id, viewer)},
          {"read", std::move(read)},
          {"poll", hidden ? json(nullptr) : poll_json(tx, p.id, viewer)},
          {"event", hidden ? json(nullptr) : event_json(tx, p.id, viewer)}};
}

json comment_json(Tx& tx, const federation::Urls& urls, const storage::Post& c, Id viewer,
                  bool can_manage, std::optional<Id> accepted_answer) {
  const bool hidden = content_hidden(c, can_manage);
  return {{"id", core::to_string_id(c.id)},
          {"ap_id", c.ap_id},
          {"thread_id", core::to_string_id(c.thread_id)},
          {"parent_id", id_json(c.parent_id)},
          {"author", person_json(tx, urls, c.author_id)},
          {"body", body_json(c, hidden)},
          {"body_html", hidden ? "" : c.content_html},
          {"language", c.language ? json(*c.language) : json(nullptr)},
          {"published_at", core::format_rfc3339(c.published_at)},
          {"edited_at", time_json(c.updated_at)},
          {"deleted", c.deleted_at.has_value()},
          {"removed", c.removed_at.has_value()},
          {"accepted", accepted_answer == c.id},
          {"reactions", reactions_json(tx, c.id, viewer)},
          {"replies", json::array()}};
}

json report_json(Tx& tx, const federation::Urls& urls, const storage::CommunityReport& r) {
  json post = nullptr;
  if (r.post_id) {
    const auto p = tx.posts().get(*r.post_id).value();
    std::string excerpt = p.content_source.value_or(p.content_html);
    if (excerpt.size() > 200)
      excerpt = excerpt.substr(0, 200);
    post = {{"id", core::to_string_id(p.id)},
            {"thread_id", core::to_string_id(p.thread_id)},
            {"title", p.title ? json(*p.title) : json(nullptr)},
            {"excerpt", excerpt},
            {"author", person_json(tx, urls, p.author_id)}};
  }
  return {{"id", core::to_string_id(r.id)},
          {"community_id", core::to_string_id(r.community_id)},
          {"reporter", person_json(tx, urls, r.reporter_id)},
          {"post", std::move(post)},
          {"person", r.target_actor_id ? person_json(tx, urls, *r.target_actor_id) : json(nullptr)},
          {"reason", r.reason ? json(*r.reason) : json(nullptr)},
          {"created_at", core::format_rfc3339(r.created_at)},
          {"resolved_at", time_json(r.resolved_at)},
          {"resolved_by", r.resolved_by ? person_json(tx, urls, *r.resolved_by) : json(nullptr)}};
}

json moderation_entry_json(Tx& tx, const federation::Urls& urls,
                           const storage::ModerationEntry& e) {
  return {{"id", core::to_string_id(e.id)},
          {"action", storage::to_string(e.action)},
          {"moderator", person_json(tx, urls, e.moderator_id)},
          {"person", e.target_actor_id ? person_json(tx, urls, *e.target_actor_id) : json(nullptr)},
          {"post_id", id_json(e.target_post_id)},
          {"reason", e.reason ? json(*e.reason) : json(nullptr)},
          {"expires_at", time_json(e.expires_at)},
          {"created_at", core::format_rfc3339(e.created_at)}};
}

json insights_json(Tx&, const federation::Urls& urls, Id community_id,
                   const storage::CommunityInsights& in) {
  json series = json::array();
  json activity = json::array();
  std::int64_t total = in.members_before_range;
  for (const auto& day : in.days) {
    total += day.joined;
    const std::string date = date_of_day(day.day);
    series.push_back({{"date", date}, {"total", total}, {"joined", day.joined}});
    activity.push_back({{"date", date},
                        {"threads", day.threads},
                        {"comments", day.comments},
                        {"reactions", day.reactions}});
  }
  std::int64_t likes = 0, dislikes = 0, reactions = 0;
  json emoji = json::array();
  for (const auto& c : in.reactions) {
    reactions += c.count;
    if (c.kind == storage::ReactionKind::like)
      likes += c.count;
    else if (c.kind == storage::ReactionKind::dislike)
      dislikes += c.count;
    else
      emoji.push_back({{"emoji", c.emoji}, {"count", c.count}});
  }
  std::sort(emoji.begin(), emoji.end(),
            [](const json& a, const json& b) { return a["count"] > b["count"]; });
  json unanswered = json::array();
  for (const auto& q : in.questions.oldest_unanswered)
    unanswered.push_back({{"id", core::to_string_id(q.id)},
                          {"title", q.title.value_or("")},
                          {"published_at", core::format_rfc3339(q.published_at)}});
  json by_instance = json::array();
  for (const auto& i : in.members_by_instance)
    by_instance.push_back({{"host", i.host.value_or(urls.host())},
                           {"local", !i.host.has_value()},
                           {"members", i.members}});
  const auto& q = in.questions;
  return {{"community_id", core::to_string_id(community_id)},
          {"from", in.days.empty() ? json(nullptr) : json(date_of_day(in.days.front().day))},
          {"to", in.days.empty() ? json(nullptr) : json(date_of_day(in.days.back().day))},
          {"members", {{"total", in.members_total}, {"series", std::move(series)}}},
          {"active_members",
           {{"day", in.active_day}, {"week", in.active_week}, {"month", in.active_month}}},
          {"activity", std::move(activity)},
          {"reactions",
           {{"total", reactions}, {"likes", likes}, {"dislikes", dislikes}, {"emoji", emoji}}},
          {"questions",
           {{"total", q.total},
            {"answered", q.answered},
            {"accepted", q.accepted},
            {"unanswered", q.total - q.answered},
            {"median_seconds_to_first_answer", q.median_seconds_to_first_answer
                                                   ? json(*q.median_seconds_to_first_answer)
                                                   : json(nullptr)},
            {"unanswered_threads", std::move(unanswered)}}},
          {"members_by_instance", std::move(by_instance)}};
}

Result<storage::CommunityView> readable_community(const Call& call, Tx& tx) {
  auto id = path_id(call);
  if (!id)
    return std::move(id).error();
  return call.ctx.communities.readable(tx, call.me(), *id);
}

http::Response post_response(Call& call, Id post_id) {
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto post = call.ctx.communities.readable_post(tx, call.me(), post_id);
    if (!post)
      return std::move(post).error();
    const auto group = tx.communities().get(*post->community_id).value();
    const bool can_manage = call.ctx.communities.standing(tx, call.me(), group).value().can_manage;
    if (post->is_thread()) {
      auto summary = tx.community_queries().thread(post->id, call.me());
      if (!summary)
        return std::move(summary).error();
      return thread_json(tx, call.ctx, *summary, call.me(), can_manage, true);
    }
    const auto thread = tx.posts().get(post->thread_id).value();
    return comment_json(tx, call.app().urls, *post, call.me(), can_manage,
                        thread.accepted_answer_id);
  });
}

void register_community(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  register_community_directory(router, ctx);
  register_community_threads(router, ctx);
  register_community_moderation(router, ctx);
  register_community_account(router, ctx);
}

}  // namespace guildhall::server::api
