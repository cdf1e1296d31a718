#include "entities.hpp"

#include <algorithm>

#include "guildhall/content/html.hpp"
#include "guildhall/core/id.hpp"
#include "guildhall/federation/attachments.hpp"

#include "scopes.hpp"
#include "support.hpp"

namespace guildhall::server::api {

namespace {

using core::to_string_id;
using storage::Actor;
using storage::Id;
using storage::Post;
using storage::Tx;

bool is_tag_char(unsigned char c) {
  return std::isalnum(c) || c == '_' || c >= 0x80;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Hashtags of a post, lowercased, in order of appearance, without duplicates.
std::vector<std::string> hashtags_of(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '#' || (i > 0 && (is_tag_char(static_cast<unsigned char>(text[i - 1])) ||
                                     text[i - 1] == '&' || text[i - 1] == '/')))
      continue;
    std::size_t end = i + 1;
    while (end < text.size() && is_tag_char(static_cast<unsigned char>(text[end])))
      ++end;
    const auto name = text.substr(i + 1, end - i - 1);
    if (!name.empty() &&
        !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      std::string tag = lower_ascii(name);
      if (std::find(out.begin(), out.end(), tag) == out.end())
        out.push_back(std::move(tag));
    }
    i = end - 1;
  }
  return out;
}

std::string tag_url(const federation::Urls& urls, std::string_view tag) {
  return urls.origin() + "/tags/" + url_encode(lower_ascii(tag));
}

std::string default_image(const federation::Urls& urls, std::string_view kind) {
  return urls.origin() + "/" + std::string(kind) + "/original/missing.png";
}

std::string media_type_of(const storage::Attachment& a) {
  const std::string type = a.media_type.value_or("");
  if (type.starts_with("image/"))
    return "image";
  if (type.starts_with("video/"))
    return "video";
  if (type.starts_with("audio/"))
    return "audio";
  return "unknown";
}

json dimensions_json(int width, int height) {
  return {{"width", width},
          {"height", height},
          {"size", std::to_string(width) + "x" + std::to_string(height)},
          {"aspect", static_cast<double>(width) / height}};
}

std::int64_t favourites_of(Tx& tx, Id post_id) {
  std::int64_t n = 0;
  const std::vector<storage::ReactionCount> counts = tx.reactions().counts(post_id).value();
  for (const auto& c : counts)
    if (c.kind == storage::ReactionKind::like)
      n += c.count;
  return n;
}

bool favourited_by(Tx& tx, Id post_id, Id viewer) {
  const auto mine = tx.reactions().list_by_actor(post_id, viewer).value();
  return std::any_of(mine.begin(), mine.end(),
                     [](const auto& r) { return r.kind == storage::ReactionKind::like; });
}

std::string profile_url(const federation::Urls& urls, const Actor& actor) {
  return actor.url.value_or(actor.is_local() ? urls.user_profile(actor.handle) : actor.ap_id);
}

json mentions_json(Tx& tx, const federation::Urls& urls, Id post_id) {
  json out = json::array();
  const std::vector<Id> mentioned = tx.client_api().mentions(post_id).value();
  for (Id id : mentioned) {
    auto actor = tx.actors().get(id);
    if (!actor)
      continue;
    out.push_back({{"id", to_string_id(actor->id)},
                   {"username", actor->handle},
                   {"acct", acct_of(*actor)},
                   {"url", profile_url(urls, *actor)}});
  }
  return out;
}

}  // namespace

json attachment_json(const storage::Attachment& a, const std::string& id, bool local) {
  json meta = json::object();
  if (a.width && a.height && *a.width > 0 && *a.height > 0)
    meta["original"] = dimensions_json(*a.width, *a.height);
  if (a.focus_x && a.focus_y)
    meta["focus"] = {{"x", *a.focus_x}, {"y", *a.focus_y}};
  const std::string type = media_type_of(a);
  json preview = nullptr;
  if (a.preview_url)
    preview = *a.preview_url;
  else if (type == "image")
    preview = a.url;
  return {{"id", id},
          {"type", type},
          {"url", a.url},
          {"preview_url", preview},
          {"remote_url", local ? json(nullptr) : json(a.url)},
          {"preview_remote_url", nullptr},
          {"text_url", nullptr},
          {"meta", meta},
          {"description", a.description ? json(*a.description) : json(nullptr)},
          {"blurhash", a.blurhash ? json(*a.blurhash) : json(nullptr)}};
}

