// Mastodon API: the instance documents, accounts (profile, follows, relationships, lookup and
// search with WebFinger resolution), per-user client state (markers, preferences, bookmarks) and
// the honest empty answers for what Guildhall does not have yet (docs/api.md).
#include <charconv>

#include "guildhall/core/id.hpp"
#include "guildhall/federation/attachments.hpp"
#include "guildhall/federation/polls.hpp"
#include "guildhall/server/admin.hpp"
#include "guildhall/server/password.hpp"

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
using storage::Tx;

std::string version_string() {
  return std::string("4.2.0 (compatible; Guildhall ") + GUILDHALL_VERSION + ")";
}

std::string streaming_origin(const AppContext& app) {
  const std::string& origin = app.urls.origin();
  return origin.starts_with("https://") ? "wss://" + origin.substr(8) : "ws://" + origin.substr(7);
}

json limits_configuration(const media::Limits& media) {
  return {{"statuses",
           {{"max_characters", 5000},
            {"max_media_attachments", federation::kMaxAttachments},
            {"characters_reserved_per_url", 23}}},
          {"media_attachments",
           {{"supported_mime_types", media::supported_content_types()},
            {"image_size_limit", media.max_image_bytes},
            {"image_matrix_limit", media.max_pixels},
            {"video_size_limit", media.max_file_bytes},
            {"video_frame_rate_limit", 120},
            {"video_matrix_limit", media.max_pixels},
            {"description_limit", 1500}}},
          {"polls",
           {{"max_options", federation::polls::kMaxOptions},
            {"max_characters_per_option", kMaxPollOptionCharacters},
            {"min_expiration", kMinPollExpirySeconds},
            {"max_expiration", kMaxPollExpirySeconds}}}};
}

// The configuration with the admins' edits (admin API); the configuration alone if unreadable.
InstanceProfile instance_profile_of(const AppContext& app) {
  auto edited = app.db.read([](Tx& tx) { return tx.instance_settings().get(); });
  return instance_profile(edited ? *edited : storage::InstanceSettings{}, app.config);
}

Response instance_v1(Call& call) {
  const AppContext& app = call.app();
  auto users = app.db.read([](Tx& tx) { return tx.users().count(); });
  const InstanceProfile profile = instance_profile_of(app);
  return Response::json(
      200, json{{"uri", app.urls.host()},
                {"title", profile.title},
                {"short_description", profile.description},
                {"description", profile.description},
                {"email", profile.contact_email},
                {"version", version_string()},
                {"urls", {{"streaming_api", streaming_origin(app)}}},
                {"stats",
                 {{"user_count", users ? *users : 0}, {"status_count", 0}, {"domain_count", 0}}},
                {"thumbnail", nullptr},
                {"languages", {"en"}},
                {"registrations", profile.registrations != "closed"},
                {"approval_required", profile.registrations == "approval"},
                {"invites_enabled", false},
                {"translation", {{"enabled", false}}},
                {"configuration", limits_configuration(call.ctx.media.limits())},
                {"contact_account", nullptr},
                {"rules", json::array()}});
}

Response instance_v2(Call& call) {
  const AppContext& app = call.app();
  json configuration = limits_configuration(call.ctx.media.limits());
  configuration["urls"] = {{"streaming", streaming_origin(app)}};
  configuration["vapid"] = {{"public_key", ""}};
  configuration["accounts"] = {{"max_featured_tags", 0},
                               {"max_pinned_statuses", federation::outbox::People::kMaxProfilePins},
                               {"max_profile_fields", 0}};
  configuration["translation"] = {{"enabled", false}};
  const InstanceProfile profile = instance_profile_of(app);
  return Response::json(200,
                        json{{"domain", app.urls.host()},
                             {"title", profile.title},
                             {"version", version_string()},
                             {"source_url", "https://github.com/guildhall/guildhall"},
                             {"description", profile.description},
                             {"usage", {{"users", {{"active_month", 0}}}}},
                             {"thumbnail", {{"url", app.urls.origin() + "/thumbnail.png"}}},
                             {"icon", json::array()},
                             {"languages", {"en"}},
                             {"configuration", configuration},
                             {"registrations",
                              {{"enabled", profile.registrations != "closed"},
                               {"approval_required", profile.registrations == "approval"},
                               {"message", nullptr},
                               {"url", nullptr}}},
                             {"contact", {{"email", profile.contact_email}, {"account", nullptr}}},
                             {"rules", json::array()},
                             {"api_versions", {{"mastodon", 1}}}});
}

Response empty_list(Call&) {
  return Response::json(200, json::array());
}

Response verify_credentials(Call& call) {
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto user = tx.users().get(call.me());
    if (!user)
      return std::move(user).error();
    return credential_account_json(tx, call.app().urls, *user);
  });
}

