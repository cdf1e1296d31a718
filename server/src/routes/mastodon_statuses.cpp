// Mastodon API: statuses (post, edit, delete, thread context, favourites, bookmarks) and the
// timelines. What federates goes through federation::outbox::People, the path the CLI uses too.
#include <algorithm>
#include <deque>

#include "guildhall/content/html.hpp"
#include "guildhall/core/id.hpp"
#include "guildhall/federation/attachments.hpp"

#include "../api/endpoint.hpp"
#include "../api/entities.hpp"
#include "../api/lists.hpp"

namespace guildhall::server::api {

namespace {

using core::Error;
using core::Result;
using http::Response;
using http::Verb;
using storage::Id;
using storage::Post;
using storage::Tx;

// An Idempotency-Key replays its status for this long (Mastodon: one hour).
constexpr auto kIdempotencyWindow = std::chrono::hours(1);
constexpr std::size_t kMaxContextPosts = 400;
constexpr std::size_t kMaxMentions = 20;  // bounds the WebFinger look-ups one status causes

Response status_response(Call& call, Id post_id, bool with_source = false) {
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto post = live_post(tx, call.reader(), post_id);
    if (!post)
      return std::move(post).error();
    return status_json(tx, call.app().urls, *post, call.viewer(), with_source);
  });
}

// The parts of a status body Guildhall supports; refuses (422) what it would silently drop.
Result<federation::outbox::NoteInput> note_input(const Call& call) {
  federation::outbox::NoteInput note;
  note.markdown = string_param(call.params, "status").value_or("");
  auto media_ids = id_list_param(call.params, "media_ids");
  if (!media_ids)
    return std::move(media_ids).error();
  note.media_ids = std::move(*media_ids);
  if (note.markdown.empty() && (!note.media_ids || note.media_ids->empty()))
    return Error::invalid_input("Validation failed: Text can't be blank");
  if (note.media_ids && note.media_ids->size() > federation::kMaxAttachments)
    return Error::invalid_input("Validation failed: You can attach at most 4 files");
  auto poll = poll_param(call.params, core::SystemClock::instance().now());
  if (!poll)
    return std::move(poll).error();
  note.poll = std::move(*poll);
  if (note.poll && note.media_ids && !note.media_ids->empty())
    return Error::invalid_input("Validation failed: a status with a poll cannot have media");
  if (auto scheduled = string_param(call.params, "scheduled_at"); scheduled && !scheduled->empty())
    return Error::invalid_input("Scheduled statuses are not supported yet");
  if (auto visibility = string_param(call.params, "visibility"); visibility && !visibility->empty())
    if (!storage::parse(*visibility, note.visibility))
      return Error::invalid_input("Validation failed: Visibility is not included in the list");
  if (auto spoiler = string_param(call.params, "spoiler_text"); spoiler && !spoiler->empty())
    note.summary = *spoiler;
  if (auto language = string_param(call.params, "language"); language && !language->empty()) {
    if (language->size() > 35)
      return Error::invalid_input("language must be an ISO 639 code");
    note.language = *language;
  }
  note.sensitive = bool_param(call.params, "sensitive").value_or(false) || note.summary;
  return note;
}

bool mention_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// `@name` and `@name@host` as written in a status, in order, without duplicates.
std::vector<std::string> written_mentions(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@' || (i > 0 && (mention_char(text[i - 1]) || text[i - 1] == '@' ||
                                     text[i - 1] == '/' || text[i - 1] == '.')))
      continue;
    std::size_t end = i + 1;
    while (end < text.size() && mention_char(text[end]))
      ++end;
    if (end == i + 1)
      continue;
    if (end + 1 < text.size() && text[end] == '@' && mention_char(text[end + 1])) {
      std::size_t host_end = end + 1;
      while (host_end < text.size() &&
             (mention_char(text[host_end]) || text[host_end] == '-' || text[host_end] == ':' ||
              (text[host_end] == '.' && host_end + 1 < text.size() &&
               mention_char(text[host_end + 1]))))
        ++host_end;
      end = host_end;
    }
    std::string mention(text.substr(i, end - i));
    if (std::find(out.begin(), out.end(), mention) == out.end() && out.size() < kMaxMentions)
      out.push_back(std::move(mention));
    i = end - 1;
  }
  return out;
}

struct Mentioned {
  std::string written;
  storage::Actor actor;
  std::optional<storage::CommunityView> community;  // a group account
};