json media_json(const federation::Urls& urls, const storage::Media& media) {
  json out = attachment_json(federation::attachment_of(urls, media), to_string_id(media.id), true);
  if (media.preview_width && media.preview_height && *media.preview_width > 0 &&
      *media.preview_height > 0)
    out["meta"]["small"] = dimensions_json(*media.preview_width, *media.preview_height);
  return out;
}

std::string acct_of(const Actor& actor) {
  if (actor.is_local())
    return actor.handle;
  return actor.handle + "@" + *actor.domain;
}

std::string plain_text_to_html(std::string_view text) {
  if (text.empty())
    return "";
  std::string out = "<p>";
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) == "\n\n") {
      out += "</p><p>";
      while (i < text.size() && text[i] == '\n')
        ++i;
      continue;
    }
    if (text[i] == '\n')
      out += "<br>";
    else
      out += content::escape_html(text.substr(i, 1));
    ++i;
  }
  return out + "</p>";
}

std::string link_hashtags(std::string_view html, const federation::Urls& urls) {
  return content::rewrite_outside_links(
      html, [&](std::string_view text, std::size_t i) -> std::optional<content::TextReplacement> {
        const bool boundary = i == 0 || (!is_tag_char(static_cast<unsigned char>(text[i - 1])) &&
                                         text[i - 1] != '&' && text[i - 1] != '/');
        if (text[i] != '#' || !boundary)
          return std::nullopt;
        std::size_t end = i + 1;
        while (end < text.size() && is_tag_char(static_cast<unsigned char>(text[end])))
          ++end;
        const auto name = text.substr(i + 1, end - i - 1);
        if (name.empty() ||
            std::all_of(name.begin(), name.end(), [](char d) { return d >= '0' && d <= '9'; }))
          return std::nullopt;
        return content::TextReplacement{"<a href=\"" + content::escape_html(tag_url(urls, name)) +
                                            "\" class=\"mention hashtag\" rel=\"tag\">#<span>" +
                                            std::string(name) + "</span></a>",
                                        end - i};
      });
}

json account_json(Tx& tx, const federation::Urls& urls, const Actor& actor) {
  const bool group = actor.kind == storage::ActorKind::group;
  std::int64_t followers = 0;
  bool locked = actor.manually_approves_followers;
  if (group) {
    // A community: its members are its followers, and joins that need approval make it locked.
    auto community = tx.communities().get(actor.id);
    followers = community ? community->member_count : 0;
    locked = community && community->community.join_policy == storage::JoinPolicy::approval;
  } else {
    followers = tx.follows().count_followers(actor.id).value();
  }
  const auto last = tx.client_api().last_post_at(actor.id).value();
  const std::string avatar = actor.icon_url.value_or(default_image(urls, "avatars"));
  const std::string header = actor.header_url.value_or(default_image(urls, "headers"));
  const std::string url = profile_url(urls, actor);
  return {
      {"id", to_string_id(actor.id)},
      {"username", actor.handle},
      {"acct", acct_of(actor)},
      {"display_name", actor.display_name.value_or("")},
      {"locked", locked},
      {"bot",
       actor.kind == storage::ActorKind::service || actor.kind == storage::ActorKind::application},
      {"group", group},
      {"discoverable", true},
      {"indexable", true},
      {"noindex", false},
      {"hide_collections", false},
      {"created_at", core::format_rfc3339(actor.created_at)},
      {"note", actor.summary_html.value_or("")},
      {"url", url},
      {"uri", actor.ap_id},
      {"avatar", avatar},
      {"avatar_static", avatar},
      {"header", header},
      {"header_static", header},
      {"followers_count", followers},
      {"following_count", tx.follows().count_following(actor.id).value()},
      {"statuses_count", tx.client_api().count_posts_by_author(actor.id).value()},
      {"last_status_at", last ? json(core::format_rfc3339(*last).substr(0, 10)) : json(nullptr)},
      {"emojis", json::array()},
      {"fields", json::array()},
      {"roles", json::array()},
  };
}

json credential_account_json(Tx& tx, const federation::Urls& urls, const storage::LocalUser& user) {
  json account = account_json(tx, urls, user.actor);
  const auto pending =
      tx.follows().followers(user.actor.id, storage::FollowState::pending, {.limit = 200}).value();
  account["source"] = {
      {"privacy", "public"},          {"sensitive", false},
      {"language", user.user.locale}, {"note", user.actor.summary_source.value_or("")},
      {"fields", json::array()},      {"follow_requests_count", pending.size()}};
  account["role"] = {{"id", user.user.is_admin ? "3" : "-99"},
                     {"name", user.user.is_admin ? "Admin" : ""},
                     {"color", ""},
                     {"permissions", user.user.is_admin ? "1" : "0"},
                     {"highlighted", user.user.is_admin}};
  return account;
}