Response update_credentials(Call& call) {
  storage::ActorUpdate update;
  if (auto name = string_param(call.params, "display_name")) {
    if (name->size() > 100)
      return api_error(422, "display_name may have at most 100 characters");
    update.display_name = name->empty() ? std::optional<std::string>() : *name;
  }
  if (auto note = string_param(call.params, "note")) {
    if (note->size() > 2000)
      return api_error(422, "note may have at most 2000 characters");
    update.summary_source = std::optional<std::string>(*note);
    update.summary_html = std::optional<std::string>(plain_text_to_html(*note));
  }
  if (auto locked = bool_param(call.params, "locked"))
    update.manually_approves_followers = *locked;
  // avatar and header: images, processed (cropped square, shrunk to a banner) and stored first;
  // the profile then points at them.
  for (const auto& [field, purpose] : {std::pair{"avatar", storage::MediaPurpose::avatar},
                                       std::pair{"header", storage::MediaPurpose::header}}) {
    auto file = uploaded_file(call.req, field);
    if (!file)
      continue;
    auto stored =
        call.ctx.media.store(call.app().db, call.me(), {.bytes = file->bytes, .purpose = purpose});
    if (!stored)
      return from_error(stored.error());
    const std::string url = call.app().urls.media(stored->file_name);
    if (purpose == storage::MediaPurpose::avatar)
      update.icon_url = std::optional<std::string>(url);
    else
      update.header_url = std::optional<std::string>(url);
  }
  if (auto updated = call.ctx.people.update_profile(call.me(), update); !updated)
    return from_error(updated.error());
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto user = tx.users().get(call.me());
    if (!user)
      return std::move(user).error();
    return credential_account_json(tx, call.app().urls, *user);
  });
}

// DELETE /api/v1/profile/avatar and …/header (Mastodon 4.2): the profile shows none again;
// followers learn it from the Update(Person) like any profile change.
Response remove_profile_image(Call& call, storage::MediaPurpose purpose) {
  storage::ActorUpdate update;
  if (purpose == storage::MediaPurpose::avatar)
    update.icon_url = std::optional<std::string>();
  else
    update.header_url = std::optional<std::string>();
  if (auto updated = call.ctx.people.update_profile(call.me(), update); !updated)
    return from_error(updated.error());
  return verify_credentials(call);
}

Response get_account(Call& call) {
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto actor = account_actor(tx, id);
    if (!actor)
      return std::move(actor).error();
    return account_json(tx, call.app().urls, *actor);
  });
}

// A person's profile pins, a group's pinned threads (its moderators pin them); no paging (a
// handful at most), as on Mastodon.
Response pinned_statuses(Call& call, Id id) {
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto actor = account_actor(tx, id);
    if (!actor)
      return std::move(actor).error();
    std::vector<Id> pinned;
    if (actor->kind == storage::ActorKind::group) {
      // Without a cursor the listing starts with every pinned thread.
      auto threads = tx.posts().list_community_threads(id, {.limit = 1});
      if (!threads)
        return std::move(threads).error();
      for (const auto& t : *threads)
        if (t.pinned)
          pinned.push_back(t.id);
    } else {
      auto pins = tx.client_api().profile_pins(id);
      if (!pins)
        return std::move(pins).error();
      pinned = std::move(*pins);
    }
    json out = json::array();
    for (const Id post_id : pinned)
      if (auto post = live_post(tx, call.reader(), post_id))
        out.push_back(status_json(tx, call.app().urls, *post, call.viewer()));
    return out;
  });
}

Response account_statuses(Call& call) {
  const Id id = path_id(call).value();
  if (bool_param(call.params, "pinned").value_or(false))
    return pinned_statuses(call, id);
  const bool exclude_replies = bool_param(call.params, "exclude_replies").value_or(false);
  const bool only_media = bool_param(call.params, "only_media").value_or(false);
  const std::string tagged = string_param(call.params, "tagged").value_or("");
  return statuses_page(
      call,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<storage::Post>> {
        auto actor = account_actor(tx, id);
        if (!actor)
          return std::move(actor).error();
        // A group account's feed is its community's threads.
        return actor->kind == storage::ActorKind::group
                   ? tx.posts().list_community_threads(id, page)
                   : tx.posts().list_by_author(id, page);
      },
      [&](Tx& tx, const storage::Post& p) {
        if (p.deleted_at || p.removed_at || (exclude_replies && p.parent_id) ||
            (only_media && p.attachments.empty()) ||
            (!tagged.empty() && !post_has_hashtag(p, tagged)))
          return false;
        auto readable = tx.client_api().post_readable(call.reader(), p.id);
        return readable && *readable;
      });
}