// The accounts a status mentions that exist (remote ones through WebFinger); unknown ones stay
// plain text, as on Mastodon.
std::vector<Mentioned> resolve_mentions(Call& call, std::string_view text) {
  std::vector<Mentioned> out;
  for (const auto& written : written_mentions(text)) {
    auto acct = parse_acct(call.app(), written);
    if (!acct)
      continue;
    auto actor = find_account(call, *acct, true);
    if (!actor)
      continue;
    std::optional<storage::CommunityView> community;
    if (actor->kind == storage::ActorKind::group) {
      auto found = call.app().db.read([&](Tx& tx) { return tx.communities().get(actor->id); });
      if (!found)
        continue;
      community = std::move(*found);
    }
    out.push_back({written, std::move(*actor), std::move(community)});
  }
  return out;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// A status mentioning a group posts a thread into its community: the first line without the
// mention is the title, the rest the body.
Result<Post> post_into_community(Call& call, const Mentioned& group,
                                 const federation::outbox::NoteInput& note) {
  const std::string& text = note.markdown;
  const auto newline = text.find('\n');
  std::string first_line = text.substr(0, newline);
  for (auto pos = first_line.find(group.written); pos != std::string::npos;
       pos = first_line.find(group.written))
    first_line.erase(pos, group.written.size());
  const std::string title = content::derive_title_from_text(trimmed(first_line), 200);
  if (title.empty())
    return Error::invalid_input("A post into a community needs a title on its first line");
  std::string body = newline == std::string::npos ? "" : trimmed(text.substr(newline + 1));
  if (body.empty())
    body = title;
  if (note.poll && note.poll->hide_totals)
    return Error::invalid_input(
        "A community's poll shows its totals: hide_totals is not supported");
  const federation::outbox::ThreadInput thread{
      .title = title,
      .markdown = body,
      .language = note.language,
      .is_question = false,
      .summary = note.summary,
      .sensitive = note.sensitive,
      .poll = note.poll,
      .media_ids = note.media_ids.value_or(std::vector<Id>{})};
  // CommunityService routes it: the group engine here, or the group's own server.
  return call.ctx.communities.post_thread(call.me(), group.actor.id, thread);
}

// A reply in a community's thread is a comment there.
Result<Post> comment_in_community(Call& call, const Post& parent,
                                  const federation::outbox::NoteInput& note) {
  if (note.poll)
    return Error::invalid_input("A poll in a community is a thread of its own, not a comment");
  const federation::outbox::CommentInput comment{
      .markdown = note.markdown,
      .language = note.language,
      .media_ids = note.media_ids.value_or(std::vector<Id>{})};
  return call.ctx.communities.comment(call.me(), parent.id, comment);
}

Response create_status(Call& call) {
  auto note = note_input(call);
  if (!note)
    return api_error(422, note.error().message);
  const auto key = call.req.header("Idempotency-Key");
  if (key && (key->empty() || key->size() > 200))
    return api_error(422, "Idempotency-Key must be 1 to 200 characters");
  if (key) {
    const std::string k(*key);
    auto earlier = call.app().db.read([&](Tx& tx) {
      return tx.client_api().idempotent_post(call.me(), k, tx.now() - kIdempotencyWindow);
    });
    if (!earlier)
      return from_error(earlier.error());
    if (*earlier)
      return status_response(call, **earlier);
  }
  std::optional<Post> parent;
  if (auto reply_to = string_param(call.params, "in_reply_to_id"); reply_to && !reply_to->empty()) {
    Id parent_id = 0;
    if (!core::parse_id(*reply_to, parent_id))
      return api_error(404, "Record not found");
    auto live = call.app().db.read([&](Tx& tx) { return live_post(tx, call.reader(), parent_id); });
    if (!live)
      return from_error(live.error());
    note->in_reply_to = live->id;
    parent = std::move(*live);
  }
  const auto mentioned = resolve_mentions(call, note->markdown);
  const auto group = std::find_if(mentioned.begin(), mentioned.end(),
                                  [](const Mentioned& m) { return m.community.has_value(); });
  Result<Post> post = Error::internal("not posted");
  const bool for_some = note->visibility == storage::PostVisibility::private_ ||
                        note->visibility == storage::PostVisibility::direct;
  if (for_some && ((parent && parent->community_id) || (!parent && group != mentioned.end())))
    return api_error(422,
                     "Validation failed: a post into a community is read by the community; "
                     "followers-only and direct visibility are not possible there");
  if (parent && parent->community_id) {
    post = comment_in_community(call, *parent, *note);
  } else if (!parent && group != mentioned.end()) {
    post = post_into_community(call, *group, *note);
  } else {
    for (const auto& m : mentioned)
      if (!m.community && m.actor.id != call.me())
        note->mentions.push_back(m.actor.id);
    post = call.ctx.people.publish_note(call.me(), *note);
  }
  if (!post)
    return from_error(post.error());
  if (key) {
    const std::string k(*key);
    auto remembered = call.app().db.transact(
        [&](Tx& tx) { return tx.client_api().remember_idempotent_post(call.me(), k, post->id); });
    if (!remembered)
      return from_error(remembered.error());
  }
  return status_response(call, post->id);
}

Response get_status(Call& call) {
  const Id id = path_id(call).value();
  return status_response(call, id);
}

// Mastodon 4.3's `GET /api/v1/statuses?id[]=`: the readable ones, in the order asked; unknown
// and hidden ids are left out.
Response get_statuses(Call& call) {
  return listed_by_ids(call, [&](Tx& tx, Id id, const std::string&) -> Result<std::optional<json>> {
    auto post = live_post(tx, call.reader(), id);
    if (!post)
      return std::optional<json>();
    return std::optional<json>(status_json(tx, call.app().urls, *post, call.viewer()));
  });
}

Response get_tag(Call& call) {
  const auto name = hashtag_name(call.req.param("name"));
  if (!name)
    return api_error(404, "Record not found");
  return Response::json(200, tag_json(call.app().urls, *name));
}

Response delete_status(Call& call) {
  const Id id = path_id(call).value();
  // Serialized before the tombstone clears it: clients offer delete-and-redraft with `text`.
  auto before = call.app().db.read([&](Tx& tx) -> Result<json> {
    auto post = live_post(tx, call.reader(), id);
    if (!post)
      return std::move(post).error();
    if (post->author_id != call.me())
      return Error::not_found("Record not found");
    return status_json(tx, call.app().urls, *post, call.viewer(), true);
  });
  if (!before)
    return from_error(before.error());
  if (auto deleted = call.ctx.people.delete_note(call.me(), id); !deleted)
    return from_error(deleted.error());
  return Response::json(200, *before);
}

// An edit keeps the poll: clients send it back unchanged, anything else is refused (Mastodon
// would reset the votes).
Result<void> unchanged_poll(Call& call, const Post& post,
                            const std::optional<federation::outbox::PollInput>& asked) {
  if (!asked)
    return {};
  auto poll = call.app().db.read([&](Tx& tx) { return tx.polls().get(post.id); });
  if (!poll && poll.error().kind != core::ErrorKind::not_found)
    return std::move(poll).error();
  if (poll && poll->multiple == asked->multiple && poll->options.size() == asked->options.size() &&
      std::equal(asked->options.begin(), asked->options.end(), poll->options.begin(),
                 [](const std::string& a, const storage::PollOption& b) { return a == b.name; }))
    return {};
  return Error::invalid_input("Changing or adding a poll in an edit is not supported");
}

Response edit_status(Call& call) {
  const Id id = path_id(call).value();
  auto note = note_input(call);
  if (!note)
    return api_error(422, note.error().message);
  auto own = call.app().db.read([&](Tx& tx) -> Result<Post> {
    auto post = live_post(tx, call.reader(), id);
    if (post && post->author_id != call.me())
      return Error::not_found("Record not found");
    return post;
  });
  if (!own)
    return from_error(own.error());
  // Mastodon keeps a status's audience on an edit; clients may send it back unchanged.
  if (auto given = string_param(call.params, "visibility");
      given && !given->empty() && note->visibility != own->visibility)
    return api_error(422, "Validation failed: the visibility of a status cannot be changed");
  if (auto kept = unchanged_poll(call, *own, note->poll); !kept)
    return from_error(kept.error());
  note->in_reply_to = own->parent_id;
  for (const auto& m : resolve_mentions(call, note->markdown))
    if (!m.community && m.actor.id != call.me())
      note->mentions.push_back(m.actor.id);
  if (auto edited = call.ctx.people.edit_note(call.me(), id, *note); !edited)
    return from_error(edited.error());
  return status_response(call, id);
}

Response status_source(Call& call) {
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto post = live_post(tx, call.reader(), id);
    if (!post)
      return std::move(post).error();
    return json{{"id", core::to_string_id(post->id)},
                {"text", post->content_source.value_or("")},
                {"spoiler_text", post->summary.value_or("")}};
  });
}