json poll_json(Tx& tx, const Post& post, std::optional<Id> viewer) {
  auto poll = tx.polls().get(post.id);
  if (!poll) {
    if (poll.error().kind == core::ErrorKind::not_found)
      return nullptr;
    throw core::ErrorException(poll.error());
  }
  const bool expired = poll->end_time && *poll->end_time <= tx.now();
  // hide_totals: counts for the author only until the poll ends, as Mastodon does.
  const bool hidden = poll->hide_totals && !expired && viewer != post.author_id;
  std::int64_t votes_count = 0;
  json options = json::array();
  for (const auto& o : poll->options) {
    votes_count += o.votes;
    options.push_back({{"title", o.name}, {"votes_count", hidden ? json(nullptr) : json(o.votes)}});
  }
  json out = {
      {"id", to_string_id(post.id)},
      {"expires_at", poll->end_time ? json(core::format_rfc3339(*poll->end_time)) : json(nullptr)},
      {"expired", expired},
      {"multiple", poll->multiple},
      {"votes_count", votes_count},
      {"voters_count", poll->voters_count},
      {"options", options},
      {"emojis", json::array()},
  };
  if (viewer) {
    const std::vector<storage::PollVote> mine = tx.polls().votes_of(post.id, *viewer).value();
    json own = json::array();
    for (const auto& v : mine)
      own.push_back(v.position);
    out["voted"] = !own.empty() || *viewer == post.author_id;
    out["own_votes"] = std::move(own);
  }
  return out;
}

json status_json(Tx& tx, const federation::Urls& urls, const Post& post, std::optional<Id> viewer,
                 bool with_source) {
  const Actor author = tx.actors().get(post.author_id).value();
  std::optional<Id> reply_to_account;
  if (post.parent_id) {
    auto parent = tx.posts().get(*post.parent_id);
    if (parent)
      reply_to_account = parent->author_id;
  }
  json attachments = json::array();
  for (const auto& a : post.attachments)
    attachments.push_back(
        attachment_json(a,
                        a.media_id ? to_string_id(*a.media_id)
                                   : to_string_id(post.id) + "-" + std::to_string(a.position),
                        post.is_local));
  json tags = json::array();
  for (const auto& tag : hashtags_of(post.content_source ? std::string_view(*post.content_source)
                                                         : std::string_view(post.content_html)))
    tags.push_back({{"name", tag}, {"url", tag_url(urls, tag)}});
  std::string content = link_hashtags(post.content_html, urls);
  if (post.title && !post.title->empty())  // a community thread: its title leads
    content = "<p><strong>" + content::escape_html(*post.title) + "</strong></p>" + content;
  if (post.link_url) {  // a link post's link, as text (no preview card)
    const std::string link = content::escape_html(*post.link_url);
    content += "<p><a href=\"" + link + "\" rel=\"nofollow noopener\" target=\"_blank\">" + link +
               "</a></p>";
  }

  json status = {
      {"id", to_string_id(post.id)},
      {"uri", post.ap_id},
      {"url", post.url.value_or(post.ap_id)},
      {"created_at", core::format_rfc3339(post.published_at)},
      {"account", account_json(tx, urls, author)},
      {"content", content},
      {"visibility", storage::to_string(post.visibility)},
      {"sensitive", post.sensitive},
      {"spoiler_text", post.summary.value_or("")},
      {"media_attachments", attachments},
      {"mentions", mentions_json(tx, urls, post.id)},
      {"tags", tags},
      {"emojis", json::array()},
      {"reblogs_count", tx.client_api().count_reblogs(post.id).value()},
      {"favourites_count", favourites_of(tx, post.id)},
      {"replies_count", tx.client_api().count_replies(post.id).value()},
      {"in_reply_to_id", post.parent_id ? json(to_string_id(*post.parent_id)) : json(nullptr)},
      {"in_reply_to_account_id",
       reply_to_account ? json(to_string_id(*reply_to_account)) : json(nullptr)},
      {"reblog", nullptr},
      {"poll", poll_json(tx, post, viewer)},
      {"card", nullptr},
      {"language", post.language ? json(*post.language) : json(nullptr)},
      {"edited_at", post.updated_at ? json(core::format_rfc3339(*post.updated_at)) : json(nullptr)},
      {"application", nullptr},
      {"filtered", json::array()},
  };
  if (viewer) {
    status["favourited"] = favourited_by(tx, post.id, *viewer);
    status["reblogged"] = tx.client_api().is_reblogged(*viewer, post.id).value();
    status["muted"] = false;
    status["bookmarked"] = tx.client_api().is_bookmarked(*viewer, post.id).value();
    // Only one's own posts can be pinned (to one's profile).
    status["pinned"] =
        post.author_id == *viewer && tx.client_api().is_pinned_to_profile(*viewer, post.id).value();
  }
  if (with_source)
    status["text"] = post.content_source.value_or(content::html_to_plain_text(post.content_html));
  return status;
}