Response follow_list(Call& call, bool followers) {
  const Id id = path_id(call).value();
  return accounts_page(
      call,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, Id>>> {
        auto rows = followers ? tx.follows().followers(id, storage::FollowState::accepted, page)
                              : tx.follows().following(id, storage::FollowState::accepted, page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<Id, Id>> out;
        for (const auto& f : *rows)
          out.emplace_back(f.id, followers ? f.follower_id : f.followee_id);
        return out;
      });
}

Response relationship_response(Call& call, Id other) {
  return read_json(call,
                   [&](Tx& tx) -> Result<json> { return relationship_json(tx, call.me(), other); });
}

// The community behind a group account, if `actor` is one.
Result<std::optional<storage::CommunityView>> community_of(Call& call,
                                                           const storage::Actor& actor) {
  if (actor.kind != storage::ActorKind::group)
    return std::optional<storage::CommunityView>{};
  auto community = call.app().db.read([&](Tx& tx) { return tx.communities().get(actor.id); });
  if (!community)
    return std::move(community).error();
  return std::optional<storage::CommunityView>(std::move(*community));
}

// Following a group account joins its community (pending while a manager must approve);
// unfollowing leaves it. CommunityService routes it: hosted here, the group engine; elsewhere, a
// Follow to the group.
Result<void> join(Call& call, const storage::CommunityView& community) {
  auto joined = call.ctx.communities.join(call.me(), community.actor.id);
  if (!joined && joined.error().kind != core::ErrorKind::already_exists)
    return std::move(joined).error();
  return {};
}

Result<void> leave(Call& call, const storage::CommunityView& community) {
  auto left = call.ctx.communities.leave(call.me(), community.actor.id);
  if (!left && left.error().kind != core::ErrorKind::not_found)
    return left;
  return {};
}

Response follow(Call& call) {
  const Id id = path_id(call).value();
  auto target = call.app().db.read([&](Tx& tx) { return account_actor(tx, id); });
  if (!target)
    return from_error(target.error());
  auto community = community_of(call, *target);
  if (!community)
    return from_error(community.error());
  if (*community) {
    if (auto joined = join(call, **community); !joined)
      return from_error(joined.error());
    return relationship_response(call, id);
  }
  if (id == call.me())
    return api_error(422, "You cannot follow yourself");
  auto followed = call.ctx.people.follow(call.me(), id);
  if (!followed && followed.error().kind != core::ErrorKind::already_exists)
    return from_error(followed.error());
  return relationship_response(call, id);
}

Response unfollow(Call& call) {
  const Id id = path_id(call).value();
  auto target = call.app().db.read([&](Tx& tx) { return account_actor(tx, id); });
  if (!target)
    return from_error(target.error());
  auto community = community_of(call, *target);
  if (!community)
    return from_error(community.error());
  if (*community) {
    if (auto left = leave(call, **community); !left)
      return from_error(left.error());
    return relationship_response(call, id);
  }
  auto done = call.ctx.people.unfollow(call.me(), id);
  if (!done && done.error().kind != core::ErrorKind::not_found)
    return from_error(done.error());
  return relationship_response(call, id);
}

Response relationships(Call& call) {
  const auto ids = list_param(call.params, "id");
  return read_json(call, [&](Tx& tx) -> Result<json> {
    json out = json::array();
    for (const auto& text : ids) {
      Id id = 0;
      if (core::parse_id(text, id) && tx.actors().get(id))
        out.push_back(relationship_json(tx, call.me(), id));
    }
    return out;
  });
}

// Mastodon 4.3's `GET /api/v1/accounts?id[]=`: the known ones, in the order asked.
Response get_accounts(Call& call) {
  return listed_by_ids(call, [&](Tx& tx, Id id, const std::string&) -> Result<std::optional<json>> {
    auto actor = account_actor(tx, id);
    if (!actor)
      return std::optional<json>();
    return std::optional<json>(account_json(tx, call.app().urls, *actor));
  });
}

// For each account asked about, the people the caller follows who follow it (among its first
// kFamiliarFollowersScanned followers: enough for the "followed by" line clients show).
Response familiar_followers(Call& call) {
  constexpr std::size_t kFamiliarFollowersScanned = 200;
  constexpr std::size_t kFamiliarFollowersShown = 10;
  return listed_by_ids(
      call, [&](Tx& tx, Id id, const std::string& text) -> Result<std::optional<json>> {
        if (!account_actor(tx, id))
          return std::optional<json>();
        auto followers = tx.follows().followers(id, storage::FollowState::accepted,
                                                {.limit = kFamiliarFollowersScanned});
        if (!followers)
          return std::move(followers).error();
        json accounts = json::array();
        for (const auto& f : *followers) {
          if (accounts.size() == kFamiliarFollowersShown)
            break;
          if (f.follower_id == call.me())
            continue;
          auto mine = tx.follows().get(call.me(), f.follower_id);
          if (!mine || mine->state != storage::FollowState::accepted)
            continue;
          if (auto actor = account_actor(tx, f.follower_id))
            accounts.push_back(account_json(tx, call.app().urls, *actor));
        }
        return std::optional<json>(json{{"id", text}, {"accounts", std::move(accounts)}});
      });
}

Response lookup(Call& call) {
  auto acct = parse_acct(call.app(), string_param(call.params, "acct").value_or(""));
  if (!acct)
    return from_error(Error::not_found("Record not found"));
  auto actor = find_account(call, *acct, true);
  if (!actor)
    return from_error(actor.error());
  return read_json(
      call, [&](Tx& tx) -> Result<json> { return account_json(tx, call.app().urls, *actor); });
}

// Accounts matching q: an exact acct (resolved when asked) first, then local prefix matches.
Result<std::vector<storage::Actor>> search_accounts(Call& call, const std::string& q, bool resolve,
                                                    std::size_t limit) {
  std::vector<storage::Actor> out;
  if (auto acct = parse_acct(call.app(), q)) {
    if (auto exact = find_account(call, *acct, resolve && call.caller.has_value()))
      out.push_back(std::move(*exact));
  }
  std::string text = q.starts_with("@") ? q.substr(1) : q;
  if (text.find('@') != std::string::npos || text.empty())
    return out;
  auto found =
      call.app().db.read([&](Tx& tx) { return tx.client_api().search_actors(text, limit); });
  if (!found)
    return std::move(found).error();
  for (auto& a : *found)
    if (out.empty() || out.front().id != a.id)
      out.push_back(std::move(a));
  if (out.size() > limit)
    out.resize(limit);
  return out;
}

std::size_t limit_param(const Call& call, std::size_t fallback, std::size_t max) {
  auto page = page_params(call.params, fallback, max);
  return page ? page->page.limit : fallback;
}

Response account_search(Call& call) {
  const auto q = string_param(call.params, "q").value_or("");
  auto found = search_accounts(call, q, bool_param(call.params, "resolve").value_or(false),
                               limit_param(call, 40, 80));
  if (!found)
    return from_error(found.error());
  return read_json(call, [&](Tx& tx) -> Result<json> {
    json out = json::array();
    for (const auto& a : *found)
      out.push_back(account_json(tx, call.app().urls, a));
    return out;
  });
}

// The text part of a search: the hashtag `q` names when a readable post carries it, and the
// readable posts whose text contains `q`, newest first, `offset` skipped.
Result<void> search_posts(Call& call, Tx& tx, const std::string& q, const std::string& type,
                          std::size_t limit, json& out) {
  constexpr std::size_t kMaxOffset = 200;
  if (type.empty() || type == "hashtags") {
    if (const auto tag = hashtag_name(q)) {
      auto tagged = tx.client_api().posts_containing("#" + *tag, storage::PublicScope::all,
                                                     call.reader(), {.limit = 20});
      if (!tagged)
        return std::move(tagged).error();
      if (std::any_of(tagged->begin(), tagged->end(),
                      [&](const storage::Post& p) { return post_has_hashtag(p, *tag); }))
        out["hashtags"].push_back(tag_json(call.app().urls, *tag));
    }
  }
  if ((!type.empty() && type != "statuses") || q.size() < 2)
    return {};
  std::size_t offset = 0;
  if (const auto text = string_param(call.params, "offset"))
    std::from_chars(text->data(), text->data() + text->size(), offset);
  offset = std::min(offset, kMaxOffset);
  auto posts = tx.client_api().posts_containing(q, storage::PublicScope::all, call.reader(),
                                                {.limit = limit + offset});
  if (!posts)
    return std::move(posts).error();
  for (std::size_t i = offset; i < posts->size(); ++i)
    out["statuses"].push_back(status_json(tx, call.app().urls, (*posts)[i], call.viewer()));
  return {};
}

Response search_v2(Call& call) {
  const auto q = string_param(call.params, "q").value_or("");
  const auto type = string_param(call.params, "type").value_or("");
  const bool resolve = bool_param(call.params, "resolve").value_or(false);
  const std::size_t limit = limit_param(call, 20, 40);
  json out{{"accounts", json::array()}, {"statuses", json::array()}, {"hashtags", json::array()}};
  if (q.empty())
    return Response::json(200, out);
  const bool is_url = q.starts_with("https://") || q.starts_with("http://");
  if ((type.empty() || type == "accounts") && !is_url) {
    auto found = search_accounts(call, q, resolve, limit);
    if (!found)
      return from_error(found.error());
    auto accounts = call.app().db.read([&](Tx& tx) -> Result<json> {
      json list = json::array();
      for (const auto& a : *found)
        list.push_back(account_json(tx, call.app().urls, a));
      return list;
    });
    if (!accounts)
      return from_error(accounts.error());
    out["accounts"] = *accounts;
  }
  if (is_url) {
    auto known = call.app().db.read([&](Tx& tx) -> Result<json> {
      json result{{"accounts", json::array()}, {"statuses", json::array()}};
      if (auto post = tx.posts().get_by_ap_id(q); post && live_post(tx, call.reader(), post->id))
        result["statuses"].push_back(status_json(tx, call.app().urls, *post, call.viewer()));
      else if (auto actor = tx.actors().get_by_ap_id(q); actor && account_actor(tx, actor->id))
        result["accounts"].push_back(account_json(tx, call.app().urls, *actor));
      return result;
    });
    if (!known)
      return from_error(known.error());
    if (known->at("accounts").empty() && known->at("statuses").empty() && resolve && call.caller) {
      if (auto actor = call.app().federation.actors().get(q)) {
        auto account = call.app().db.read([&](Tx& tx) -> Result<json> {
          auto live = account_actor(tx, actor->id);
          if (!live)
            return std::move(live).error();
          return account_json(tx, call.app().urls, *live);
        });
        if (account)
          (*known)["accounts"].push_back(*account);
      }
    }
    out["accounts"] = known->at("accounts");
    out["statuses"] = known->at("statuses");
    return Response::json(200, out);
  }
  auto found = call.app().db.read(
      [&](Tx& tx) -> Result<void> { return search_posts(call, tx, q, type, limit, out); });
  if (!found)
    return from_error(found.error());
  return Response::json(200, out);
}

Response preferences(Call&) {
  return Response::json(200, json{{"posting:default:visibility", "public"},
                                  {"posting:default:sensitive", false},
                                  {"posting:default:language", nullptr},
                                  {"reading:expand:media", "default"},
                                  {"reading:expand:spoilers", false}});
}

json markers_json(const std::vector<storage::Marker>& markers,
                  const std::vector<std::string>& wanted) {
  json out = json::object();
  for (const auto& m : markers)
    if (wanted.empty() || std::find(wanted.begin(), wanted.end(), m.timeline) != wanted.end())
      out[m.timeline] = {{"last_read_id", m.last_read_id},
                         {"version", m.version},
                         {"updated_at", core::format_rfc3339(m.updated_at)}};
  return out;
}

Response get_markers(Call& call) {
  const auto wanted = list_param(call.params, "timeline");
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto markers = tx.client_api().markers(call.me());
    if (!markers)
      return std::move(markers).error();
    return markers_json(*markers, wanted);
  });
}

