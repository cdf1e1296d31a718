// Community API: thread lists (a community's and the home feed, with sorts and read markers), a
// thread with its comment tree, posting, replying, editing, deleting, reactions and reports.
// docs/api.md, "Community API".
#include <map>

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

constexpr std::size_t kMaxTreeComments = 1000;
constexpr std::size_t kMaxLanguageTag = 35;

// The `body` (Markdown, required unless media is attached), `language` and `media_ids` every
// post input has.
template <typename Input>
Result<void> text_params(const json& params, Input& in) {
  in.markdown = string_param(params, "body").value_or("");
  auto media_ids = id_list_param(params, "media_ids");
  if (!media_ids)
    return std::move(media_ids).error();
  if (*media_ids)
    in.media_ids = **media_ids;
  if (in.markdown.empty() && (!*media_ids || (*media_ids)->empty()))
    return Error::invalid_input("body is required");
  auto language = string_param(params, "language");
  if (language && language->size() > kMaxLanguageTag)
    return Error::invalid_input("language must be a BCP 47 tag");
  if (language && !language->empty())
    in.language = *language;
  return {};
}

// sort, period and paging of a thread list into `query`; the page number for active/top.
Result<std::size_t> list_params(const Call& call, storage::ThreadQuery& query) {
  const auto sort = string_param(call.params, "sort").value_or("new");
  if (sort == "new")
    query.sort = storage::ThreadSort::newest;
  else if (sort == "active")
    query.sort = storage::ThreadSort::active;
  else if (sort == "top")
    query.sort = storage::ThreadSort::top;
  else
    return Error::invalid_input("sort must be new, active or top");
  const auto period = string_param(call.params, "period").value_or("all");
  static const std::map<std::string, int> kPeriodDays = {
      {"day", 1}, {"week", 7}, {"month", 30}, {"year", 365}, {"all", 0}};
  const auto days = kPeriodDays.find(period);
  if (days == kPeriodDays.end())
    return Error::invalid_input("period must be day, week, month, year or all");
  if (query.sort == storage::ThreadSort::top && days->second > 0)
    query.published_since =
        std::chrono::system_clock::now() - std::chrono::hours(24 * days->second);
  auto page = page_params(call.params, 20, 40);
  if (!page)
    return std::move(page).error();
  query.page = page->page;
  std::size_t number = 1;
  if (auto text = string_param(call.params, "page"); text && !text->empty()) {
    try {
      number = static_cast<std::size_t>(std::max(1L, std::stol(*text)));
    } catch (const std::exception&) {
      return Error::invalid_input("page must be a number");
    }
  }
  if (query.sort != storage::ThreadSort::newest)
    query.offset = (number - 1) * query.page.limit;
  return number;
}

// Runs a thread list query and answers it with its Link header.
Response threads_response(Call& call, storage::ThreadQuery query, std::size_t page_number,
                          const std::function<Result<bool>(Tx&)>& can_manage) {
  const bool reversed = query.page.oldest_first;
  std::optional<Id> newest, oldest;
  std::size_t unpinned = 0;
  auto body = call.app().db.read([&](Tx& tx) -> Result<json> {
    auto manage = can_manage(tx);
    if (!manage)
      return std::move(manage).error();
    query.include_removed = *manage;
    auto threads = tx.community_queries().threads(query);
    if (!threads)
      return std::move(threads).error();
    if (reversed)
      std::reverse(threads->begin(), threads->end());
    json out = json::array();
    for (const auto& t : *threads) {
      out.push_back(thread_json(tx, call.ctx, t, call.me(), *manage, true));
      if (!t.post.pinned || !query.community_id) {
        unpinned += 1;
        if (!newest)
          newest = t.post.id;
        oldest = t.post.id;
      }
    }
    return out;
  });
  if (!body)
    return from_error(body.error());
  Response res = Response::json(200, *body);
  if (query.sort == storage::ThreadSort::newest)
    add_link_header(res, call.app().urls.origin(), call.req, newest, oldest,
                    reversed || unpinned == query.page.limit);
  else
    add_page_link_header(res, call.app().urls.origin(), call.req, page_number,
                         unpinned == query.page.limit);
  return res;
}

