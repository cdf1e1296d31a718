// Community API: moderation (pin, lock, remove, restore), the reports queue, the moderation log
// and insights for managers. docs/api.md, "Community API".
#include "guildhall/core/id.hpp"

#include "../api/lists.hpp"
#include "community_entities.hpp"

namespace guildhall::server::api {

namespace {

using core::Error;
using core::Result;
using http::Response;
using http::Verb;
using storage::Id;
using storage::Tx;

enum class PostAction { pin, unpin, lock, unlock, remove, restore };

Response moderate(Call& call, PostAction action) {
  const Id id = path_id(call).value();
  auto post = call.app().db.read([&](Tx& tx) { return tx.posts().get(id); });
  if (!post)
    return from_error(post.error());
  const bool thread_only = action != PostAction::remove && action != PostAction::restore;
  if (thread_only && !post->is_thread())
    return api_error(422, "only threads can be pinned or locked");
  auto& communities = call.ctx.communities;
  Result<void> done = [&]() -> Result<void> {
    switch (action) {
      case PostAction::pin:
      case PostAction::unpin:
        return communities.pin(call.me(), id, action == PostAction::pin);
      case PostAction::lock:
      case PostAction::unlock:
        return communities.lock(call.me(), id, action == PostAction::lock);
      case PostAction::remove: {
        auto reason = string_param(call.params, "reason");
        if (reason && reason->empty())
          reason.reset();
        return communities.remove_post(call.me(), id, reason);
      }
      case PostAction::restore:
        return communities.restore_post(call.me(), id);
    }
    return Error::internal("unknown moderation action");
  }();
  if (!done)
    return from_error(done.error());
  return post_response(call, id);
}

Response reports(Call& call) {
  const Id id = path_id(call).value();
  const auto state = string_param(call.params, "state").value_or("open");
  if (state != "open" && state != "all")
    return api_error(422, "state must be open or all");
  return paged_response(
      call, 20, 40,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        if (auto group = call.ctx.communities.managed(tx, call.me(), id); !group)
          return std::move(group).error();
        auto rows = tx.community_reports().list(id, state == "open", page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& r : *rows)
          out.emplace_back(r.id, report_json(tx, call.app().urls, r));
        return out;
      });
}

Response resolve_report(Call& call) {
  const Id id = path_id(call).value();
  auto resolved = call.ctx.communities.resolve_report(call.me(), id);
  if (!resolved)
    return from_error(resolved.error());
  return read_json(
      call, [&](Tx& tx) -> Result<json> { return report_json(tx, call.app().urls, *resolved); });
}

Response moderation_log(Call& call) {
  const Id id = path_id(call).value();
  return paged_response(
      call, 20, 40,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        if (auto group = call.ctx.communities.readable(tx, call.me(), id); !group)
          return std::move(group).error();
        auto rows = tx.moderation_log().list(id, page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& e : *rows)
          out.emplace_back(e.id, moderation_entry_json(tx, call.app().urls, e));
        return out;
      });
}

Response insights(Call& call) {
  const Id id = path_id(call).value();
  int days = 30;
  if (auto text = string_param(call.params, "days"); text && !text->empty()) {
    try {
      days = std::stoi(*text);
    } catch (const std::exception&) {
      days = 0;
    }
    if (days < 1 || days > 365)
      return api_error(422, "days must be a number from 1 to 365");
  }
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto figures = call.ctx.communities.insights(tx, call.me(), id, days);
    if (!figures)
      return std::move(figures).error();
    return insights_json(tx, call.app().urls, id, *figures);
  });
}

}  // namespace

void register_community_moderation(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable t{router, ctx};
  const std::string base = kCommunityApi;
  const auto read = user_scope("read");
  const auto write = user_scope("write");
  const std::pair<const char*, PostAction> actions[] = {
      {"pin", PostAction::pin},       {"unpin", PostAction::unpin},
      {"lock", PostAction::lock},     {"unlock", PostAction::unlock},
      {"remove", PostAction::remove}, {"restore", PostAction::restore}};
  for (const auto& [name, action] : actions)
    t.add(Verb::post, base + "/posts/{id}/" + name, std::string("community_") + name, write,
          [action = action](Call& call) { return moderate(call, action); });
  t.add(Verb::get, base + "/communities/{id}/reports", "community_reports", read, reports);
  t.add(Verb::post, base + "/reports/{id}/resolve", "community_report_resolve", write,
        resolve_report);
  t.add(Verb::get, base + "/communities/{id}/modlog", "community_modlog", read, moderation_log);
  t.add(Verb::get, base + "/communities/{id}/insights", "community_insights", read, insights);
}

}  // namespace guildhall::server::api