Response save_markers(Call& call) {
  std::vector<std::pair<std::string, std::string>> updates;
  for (const char* timeline : {"home", "notifications"}) {
    const auto it = call.params.find(timeline);
    if (it == call.params.end() || !it->is_object())
      continue;
    auto last_read = string_param(*it, "last_read_id");
    storage::Id parsed = 0;
    if (!last_read || !core::parse_id(*last_read, parsed))
      return api_error(422, std::string(timeline) + "[last_read_id] must be an id");
    updates.emplace_back(timeline, *last_read);
  }
  if (updates.empty())
    return api_error(422, "give home[last_read_id] or notifications[last_read_id]");
  return write_json(call, [&](Tx& tx) -> Result<json> {
    std::vector<storage::Marker> saved;
    for (const auto& [timeline, id] : updates) {
      auto m = tx.client_api().save_marker(call.me(), timeline, id);
      if (!m)
        return std::move(m).error();
      saved.push_back(*m);
    }
    return markers_json(saved, {});
  });
}

// Communities hosted here that the caller manages (owner or moderator): their join requests are
// the caller's follow requests too.
Result<std::vector<Id>> managed_communities(Tx& tx, Id me) {
  auto memberships =
      tx.memberships().list_for_actor(me, storage::MemberState::accepted, {.limit = 200});
  if (!memberships)
    return std::move(memberships).error();
  std::vector<Id> out;
  for (const auto& m : *memberships) {
    if (m.role == storage::MemberRole::member)
      continue;
    auto community = tx.communities().get(m.community_id);
    if (community && community->actor.is_local())
      out.push_back(m.community_id);
  }
  return out;
}