Response community_threads(Call& call) {
  storage::ThreadQuery query;
  query.community_id = path_id(call).value();
  query.reader_id = call.me();
  auto page = list_params(call, query);
  if (!page)
    return from_error(page.error());
  return threads_response(call, query, *page, [&](Tx& tx) -> Result<bool> {
    auto group = call.ctx.communities.readable(tx, call.me(), *query.community_id);
    if (!group)
      return std::move(group).error();
    auto standing = call.ctx.communities.standing(tx, call.me(), *group);
    if (!standing)
      return std::move(standing).error();
    return standing->can_manage;
  });
}

Response home(Call& call) {
  storage::ThreadQuery query;
  query.member_id = call.me();
  query.reader_id = call.me();
  query.unread_only = bool_param(call.params, "unread").value_or(false);
  auto page = list_params(call, query);
  if (!page)
    return from_error(page.error());
  // Removed threads are for a community's managers, who see them on the community's page.
  return threads_response(call, query, *page, [](Tx&) -> Result<bool> { return false; });
}

// An RFC 3339 time field of a nested object, if present.
Result<std::optional<core::TimePoint>> time_field(const json& object, const char* key) {
  if (!object.contains(key) || object[key].is_null())
    return std::optional<core::TimePoint>{};
  core::TimePoint t;
  if (!object[key].is_string() || !core::parse_rfc3339(object[key].get<std::string>(), t))
    return Error::invalid_input(std::string(key) + " must be an RFC 3339 timestamp");
  return std::optional<core::TimePoint>(t);
}

// `poll: {options, multiple, ends_at}` and `event: {starts_at, ends_at, location_name,
// location_address}` of a new thread (JSON objects; the services check the rest).
Result<void> poll_and_event(const json& params, federation::outbox::ThreadInput& in) {
  if (params.contains("poll") && !params["poll"].is_null()) {
    const json& poll = params["poll"];
    if (!poll.is_object())
      return Error::invalid_input("poll must be an object with options");
    federation::outbox::PollInput p;
    p.options = list_param(poll, "options");
    p.multiple = bool_param(poll, "multiple").value_or(false);
    auto ends = time_field(poll, "ends_at");
    if (!ends)
      return std::move(ends).error();
    p.end_time = *ends;
    in.poll = std::move(p);
  }
  if (params.contains("event") && !params["event"].is_null()) {
    const json& event = params["event"];
    if (!event.is_object())
      return Error::invalid_input("event must be an object with starts_at");
    federation::outbox::EventInput e;
    auto starts = time_field(event, "starts_at");
    if (!starts)
      return std::move(starts).error();
    if (!*starts)
      return Error::invalid_input("an event needs starts_at");
    e.start_time = **starts;
    auto ends = time_field(event, "ends_at");
    if (!ends)
      return std::move(ends).error();
    e.end_time = *ends;
    e.location_name = string_param(event, "location_name");
    e.location_address = string_param(event, "location_address");
    in.event = std::move(e);
  }
  return {};
}

Response post_thread(Call& call) {
  const Id community = path_id(call).value();
  federation::outbox::ThreadInput in;
  if (auto ok = poll_and_event(call.params, in); !ok)
    return from_error(ok.error());
  in.title = string_param(call.params, "title").value_or("");
  if (auto ok = text_params(call.params, in); !ok)
    return from_error(ok.error());
  in.is_question = bool_param(call.params, "question").value_or(false);
  if (auto summary = string_param(call.params, "summary"); summary && !summary->empty())
    in.summary = *summary;
  in.sensitive = bool_param(call.params, "sensitive").value_or(false) || in.summary;
  if (auto link = string_param(call.params, "url"); link && !link->empty())
    in.link = *link;
  auto post = call.ctx.communities.post_thread(call.me(), community, in);
  if (!post)
    return from_error(post.error());
  return post_response(call, post->id);
}

// The comments of a thread as a tree, oldest first at each level.
json comment_tree(Tx& tx, const Call& call, const storage::Post& thread, bool can_manage,
                  bool& truncated) {
  std::vector<storage::Post> comments;
  storage::PageRequest page{.limit = 200, .oldest_first = true};
  for (;;) {
    auto batch = tx.posts().list_thread(thread.id, page).value();
    for (auto& c : batch)
      comments.push_back(std::move(c));
    if (batch.size() < page.limit || comments.size() >= kMaxTreeComments)
      break;
    page.after = comments.back().id;
  }
  truncated = comments.size() > kMaxTreeComments;
  if (truncated)
    comments.resize(kMaxTreeComments);
  // Children by parent, in id (time) order; built bottom-up so each node holds its replies.
  std::map<Id, std::vector<const storage::Post*>> children;
  for (const auto& c : comments)
    children[c.parent_id.value_or(thread.id)].push_back(&c);
  std::function<json(Id)> replies_of = [&](Id parent) {
    json out = json::array();
    auto it = children.find(parent);
    if (it == children.end())
      return out;
    for (const storage::Post* c : it->second) {
      json node =
          comment_json(tx, call.app().urls, *c, call.me(), can_manage, thread.accepted_answer_id);
      node["replies"] = replies_of(c->id);
      out.push_back(std::move(node));
    }
    return out;
  };
  return replies_of(thread.id);
}