Response status_history(Call& call) {
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto post = live_post(tx, call.reader(), id);
    if (!post)
      return std::move(post).error();
    auto author = tx.actors().get(post->author_id);
    if (!author)
      return std::move(author).error();
    const json account = account_json(tx, call.app().urls, *author);
    const auto entry = [&](const std::string& html, storage::TimePoint at) {
      return json{{"content", link_hashtags(html, call.app().urls)},
                  {"spoiler_text", post->summary.value_or("")},
                  {"sensitive", post->sensitive},
                  {"created_at", core::format_rfc3339(at)},
                  {"account", account},
                  {"poll", nullptr},
                  {"media_attachments", json::array()},
                  {"emojis", json::array()}};
    };
    auto revisions = tx.posts().revisions(post->id);
    if (!revisions)
      return std::move(revisions).error();
    // Each revision holds a replaced version; it was current from the previous replacement on.
    json out = json::array();
    storage::TimePoint since = post->published_at;
    for (const auto& r : *revisions) {
      out.push_back(entry(r.content_html, since));
      since = r.edited_at;
    }
    out.push_back(entry(post->content_html, post->updated_at.value_or(post->published_at)));
    return out;
  });
}

// Whether the caller may read a post (the Reader rule); an error reads as no.
bool readable(Tx& tx, const Call& call, Id post_id) {
  auto may = tx.client_api().post_readable(call.reader(), post_id);
  return may && *may;
}