// People asking to follow the caller, and to join the communities the caller manages, newest
// first, paged by the follow or membership row.
Response follow_requests(Call& call) {
  return accounts_page(
      call,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, Id>>> {
        auto rows = tx.follows().followers(call.me(), storage::FollowState::pending, page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<Id, Id>> out;
        for (const auto& f : *rows)
          out.emplace_back(f.id, f.follower_id);
        auto communities = managed_communities(tx, call.me());
        if (!communities)
          return std::move(communities).error();
        for (Id community : *communities) {
          auto pending = tx.memberships().list(community, storage::MemberState::pending, page);
          if (!pending)
            return std::move(pending).error();
          for (const auto& m : *pending)
            out.emplace_back(m.id, m.actor_id);
        }
        std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
          return page.oldest_first ? a.first < b.first : a.first > b.first;
        });
        if (out.size() > page.limit)
          out.resize(page.limit);
        return out;
      });
}

// Authorizes (or rejects) the account's follow request, else its pending joins of the
// communities the caller manages.
Response answer_follow_request(Call& call, bool accept) {
  const Id id = path_id(call).value();
  auto follows = call.app().db.read([&](Tx& tx) -> Result<bool> {
    auto follow = tx.follows().get(id, call.me());
    return follow && follow->state == storage::FollowState::pending;
  });
  if (!follows)
    return from_error(follows.error());
  std::vector<Id> joins;
  auto found = call.app().db.read([&](Tx& tx) -> Result<void> {
    auto communities = managed_communities(tx, call.me());
    if (!communities)
      return std::move(communities).error();
    for (Id community : *communities)
      if (auto m = tx.memberships().get(community, id);
          m && m->state == storage::MemberState::pending)
        joins.push_back(community);
    return {};
  });
  if (!found)
    return from_error(found.error());
  if (!*follows && joins.empty())
    return api_error(404, "Record not found");
  if (*follows) {
    auto done = accept ? call.ctx.people.accept_follower(call.me(), id)
                       : call.ctx.people.reject_follower(call.me(), id);
    if (!done)
      return from_error(done.error());
  }
  for (Id community : joins) {
    if (accept) {
      if (auto approved = call.ctx.communities.approve(call.me(), community, id); !approved)
        return from_error(approved.error());
    } else if (auto rejected = call.ctx.communities.reject(call.me(), community, id); !rejected) {
      return from_error(rejected.error());
    }
  }
  return relationship_response(call, id);
}