Response get_thread(Call& call) {
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto post = call.ctx.communities.readable_post(tx, call.me(), id);
    if (!post)
      return std::move(post).error();
    if (!post->is_thread())
      return Error::not_found("Record not found");
    const auto group = tx.communities().get(*post->community_id).value();
    const bool can_manage = call.ctx.communities.standing(tx, call.me(), group).value().can_manage;
    if (post->removed_at && !can_manage)
      return Error::not_found("Record not found");
    auto summary = tx.community_queries().thread(id, call.me());
    if (!summary)
      return std::move(summary).error();
    json out = thread_json(tx, call.ctx, *summary, call.me(), can_manage, true);
    bool truncated = false;
    out["comments"] = comment_tree(tx, call, *post, can_manage, truncated);
    out["comments_truncated"] = truncated;
    return out;
  });
}

Response mark_read(Call& call) {
  const Id id = path_id(call).value();
  return write_json(call, [&](Tx& tx) -> Result<json> {
    auto post = call.ctx.communities.readable_post(tx, call.me(), id);
    if (!post)
      return std::move(post).error();
    auto at = tx.community_queries().mark_read(call.me(), id);
    if (!at)
      return std::move(at).error();
    return json{{"read_at", core::format_rfc3339(*at)}};
  });
}

Response post_comment(Call& call) {
  const Id parent = path_id(call).value();
  federation::outbox::CommentInput in;
  if (auto ok = text_params(call.params, in); !ok)
    return from_error(ok.error());
  auto post = call.ctx.communities.comment(call.me(), parent, in);
  if (!post)
    return from_error(post.error());
  return post_response(call, post->id);
}

Response edit_post(Call& call) {
  const Id id = path_id(call).value();
  federation::outbox::EditInput in;
  if (auto ok = text_params(call.params, in); !ok)
    return from_error(ok.error());
  in.title = string_param(call.params, "title");
  auto post = call.ctx.communities.edit(call.me(), id, in);
  if (!post)
    return from_error(post.error());
  return post_response(call, id);
}

Response delete_post(Call& call) {
  const Id id = path_id(call).value();
  if (auto deleted = call.ctx.communities.delete_post(call.me(), id); !deleted)
    return from_error(deleted.error());
  return Response::json(200, json::object());
}

Response history(Call& call) {
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto post = call.ctx.communities.readable_post(tx, call.me(), id);
    if (!post)
      return std::move(post).error();
    if (post->deleted_at || post->removed_at)
      return Error::not_found("Record not found");
    json out = json::array();
    auto revisions = tx.posts().revisions(id);
    if (!revisions)
      return std::move(revisions).error();
    auto version = [](const std::optional<std::string>& title,
                      const std::optional<std::string>& body, const std::string& html,
                      core::TimePoint at, bool current) {
      return json{{"title", title ? json(*title) : json(nullptr)},
                  {"body", body ? json(*body) : json(nullptr)},
                  {"body_html", html},
                  {"edited_at", core::format_rfc3339(at)},
                  {"current", current}};
    };
    for (const auto& r : *revisions)
      out.push_back(version(r.title, r.content_source, r.content_html, r.edited_at, false));
    out.push_back(version(post->title, post->content_source, post->content_html,
                          post->updated_at.value_or(post->published_at), true));
    return out;
  });
}

Result<storage::ReactionKind> reaction_params(const json& params, std::string& emoji) {
  const auto kind = string_param(params, "kind").value_or("");
  storage::ReactionKind out{};
  if (!storage::parse(kind, out))
    return Error::invalid_input("kind must be like, dislike or emoji");
  if (out == storage::ReactionKind::emoji) {
    emoji = string_param(params, "emoji").value_or("");
    if (emoji.empty())
      return Error::invalid_input("emoji is required for kind emoji");
  }
  return out;
}