Response status_context(Call& call) {
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto post = live_post(tx, call.reader(), id);
    if (!post)
      return std::move(post).error();
    json ancestors = json::array();
    std::vector<Post> chain;
    std::optional<Id> parent = post->parent_id;
    while (parent && chain.size() < kMaxContextPosts) {
      auto p = tx.posts().get(*parent);
      if (!p)
        break;
      parent = p->parent_id;
      if (!p->deleted_at && !p->removed_at && readable(tx, call, p->id))
        chain.push_back(std::move(*p));
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
      ancestors.push_back(status_json(tx, call.app().urls, *it, call.viewer()));
    // Descendants depth first, each reply followed by its own replies (the order clients show).
    json descendants = json::array();
    std::vector<Post> stack;
    auto first = tx.client_api().replies(post->id);
    if (!first)
      return std::move(first).error();
    std::reverse(first->begin(), first->end());
    stack = std::move(*first);
    std::size_t emitted = 0;
    while (!stack.empty() && emitted < kMaxContextPosts) {
      Post next = std::move(stack.back());
      stack.pop_back();
      if (!readable(tx, call, next.id))
        continue;  // nor its replies, as on Mastodon
      descendants.push_back(status_json(tx, call.app().urls, next, call.viewer()));
      ++emitted;
      auto children = tx.client_api().replies(next.id);
      if (!children)
        return std::move(children).error();
      for (auto it = children->rbegin(); it != children->rend(); ++it)
        stack.push_back(std::move(*it));
    }
    return json{{"ancestors", ancestors}, {"descendants", descendants}};
  });
}

// favourite/unfavourite/bookmark/unbookmark: act, then answer the status as the caller sees it.
Response interact(Call& call, const std::function<Result<void>(Id post_id)>& act) {
  const Id id = path_id(call).value();
  auto live = call.app().db.read([&](Tx& tx) { return live_post(tx, call.reader(), id); });
  if (!live)
    return from_error(live.error());
  if (auto done = act(live->id); !done)  // a boost's id acts on the boosted post
    return from_error(done.error());
  return status_response(call, live->id);
}

Response favourite(Call& call) {
  return interact(call, [&](Id post) { return call.ctx.people.like(call.me(), post); });
}

Response unfavourite(Call& call) {
  return interact(call, [&](Id post) { return call.ctx.people.unlike(call.me(), post); });
}

Response pin(Call& call) {
  return interact(call,
                  [&](Id post) { return call.ctx.people.set_profile_pin(call.me(), post, true); });
}

Response unpin(Call& call) {
  return interact(call,
                  [&](Id post) { return call.ctx.people.set_profile_pin(call.me(), post, false); });
}