// Bookmarks and favourites: statuses listed by the caller's own rows (bookmark or like ids).
using OwnPostList = Result<std::vector<std::pair<Id, Id>>> (storage::ClientApiRepo::*)(
    Id, const storage::PageRequest&);

Response own_post_list(Call& call, OwnPostList list) {
  return paged_response(
      call, 20, 40,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        auto rows = (tx.client_api().*list)(call.me(), page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& [cursor, post_id] : *rows) {
          auto post = live_post(tx, call.reader(), post_id);
          out.emplace_back(cursor, post ? status_json(tx, call.app().urls, *post, call.viewer())
                                        : json(nullptr));
        }
        return out;
      });
}

// The Mastodon types Guildhall produces: what a client gets without types[].
const std::vector<std::string> kNotificationTypes = {
    "mention", "reblog", "favourite", "follow", "follow_request", "poll", "admin.report"};

// types[] minus exclude_types[], among the types Guildhall produces; Guildhall's own types only
// when named in types[] (storage::kGuildhallNotificationTypes). Empty means none match.
std::vector<std::string> notification_types(const Call& call) {
  auto wanted = list_param(call.params, "types");
  if (wanted.empty())
    wanted = kNotificationTypes;
  const auto excluded = list_param(call.params, "exclude_types");
  const auto& own = storage::kGuildhallNotificationTypes;
  std::vector<std::string> out;
  for (const auto& t : wanted)
    if ((std::find(kNotificationTypes.begin(), kNotificationTypes.end(), t) !=
             kNotificationTypes.end() ||
         std::find(own.begin(), own.end(), t) != own.end()) &&
        std::find(excluded.begin(), excluded.end(), t) == excluded.end())
      out.push_back(t);
  return out;
}

Response notifications(Call& call) {
  const auto types = notification_types(call);
  std::optional<Id> from_account;
  if (auto account = string_param(call.params, "account_id")) {
    Id parsed = 0;
    if (!core::parse_id(*account, parsed))
      return Response::json(200, json::array());
    from_account = parsed;
  }
  if (types.empty())
    return Response::json(200, json::array());
  return paged_response(
      call, 40, 80,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        auto rows = tx.client_api().notifications(call.me(), types, page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& n : *rows)
          out.emplace_back(n.id, from_account && n.from_actor_id != *from_account
                                     ? json(nullptr)
                                     : notification_json(tx, call.app().urls, n, call.viewer()));
        return out;
      });
}

Response notification(Call& call) {
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto rows = tx.client_api().notifications(call.me(), {},
                                              {.before = id + 1, .after = id - 1, .limit = 1});
    if (!rows)
      return std::move(rows).error();
    json out = rows->empty() ? json(nullptr)
                             : notification_json(tx, call.app().urls, rows->front(), call.viewer());
    if (out.is_null())
      return Error::not_found("Record not found");
    return out;
  });
}

Response dismiss_notification(Call& call) {
  const Id id = path_id(call).value();
  auto done = call.app().db.transact([&](Tx& tx) -> Result<void> {
    auto rows = tx.client_api().notifications(call.me(), {},
                                              {.before = id + 1, .after = id - 1, .limit = 1});
    if (!rows)
      return std::move(rows).error();
    if (rows->empty())
      return Error::not_found("Record not found");
    return tx.client_api().dismiss_notification(call.me(), id);
  });
  if (!done)
    return from_error(done.error());
  return Response::json(200, json::object());
}