Response react(Call& call, bool add) {
  const Id id = path_id(call).value();
  std::string emoji;
  auto kind = reaction_params(call.params, emoji);
  if (!kind)
    return from_error(kind.error());
  auto done = add ? call.ctx.communities.react(call.me(), id, *kind, emoji)
                  : call.ctx.communities.unreact(call.me(), id, *kind, emoji);
  if (!done)
    return from_error(done.error());
  return read_json(call, [&](Tx& tx) -> Result<json> { return reactions_json(tx, id, call.me()); });
}

// Q&A: POST marks the comment {id} as its question's accepted answer, DELETE clears it; the
// answer is the question thread.
Response choose_answer(Call& call, bool chosen) {
  const Id id = path_id(call).value();
  if (auto done = call.ctx.communities.choose_answer(call.me(), id, chosen); !done)
    return from_error(done.error());
  auto comment = call.app().db.read([&](Tx& tx) { return tx.posts().get(id); });
  if (!comment)
    return from_error(comment.error());
  return post_response(call, comment->thread_id);
}

Response vote(Call& call) {
  const Id id = path_id(call).value();
  const auto choices = list_param(call.params, "choices");
  if (choices.empty())
    return api_error(422, "choices names at least one option");
  if (auto done = call.ctx.communities.vote(call.me(), id, choices); !done)
    return from_error(done.error());
  return post_response(call, id);
}

Response rsvp(Call& call, bool answer) {
  const Id id = path_id(call).value();
  std::optional<storage::RsvpStatus> status;
  if (answer) {
    storage::RsvpStatus parsed{};
    if (!storage::parse(string_param(call.params, "status").value_or(""), parsed))
      return api_error(422, "status must be going, maybe or not_going");
    status = parsed;
  }
  if (auto done = call.ctx.communities.rsvp(call.me(), id, status); !done)
    return from_error(done.error());
  return post_response(call, id);
}

Response report(Call& call) {
  const Id id = path_id(call).value();
  const auto reason = string_param(call.params, "reason").value_or("");
  if (reason.empty())
    return api_error(422, "reason is required");
  if (auto reported = call.ctx.communities.report(call.me(), id, reason); !reported)
    return from_error(reported.error());
  return Response::json(200, json::object());
}

}  // namespace

void register_community_threads(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable t{router, ctx};
  const std::string base = kCommunityApi;
  const auto read = user_scope("read");
  const auto write = user_scope("write");
  t.add(Verb::get, base + "/communities/{id}/threads", "community_threads", read,
        community_threads);
  t.add(Verb::post, base + "/communities/{id}/threads", "community_thread_create", write,
        post_thread);
  t.add(Verb::get, base + "/home", "community_home", read, home);
  t.add(Verb::get, base + "/threads/{id}", "community_thread", read, get_thread);
  t.add(Verb::post, base + "/threads/{id}/read", "community_thread_read", write, mark_read);
  t.add(Verb::post, base + "/posts/{id}/comments", "community_comment", write, post_comment);
  t.add(Verb::patch, base + "/posts/{id}", "community_post_edit", write, edit_post);
  t.add(Verb::delete_, base + "/posts/{id}", "community_post_delete", write, delete_post);
  t.add(Verb::get, base + "/posts/{id}/history", "community_post_history", read, history);
  t.add(Verb::post, base + "/posts/{id}/reactions", "community_react", write,
        [](Call& call) { return react(call, true); });
  t.add(Verb::delete_, base + "/posts/{id}/reactions", "community_unreact", write,
        [](Call& call) { return react(call, false); });
  t.add(Verb::post, base + "/posts/{id}/report", "community_report", write, report);
  t.add(Verb::post, base + "/posts/{id}/accept", "community_accept_answer", write,
        [](Call& call) { return choose_answer(call, true); });
  t.add(Verb::delete_, base + "/posts/{id}/accept", "community_unaccept_answer", write,
        [](Call& call) { return choose_answer(call, false); });
  t.add(Verb::post, base + "/posts/{id}/votes", "community_poll_vote", write, vote);
  t.add(Verb::post, base + "/posts/{id}/rsvp", "community_rsvp", write,
        [](Call& call) { return rsvp(call, true); });
  t.add(Verb::delete_, base + "/posts/{id}/rsvp", "community_rsvp_withdraw", write,
        [](Call& call) { return rsvp(call, false); });
}

}  // namespace guildhall::server::api