Response bookmark(Call& call) {
  return interact(call, [&](Id post) {
    return call.app().db.transact(
        [&](Tx& tx) { return tx.client_api().add_bookmark(call.me(), post); });
  });
}

Response unbookmark(Call& call) {
  return interact(call, [&](Id post) {
    return call.app().db.transact(
        [&](Tx& tx) { return tx.client_api().remove_bookmark(call.me(), post); });
  });
}

// Answers the boost as Mastodon does: a status by the caller whose `reblog` is the post.
Response reblog(Call& call) {
  const Id id = path_id(call).value();
  auto live = call.app().db.read([&](Tx& tx) { return live_post(tx, call.reader(), id); });
  if (!live)
    return from_error(live.error());
  auto boost = call.ctx.people.reblog(call.me(), live->id);
  if (!boost)
    return from_error(boost.error());
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto me = tx.actors().get(call.me());
    if (!me)
      return std::move(me).error();
    auto post = live_post(tx, call.reader(), boost->post_id);
    if (!post)
      return std::move(post).error();
    return reblog_json(tx, call.app().urls, boost->id, *me, *post, call.viewer());
  });
}

Response unreblog(Call& call) {
  return interact(call, [&](Id post) -> Result<void> {
    auto done = call.ctx.people.unreblog(call.me(), post);
    if (!done && done.error().kind == core::ErrorKind::not_found)
      return {};  // not boosted: nothing to undo
    return done;
  });
}

Response favourited_by(Call& call) {
  const Id id = path_id(call).value();
  return accounts_page(
      call,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, Id>>> {
        if (auto post = live_post(tx, call.reader(), id); !post)
          return std::move(post).error();
        auto rows = tx.reactions().list_for_post(id, page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<Id, Id>> out;
        for (const auto& r : *rows)
          if (r.kind == storage::ReactionKind::like)
            out.emplace_back(r.id, r.actor_id);
        return out;
      });
}

Response reblogged_by(Call& call) {
  const Id id = path_id(call).value();
  return accounts_page(
      call,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, Id>>> {
        auto post = live_post(tx, call.reader(), id);
        if (!post)
          return std::move(post).error();
        return tx.client_api().reblogged_by(post->id, page);
      });
}

// Posts, people's boosts and the threads of the caller's communities, boosted by the community.
Response home_timeline(Call& call) {
  return paged_response(
      call, 20, 40,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        auto entries = tx.client_api().home_timeline(call.me(), page);
        if (!entries)
          return std::move(entries).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& e : *entries) {
          if (!e.reblogged_by) {
            out.emplace_back(e.cursor, status_json(tx, call.app().urls, e.post, call.viewer()));
            continue;
          }
          auto booster = account_actor(tx, *e.reblogged_by);
          out.emplace_back(e.cursor, booster ? reblog_json(tx, call.app().urls, e.cursor, *booster,
                                                           e.post, call.viewer())
                                             : json(nullptr));
        }
        return out;
      });
}

storage::PublicScope public_scope(const Call& call) {
  if (bool_param(call.params, "local").value_or(false))
    return storage::PublicScope::local;
  if (bool_param(call.params, "remote").value_or(false))
    return storage::PublicScope::remote;
  return storage::PublicScope::all;
}

// `only_media`: posts with attachments only.
PostFilter media_filter(const Call& call) {
  if (!bool_param(call.params, "only_media").value_or(false))
    return {};
  return [](Tx&, const Post& p) { return !p.attachments.empty(); };
}

Response public_timeline(Call& call) {
  const auto scope = public_scope(call);
  return statuses_page(
      call,
      [&](Tx& tx, const storage::PageRequest& page) {
        return tx.client_api().public_timeline(scope, call.reader(), page);
      },
      media_filter(call));
}

Response tag_timeline(Call& call) {
  const auto name = hashtag_name(call.req.param("hashtag"));
  if (!name)
    return Response::json(200, json::array());
  const std::string& tag = *name;
  const auto scope = public_scope(call);
  // Candidates contain "#tag" (with `any[]`, any "#"); whole-word matches only, so a page may
  // hold fewer than `limit`. `any[]` widens to posts with one of those tags instead, `all[]` and
  // `none[]` narrow down.
  const auto any = list_param(call.params, "any");
  const auto all = list_param(call.params, "all");
  const auto none = list_param(call.params, "none");
  const auto only_media = media_filter(call);
  return statuses_page(
      call,
      [&](Tx& tx, const storage::PageRequest& page) {
        return tx.client_api().posts_containing(any.empty() ? "#" + tag : "#", scope, call.reader(),
                                                page);
      },
      [&](Tx& tx, const Post& p) {
        const auto tagged = [&](const std::string& other) { return post_has_hashtag(p, other); };
        return (tagged(tag) || std::any_of(any.begin(), any.end(), tagged)) &&
               std::all_of(all.begin(), all.end(), tagged) &&
               std::none_of(none.begin(), none.end(), tagged) && (!only_media || only_media(tx, p));
      });
}

}  // namespace