Response clear_notifications(Call& call) {
  auto done = call.app().db.transact(
      [&](Tx& tx) { return tx.client_api().clear_notifications(call.me()); });
  if (!done)
    return from_error(done.error());
  return Response::json(200, json::object());
}

Response bookmarks(Call& call) {
  return own_post_list(call, &storage::ClientApiRepo::bookmarks);
}

Response favourites(Call& call) {
  return own_post_list(call, &storage::ClientApiRepo::favourites);
}

// Notifications newer than the notifications marker (what Tusky and Elk show as a badge), of the
// types the client would list.
Response unread_count(Call& call) {
  const auto types = notification_types(call);
  if (types.empty())
    return Response::json(200, json{{"count", 0}});
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto markers = tx.client_api().markers(call.me());
    if (!markers)
      return std::move(markers).error();
    storage::PageRequest page{.limit = 100};
    for (const auto& m : *markers) {
      Id last = 0;
      if (m.timeline == "notifications" && core::parse_id(m.last_read_id, last))
        page.after = last;
    }
    auto rows = tx.client_api().notifications(call.me(), types, page);
    if (!rows)
      return std::move(rows).error();
    return json{{"count", rows->size()}};
  });
}

Response not_found_route(Call&) {
  return api_error(404, "Record not found");
}

}  // namespace

Response extended_description(Call& call) {
  const InstanceProfile profile = instance_profile_of(call.app());
  return Response::json(
      200,
      json{{"updated_at", core::format_rfc3339(profile.updated_at.value_or(core::TimePoint{}))},
           {"content", plain_text_to_html(profile.description)}});
}