json reblog_json(Tx& tx, const federation::Urls& urls, Id id, const Actor& booster,
                 const Post& post, std::optional<Id> viewer) {
  json inner = status_json(tx, urls, post, viewer);
  std::string uri = post.ap_id;
  storage::TimePoint at = post.published_at;
  if (auto boost = tx.client_api().get_reblog(id); boost) {
    uri = boost->ap_id;
    at = boost->created_at;
  }
  json status = inner;
  status["id"] = to_string_id(id);
  status["uri"] = uri;
  status["url"] = nullptr;
  status["created_at"] = core::format_rfc3339(at);
  status["account"] = account_json(tx, urls, booster);
  status["content"] = "";
  status["spoiler_text"] = "";
  status["media_attachments"] = json::array();
  status["mentions"] = json::array();
  status["tags"] = json::array();
  status["in_reply_to_id"] = nullptr;
  status["in_reply_to_account_id"] = nullptr;
  status["edited_at"] = nullptr;
  status["reblog"] = std::move(inner);
  return status;
}

json relationship_json(Tx& tx, Id me, Id other) {
  bool follows_accepted = false;
  bool requested = false;
  bool followed = false;
  bool requested_by = false;
  if (auto community = tx.communities().get(other); community) {
    // Following a community is being its member: pending until a manager approves.
    if (auto membership = tx.memberships().get(other, me); membership) {
      follows_accepted = membership->state == storage::MemberState::accepted;
      requested = membership->state == storage::MemberState::pending;
    }
  } else {
    const auto following = tx.follows().get(me, other);
    const auto followed_by = tx.follows().get(other, me);
    follows_accepted = following.ok() && following->state == storage::FollowState::accepted;
    requested = following.ok() && following->state == storage::FollowState::pending;
    followed = followed_by.ok() && followed_by->state == storage::FollowState::accepted;
    requested_by = followed_by.ok() && followed_by->state == storage::FollowState::pending;
  }
  return {{"id", to_string_id(other)},
          {"following", follows_accepted},
          {"showing_reblogs", follows_accepted || requested},
          {"notifying", false},
          {"languages", nullptr},
          {"followed_by", followed},
          {"blocking", false},
          {"blocked_by", false},
          {"muting", false},
          {"muting_notifications", false},
          {"muting_expires_at", nullptr},
          {"requested", requested},
          {"requested_by", requested_by},
          {"domain_blocking", false},
          {"endorsed", false},
          {"note", ""}};
}

json application_json(const storage::OAuthApp& app) {
  std::string redirect_uri;
  for (const auto& uri : app.redirect_uris)
    redirect_uri += (redirect_uri.empty() ? "" : "\n") + uri;
  return {{"id", to_string_id(app.id)},
          {"name", app.name},
          {"website", app.website ? json(*app.website) : json(nullptr)},
          {"scopes", app.scopes},
          {"redirect_uri", redirect_uri},
          {"redirect_uris", app.redirect_uris},
          {"vapid_key", ""}};
}

bool is_hashtag_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::optional<std::string> hashtag_name(std::string_view text) {
  if (text.starts_with('#'))
    text.remove_prefix(1);
  if (text.empty() || text.size() > 100 || !std::all_of(text.begin(), text.end(), is_hashtag_char))
    return std::nullopt;
  return lower_ascii(text);
}

json tag_json(const federation::Urls& urls, std::string_view name) {
  return {{"name", name},
          {"url", tag_url(urls, name)},
          {"history", json::array()},
          {"following", false}};
}

bool has_hashtag(std::string_view text, std::string_view tag) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string needle = "#" + std::string(tag);
  for (auto pos = lowered.find(needle); pos != std::string::npos;
       pos = lowered.find(needle, pos + 1)) {
    const auto end = pos + needle.size();
    if ((pos == 0 || !is_hashtag_char(lowered[pos - 1])) &&
        (end >= lowered.size() || !is_hashtag_char(lowered[end])))
      return true;
  }
  return false;
}

bool post_has_hashtag(const Post& post, std::string_view tag) {
  if (tag.starts_with('#'))
    tag.remove_prefix(1);
  return has_hashtag(post.content_source.value_or(post.content_html), lower_ascii(tag));
}

}  // namespace guildhall::server::api