void register_mastodon_statuses(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable table{router, ctx};
  table.add(Verb::post, "/api/v1/statuses", "api_statuses_create", user_scope("write:statuses"),
            create_status);
  table.add(Verb::get, "/api/v1/statuses", "api_statuses_list", public_access(), get_statuses);
  table.add(Verb::get, "/api/v1/statuses/{id}", "api_statuses_get", public_access(), get_status);
  table.add(Verb::delete_, "/api/v1/statuses/{id}", "api_statuses_delete",
            user_scope("write:statuses"), delete_status);
  table.add(Verb::put, "/api/v1/statuses/{id}", "api_statuses_edit", user_scope("write:statuses"),
            edit_status);
  table.add(Verb::get, "/api/v1/statuses/{id}/source", "api_statuses_source",
            user_scope("read:statuses"), status_source);
  table.add(Verb::get, "/api/v1/statuses/{id}/history", "api_statuses_history", public_access(),
            status_history);
  table.add(Verb::get, "/api/v1/statuses/{id}/context", "api_statuses_context", public_access(),
            status_context);
  table.add(Verb::post, "/api/v1/statuses/{id}/favourite", "api_statuses_favourite",
            user_scope("write:favourites"), favourite);
  table.add(Verb::post, "/api/v1/statuses/{id}/unfavourite", "api_statuses_unfavourite",
            user_scope("write:favourites"), unfavourite);
  table.add(Verb::post, "/api/v1/statuses/{id}/bookmark", "api_statuses_bookmark",
            user_scope("write:bookmarks"), bookmark);
  table.add(Verb::post, "/api/v1/statuses/{id}/unbookmark", "api_statuses_unbookmark",
            user_scope("write:bookmarks"), unbookmark);
  table.add(Verb::post, "/api/v1/statuses/{id}/pin", "api_statuses_pin",
            user_scope("write:accounts"), pin);
  table.add(Verb::post, "/api/v1/statuses/{id}/unpin", "api_statuses_unpin",
            user_scope("write:accounts"), unpin);
  table.add(Verb::post, "/api/v1/statuses/{id}/reblog", "api_statuses_reblog",
            user_scope("write:statuses"), reblog);
  table.add(Verb::post, "/api/v1/statuses/{id}/unreblog", "api_statuses_unreblog",
            user_scope("write:statuses"), unreblog);
  // No link previews are made: an honest 404, which clients read as "no card".
  table.add(Verb::get, "/api/v1/statuses/{id}/card", "api_statuses_card", public_access(),
            [](Call&) { return api_error(404, "Record not found"); });
  table.add(Verb::get, "/api/v1/statuses/{id}/favourited_by", "api_statuses_favourited_by",
            public_access(), favourited_by);
  table.add(Verb::get, "/api/v1/statuses/{id}/reblogged_by", "api_statuses_reblogged_by",
            public_access(), reblogged_by);
  table.add(Verb::get, "/api/v1/timelines/home", "api_timelines_home", user_scope("read:statuses"),
            home_timeline);
  table.add(Verb::get, "/api/v1/timelines/public", "api_timelines_public", public_access(),
            public_timeline);
  table.add(Verb::get, "/api/v1/tags/{name}", "api_tags_get", public_access(), get_tag);
  table.add(Verb::get, "/api/v1/timelines/tag/{hashtag}", "api_timelines_tag", public_access(),
            tag_timeline);
}

void register_mastodon(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  register_mastodon_accounts(router, ctx);
  register_mastodon_statuses(router, ctx);
  register_mastodon_conversations(router, ctx);
  register_mastodon_streaming(router, ctx);
  register_admin_api(router, ctx);
  register_mastodon_media(router, ctx);
  register_mastodon_polls(router, ctx);
}

}  // namespace guildhall::server::api