void register_mastodon_accounts(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable table{router, ctx};
  table.add(Verb::get, "/api/v1/instance/extended_description", "api_instance_description",
            public_access(), extended_description);
  // No machine translation, no weekly activity figures: honest empty answers.
  table.add(Verb::get, "/api/v1/instance/translation_languages", "api_instance_translation",
            public_access(), [](Call&) { return Response::json(200, json::object()); });
  table.add(Verb::get, "/api/v1/instance/activity", "api_instance_activity", public_access(),
            empty_list);
  // Nothing to feature, endorse or suggest (Guildhall's directory is the web app's): empty lists.
  table.add(Verb::get, "/api/v1/featured_tags", "api_featured_tags", user_scope("read:accounts"),
            empty_list);
  table.add(Verb::get, "/api/v1/accounts/{id}/featured_tags", "api_account_featured_tags",
            public_access(), empty_list);
  table.add(Verb::get, "/api/v1/accounts/{id}/lists", "api_account_lists", user_scope("read:lists"),
            empty_list);
  table.add(Verb::get, "/api/v1/endorsements", "api_endorsements", user_scope("read:accounts"),
            empty_list);
  table.add(Verb::get, "/api/v1/suggestions", "api_suggestions_v1", user_scope("read"), empty_list);
  table.add(Verb::get, "/api/v2/suggestions", "api_suggestions_v2", user_scope("read"), empty_list);
  table.add(Verb::get, "/api/v1/accounts", "api_accounts_list", public_access(), get_accounts);
  table.add(Verb::get, "/api/v1/accounts/familiar_followers", "api_familiar_followers",
            user_scope("read:follows"), familiar_followers);
  table.add(Verb::get, "/api/v1/instance", "api_instance_v1", public_access(), instance_v1);
  table.add(Verb::get, "/api/v2/instance", "api_instance_v2", public_access(), instance_v2);
  table.add(Verb::get, "/api/v1/instance/rules", "api_instance_rules", public_access(), empty_list);
  table.add(Verb::get, "/api/v1/instance/peers", "api_instance_peers", public_access(), empty_list);
  table.add(Verb::get, "/api/v1/custom_emojis", "api_custom_emojis", public_access(), empty_list);
  table.add(Verb::get, "/api/v1/announcements", "api_announcements", user_scope("read"),
            empty_list);
  table.add(Verb::get, "/api/v1/trends/tags", "api_trends_tags", public_access(), empty_list);
  table.add(Verb::get, "/api/v1/trends/statuses", "api_trends_statuses", public_access(),
            empty_list);
  table.add(Verb::get, "/api/v1/trends/links", "api_trends_links", public_access(), empty_list);
  table.add(Verb::get, "/api/v1/preferences", "api_preferences", user_scope("read:accounts"),
            preferences);
  table.add(Verb::get, "/api/v2/filters", "api_filters_v2", user_scope("read:filters"), empty_list);
  table.add(Verb::get, "/api/v1/filters", "api_filters_v1", user_scope("read:filters"), empty_list);
  table.add(Verb::get, "/api/v1/lists", "api_lists", user_scope("read:lists"), empty_list);
  table.add(Verb::get, "/api/v1/followed_tags", "api_followed_tags", user_scope("read:follows"),
            empty_list);
  table.add(Verb::get, "/api/v1/blocks", "api_blocks", user_scope("read:blocks"), empty_list);
  table.add(Verb::get, "/api/v1/mutes", "api_mutes", user_scope("read:mutes"), empty_list);
  table.add(Verb::get, "/api/v1/domain_blocks", "api_domain_blocks", user_scope("read:blocks"),
            empty_list);
  table.add(Verb::get, "/api/v1/scheduled_statuses", "api_scheduled_statuses",
            user_scope("read:statuses"), empty_list);
  table.add(Verb::get, "/api/v1/favourites", "api_favourites", user_scope("read:favourites"),
            favourites);
  table.add(Verb::get, "/api/v1/notifications", "api_notifications",
            user_scope("read:notifications"), notifications);
  table.add(Verb::get, "/api/v1/notifications/{id}", "api_notification",
            user_scope("read:notifications"), notification);
  table.add(Verb::get, "/api/v1/notifications/unread_count", "api_notifications_unread",
            user_scope("read:notifications"), unread_count);
  table.add(Verb::post, "/api/v1/notifications/{id}/dismiss", "api_notification_dismiss",
            user_scope("write:notifications"), dismiss_notification);
  table.add(Verb::post, "/api/v1/notifications/clear", "api_notifications_clear",
            user_scope("write:notifications"), clear_notifications);
  // No Web Push: clients read a 404 as "not supported".
  table.add(Verb::get, "/api/v1/push/subscription", "api_push_subscription", user_scope("push"),
            not_found_route);
  table.add(Verb::get, "/api/v1/bookmarks", "api_bookmarks", user_scope("read:bookmarks"),
            bookmarks);
  table.add(Verb::get, "/api/v1/markers", "api_markers_get", user_scope("read:statuses"),
            get_markers);
  table.add(Verb::post, "/api/v1/markers", "api_markers_save", user_scope("write:statuses"),
            save_markers);
  table.add(Verb::get, "/api/v1/follow_requests", "api_follow_requests", user_scope("read:follows"),
            follow_requests);
  table.add(Verb::post, "/api/v1/follow_requests/{id}/authorize", "api_follow_requests_authorize",
            user_scope("write:follows"),
            [](Call& call) { return answer_follow_request(call, true); });
  table.add(Verb::post, "/api/v1/follow_requests/{id}/reject", "api_follow_requests_reject",
            user_scope("write:follows"),
            [](Call& call) { return answer_follow_request(call, false); });

  table.add(Verb::get, "/api/v1/accounts/verify_credentials", "api_accounts_verify",
            Requirement{Requirement::Access::user, {"read:accounts", "profile"}},
            verify_credentials);
  table.add(Verb::patch, "/api/v1/accounts/update_credentials", "api_accounts_update",
            user_scope("write:accounts"), update_credentials,
            {.body_limit = ctx->media.upload_body_limit()});
  table.add(Verb::delete_, "/api/v1/profile/avatar", "api_profile_avatar_remove",
            user_scope("write:accounts"),
            [](Call& call) { return remove_profile_image(call, storage::MediaPurpose::avatar); });
  table.add(Verb::delete_, "/api/v1/profile/header", "api_profile_header_remove",
            user_scope("write:accounts"),
            [](Call& call) { return remove_profile_image(call, storage::MediaPurpose::header); });
  table.add(Verb::get, "/api/v1/accounts/relationships", "api_accounts_relationships",
            user_scope("read:follows"), relationships);
  table.add(Verb::get, "/api/v1/accounts/lookup", "api_accounts_lookup", public_access(), lookup);
  table.add(Verb::get, "/api/v1/accounts/search", "api_accounts_search",
            user_scope("read:accounts"), account_search);
  table.add(Verb::get, "/api/v1/accounts/{id}", "api_accounts_get", public_access(), get_account);
  table.add(Verb::get, "/api/v1/accounts/{id}/statuses", "api_accounts_statuses", public_access(),
            account_statuses);
  table.add(Verb::get, "/api/v1/accounts/{id}/followers", "api_accounts_followers", public_access(),
            [](Call& call) { return follow_list(call, true); });
  table.add(Verb::get, "/api/v1/accounts/{id}/following", "api_accounts_following", public_access(),
            [](Call& call) { return follow_list(call, false); });
  table.add(Verb::post, "/api/v1/accounts/{id}/follow", "api_accounts_follow",
            user_scope("write:follows"), follow);
  table.add(Verb::post, "/api/v1/accounts/{id}/unfollow", "api_accounts_unfollow",
            user_scope("write:follows"), unfollow);
  table.add(Verb::get, "/api/v2/search", "api_search_v2", user_scope("read:search"), search_v2);
}

}  // namespace guildhall::server::api
