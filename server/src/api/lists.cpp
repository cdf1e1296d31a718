#include "lists.hpp"

#include <algorithm>

#include "guildhall/core/id.hpp"

namespace guildhall::server::api {

using core::Error;
using core::Result;
using http::Response;
using storage::Tx;

Result<storage::Id> path_id(const Call& call, std::string_view name) {
  storage::Id id = 0;
  if (!core::parse_id(call.req.param(name), id))
    return Error::not_found("Record not found");
  return id;
}

Result<storage::Post> live_post(storage::Tx& tx, const storage::Reader& reader, storage::Id id) {
  auto post = tx.posts().get(id);
  if (!post && post.error().kind == core::ErrorKind::not_found) {
    // A boost's id (the status clients hold for a reblog) stands for the boosted post.
    if (auto boost = tx.client_api().get_reblog(id))
      post = tx.posts().get(boost->post_id);
  }
  if (!post)
    return std::move(post).error();
  if (post->deleted_at || post->removed_at)
    return Error::not_found("Record not found");
  auto readable = tx.client_api().post_readable(reader, post->id);
  if (!readable)
    return std::move(readable).error();
  if (!*readable)  // a private community's post looks absent to outsiders
    return Error::not_found("Record not found");
  return post;
}

Result<storage::Actor> account_actor(storage::Tx& tx, storage::Id id) {
  auto actor = tx.actors().get(id);
  if (!actor)
    return std::move(actor).error();
  if ((actor->kind != storage::ActorKind::person && actor->kind != storage::ActorKind::group) ||
      actor->deleted_at || actor->suspended_at)
    return Error::not_found("Record not found");
  return actor;
}

std::optional<Acct> parse_acct(const AppContext& app, std::string text) {
  if (text.starts_with("@"))
    text.erase(0, 1);
  if (text.empty() || text.size() > 300 || text.find_first_of(" /\n") != std::string::npos)
    return std::nullopt;
  const auto at = text.find('@');
  if (at == std::string::npos)
    return Acct{text, std::nullopt};
  Acct out{text.substr(0, at), text.substr(at + 1)};
  if (out.handle.empty() || out.domain->empty())
    return std::nullopt;
  std::transform(out.domain->begin(), out.domain->end(), out.domain->begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (*out.domain == app.urls.host())
    out.domain.reset();
  return out;
}

Result<storage::Actor> find_account(Call& call, const Acct& acct, bool resolve) {
  auto known = call.app().db.read([&](Tx& tx) -> Result<storage::Actor> {
    auto actor = acct.domain ? tx.actors().get_by_handle(acct.handle, *acct.domain)
                             : tx.actors().get_local_by_handle(acct.handle);
    if (!actor)
      return std::move(actor).error();
    return account_actor(tx, actor->id);
  });
  if (known || !acct.domain || !resolve || known.error().kind != core::ErrorKind::not_found)
    return known;
  const std::string handle = acct.handle + "@" + *acct.domain;
  auto fetched = call.app().federation.actors().resolve_handle(handle);
  if (!fetched)
    return Error::not_found("Record not found");
  if (fetched->kind == storage::ActorKind::group) {
    // A remote community: stored with its settings, so following it joins it.
    auto community = call.app().federation.groups().resolve(handle);
    if (!community)
      return Error::not_found("Record not found");
    return community->actor;
  }
  return call.app().db.read([&](Tx& tx) { return account_actor(tx, fetched->id); });
}

namespace {

json account_or_null(storage::Tx& tx, const federation::Urls& urls, storage::Id id) {
  auto actor = account_actor(tx, id);
  return actor ? account_json(tx, urls, *actor) : json(nullptr);
}

// Mastodon's Report entity (what admin.report notifications carry), plus the community the report
// is about (Guildhall's, like the admin API's): a manager's client links to its reports queue.
json report_json(storage::Tx& tx, const federation::Urls& urls, storage::Id report_id) {
  auto report = tx.community_reports().get(report_id);
  if (!report)
    return nullptr;
  json status_ids = json::array();
  if (report->post_id)
    status_ids.push_back(core::to_string_id(*report->post_id));
  json target =
      report->target_actor_id ? account_or_null(tx, urls, *report->target_actor_id) : json(nullptr);
  json community = account_or_null(tx, urls, report->community_id);
  if (target.is_null())  // Mastodon always names someone; a gone person leaves the community
    target = community;
  return {{"id", core::to_string_id(report->id)},
          {"action_taken", report->resolved_at.has_value()},
          {"action_taken_at",
           report->resolved_at ? json(core::format_rfc3339(*report->resolved_at)) : json(nullptr)},
          {"category", "other"},
          {"comment", report->reason.value_or("")},
          {"forwarded", report->ap_id.has_value()},
          {"created_at", core::format_rfc3339(report->created_at)},
          {"status_ids", std::move(status_ids)},
          {"rule_ids", nullptr},
          {"target_account", std::move(target)},
          {"community", std::move(community)}};
}

}  // namespace

json notification_json(storage::Tx& tx, const federation::Urls& urls,
                       const storage::NotificationRow& n, std::optional<storage::Id> viewer) {
  auto from = account_actor(tx, n.from_actor_id);
  if (!from)
    return nullptr;
  json out{{"id", core::to_string_id(n.id)},
           {"type", n.type},
           {"created_at", core::format_rfc3339(n.created_at)},
           {"account", account_json(tx, urls, *from)},
           {"group_key", "ungrouped-" + core::to_string_id(n.id)}};
  if (n.type == "admin.report" || n.type == "guildhall.report") {
    // The notification's id is the report's (storage/client_api.hpp).
    out["report"] = report_json(tx, urls, n.id);
    if (out["report"].is_null() || out["report"]["target_account"].is_null())
      return nullptr;
  }
  if (n.post_id) {
    auto post = live_post(tx, storage::Reader{.actor_id = viewer}, *n.post_id);
    if (!post)
      return nullptr;
    out["status"] = status_json(tx, urls, *post, viewer);
  }
  return out;
}

json conversation_json(storage::Tx& tx, const federation::Urls& urls,
                       const storage::Conversation& conversation, storage::Id viewer) {
  json accounts = json::array();
  for (storage::Id id : conversation.participants)
    if (auto actor = account_actor(tx, id))
      accounts.push_back(account_json(tx, urls, *actor));
  auto last = live_post(tx, storage::Reader{.actor_id = viewer}, conversation.last_post_id);
  return json{{"id", core::to_string_id(conversation.id)},
              {"unread", conversation.unread},
              {"accounts", std::move(accounts)},
              {"last_status", last ? status_json(tx, urls, *last, viewer) : json(nullptr)}};
}

Response paged_response(Call& call, std::size_t default_limit, std::size_t max_limit,
                        const PageLoader& load) {
  auto page = page_params(call.params, default_limit, max_limit);
  if (!page)
    return api_error(422, page.error().message);
  std::optional<storage::Id> newest;
  std::optional<storage::Id> oldest;
  auto body = call.app().db.read([&](storage::Tx& tx) -> Result<json> {
    auto items = load(tx, page->page);
    if (!items)
      return std::move(items).error();
    if (page->reverse)
      std::reverse(items->begin(), items->end());
    json out = json::array();
    for (auto& [cursor, item] : *items)
      if (!item.is_null())
        out.push_back(std::move(item));
    if (!items->empty()) {
      newest = items->front().first;
      oldest = items->back().first;
    }
    return out;
  });
  if (!body)
    return from_error(body.error());
  Response res = Response::json(200, *body);
  add_link_header(res, call.app().urls.origin(), call.req, newest, oldest);
  return res;
}

Response statuses_page(Call& call, const PostSource& source, const PostFilter& keep) {
  return paged_response(
      call, 20, 40,
      [&](storage::Tx& tx,
          const storage::PageRequest& page) -> Result<std::vector<std::pair<storage::Id, json>>> {
        auto posts = source(tx, page);
        if (!posts)
          return std::move(posts).error();
        std::vector<std::pair<storage::Id, json>> out;
        for (const auto& p : *posts)
          out.emplace_back(p.id, !keep || keep(tx, p)
                                     ? status_json(tx, call.app().urls, p, call.viewer())
                                     : json(nullptr));
        return out;
      });
}

Response accounts_page(Call& call, const AccountSource& source) {
  return paged_response(
      call, 40, 80,
      [&](storage::Tx& tx,
          const storage::PageRequest& page) -> Result<std::vector<std::pair<storage::Id, json>>> {
        auto rows = source(tx, page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<storage::Id, json>> out;
        for (const auto& [cursor, actor_id] : *rows) {
          auto actor = account_actor(tx, actor_id);
          out.emplace_back(cursor,
                           actor ? account_json(tx, call.app().urls, *actor) : json(nullptr));
        }
        return out;
      });
}

Response listed_by_ids(Call& call, const ListedItem& render) {
  const auto ids = list_param(call.params, "id");
  if (ids.size() > kMaxListedIds)
    return api_error(422, "at most " + std::to_string(kMaxListedIds) + " ids");
  return read_json(call, [&](storage::Tx& tx) -> Result<json> {
    json out = json::array();
    for (const auto& text : ids) {
      storage::Id id = 0;
      if (!core::parse_id(text, id))
        continue;
      auto item = render(tx, id, text);
      if (!item)
        return std::move(item).error();
      if (*item)
        out.push_back(std::move(**item));
    }
    return out;
  });
}

Response read_json(Call& call, const std::function<Result<json>(storage::Tx&)>& body) {
  auto out = call.app().db.read(body);
  if (!out)
    return from_error(out.error());
  return Response::json(200, *out);
}

Response write_json(Call& call, const std::function<Result<json>(storage::Tx&)>& body) {
  auto out = call.app().db.transact(body);
  if (!out)
    return from_error(out.error());
  return Response::json(200, *out);
}

}  // namespace guildhall::server::api
