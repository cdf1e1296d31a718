// Community API: the directory, communities and their settings, membership (join, leave, join
// requests, moderators, bans). Actions go through federation::CommunityService, which decides
// where the community lives; docs/api.md, "Community API".
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

template <typename E>
Result<std::optional<E>> enum_param(const json& params, std::string_view key, const char* choices) {
  auto text = string_param(params, key);
  if (!text)
    return std::optional<E>{};
  E value{};
  if (!storage::parse(*text, value))
    return Error::invalid_input(std::string(key) + " must be " + choices);
  return std::optional<E>(value);
}

// An image setting: absent leaves it, null or "" removes it, a string is its URL.
storage::Nullable<std::string> image_url_param(const json& params, std::string_view key) {
  const auto found = params.find(key);
  if (found == params.end())
    return {};
  if (found->is_null() || (found->is_string() && found->empty()))
    return std::optional<std::string>{};
  if (auto url = string_param(params, key))
    return std::optional<std::string>(*url);
  return {};
}

// The settings a request gives (create and PATCH): only the fields present.
Result<federation::outbox::CommunitySettingsInput> settings_input(const json& params) {
  federation::outbox::CommunitySettingsInput in;
  in.title = string_param(params, "title");
  in.description = string_param(params, "description");
  in.welcome = string_param(params, "welcome");
  if (params.contains("rules"))
    in.rules = list_param(params, "rules");
  if (params.contains("languages"))
    in.languages = list_param(params, "languages");
  auto visibility = enum_param<storage::CommunityVisibility>(params, "visibility",
                                                             "public, private or local_only");
  auto join = enum_param<storage::JoinPolicy>(params, "join_policy", "open or approval");
  auto posting =
      enum_param<storage::PostingPolicy>(params, "posting_policy", "members or moderators");
  if (!visibility)
    return std::move(visibility).error();
  if (!join)
    return std::move(join).error();
  if (!posting)
    return std::move(posting).error();
  in.visibility = *visibility;
  in.join_policy = *join;
  in.posting_policy = *posting;
  in.icon_url = image_url_param(params, "icon");
  in.header_url = image_url_param(params, "header");
  return in;
}

Response community_response(Call& call, Id community_id) {
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto group = call.ctx.communities.community(tx, community_id);
    if (!group)
      return std::move(group).error();
    return community_json(tx, call.ctx, *group, call.me(), true);
  });
}

Response list_communities(Call& call) {
  storage::DirectoryQuery query;
  query.viewer_id = call.me();
  query.text = string_param(call.params, "q").value_or("");
  const auto scope = string_param(call.params, "scope").value_or("all");
  if (scope == "local")
    query.scope = storage::CommunityScope::local;
  else if (scope == "remote")
    query.scope = storage::CommunityScope::remote;
  else if (scope != "all")
    return api_error(422, "scope must be all, local or remote");
  const auto membership = string_param(call.params, "membership").value_or("");
  if (membership == "joined")
    query.membership = storage::DirectoryMembership::joined;
  else if (membership == "managed")
    query.membership = storage::DirectoryMembership::managed;
  else if (!membership.empty())
    return api_error(422, "membership must be joined or managed");
  if (auto language = string_param(call.params, "language"); language && !language->empty())
    query.language = *language;
  return paged_response(
      call, 20, 40,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        query.page = page;
        auto found = tx.community_queries().directory(query);
        if (!found)
          return std::move(found).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& group : *found)
          out.emplace_back(group.actor.id, community_json(tx, call.ctx, group, call.me(), false));
        return out;
      });
}

Response resolve_community(Call& call) {
  const auto q = string_param(call.params, "q").value_or("");
  if (q.empty())
    return api_error(422, "q names a community: handle, name@host or URL");
  auto group = call.ctx.communities.find_community(q);
  if (!group)
    return from_error(group.error());
  return community_response(call, group->actor.id);
}

Response create_community(Call& call) {
  auto settings = settings_input(call.params);
  if (!settings)
    return from_error(settings.error());
  auto created = call.ctx.communities.create(
      call.me(), federation::outbox::community_input(
                     string_param(call.params, "handle").value_or(""), *settings));
  if (!created)
    return from_error(created.error());
  if (settings->icon_url && *settings->icon_url) {
    federation::outbox::CommunitySettingsInput icon;
    icon.icon_url = settings->icon_url;
    if (auto set = call.ctx.communities.update_settings(call.me(), created->actor.id, icon); !set)
      return from_error(set.error());
  }
  return community_response(call, created->actor.id);
}

Response update_community(Call& call) {
  const Id id = path_id(call).value();
  auto settings = settings_input(call.params);
  if (!settings)
    return from_error(settings.error());
  auto updated = call.ctx.communities.update_settings(call.me(), id, *settings);
  if (!updated)
    return from_error(updated.error());
  return community_response(call, id);
}

// A community's icon or banner from an upload (multipart field `file`): processed like a
// person's avatar or header and owned by the community (the cleanup keeps an owner's newest), then
// set through the settings path, which sends Update(Group). The manager's right is checked before
// anything is stored; a setting refused after all takes the stored image away again.
Response upload_community_image(Call& call, storage::MediaPurpose purpose) {
  const Id id = path_id(call).value();
  auto may = call.app().db.read([&](Tx& tx) -> Result<void> {
    auto group = call.ctx.communities.managed(tx, call.me(), id);
    if (!group)
      return std::move(group).error();
    if (!group->actor.is_local())
      return Error::invalid_input("the images of a community hosted elsewhere are set there");
    return {};
  });
  if (!may)
    return from_error(may.error());
  auto file = uploaded_file(call.req, "file");
  if (!file)
    return api_error(422, "file is required: an image in a multipart/form-data body");
  auto stored = call.ctx.media.store(call.app().db, id, {.bytes = file->bytes, .purpose = purpose});
  if (!stored)
    return from_error(stored.error());
  federation::outbox::CommunitySettingsInput settings;
  const std::string url = call.app().urls.media(stored->file_name);
  if (purpose == storage::MediaPurpose::avatar)
    settings.icon_url = std::optional<std::string>(url);
  else
    settings.header_url = std::optional<std::string>(url);
  if (auto updated = call.ctx.communities.update_settings(call.me(), id, settings); !updated) {
    (void)call.ctx.media.discard(call.app().db, *stored);
    return from_error(updated.error());
  }
  return community_response(call, id);
}

Response join_community(Call& call) {
  const Id id = path_id(call).value();
  auto joined = call.ctx.communities.join(call.me(), id);
  if (!joined)
    return from_error(joined.error());
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto group = call.ctx.communities.community(tx, id);
    if (!group)
      return std::move(group).error();
    const bool member = joined->membership.state == storage::MemberState::accepted;
    return json{{"membership", member ? "member" : "pending"},
                {"welcome_html", joined->welcome_html},
                {"community", community_json(tx, call.ctx, *group, call.me(), false)}};
  });
}

Response leave_community(Call& call) {
  const Id id = path_id(call).value();
  if (auto left = call.ctx.communities.leave(call.me(), id); !left)
    return from_error(left.error());
  return community_response(call, id);
}

// Memberships of one state, newest first, for readers (accepted) or managers (the others).
Response memberships_page(Call& call, storage::MemberState state) {
  const Id id = path_id(call).value();
  return paged_response(
      call, 40, 80,
      [&](Tx& tx, const storage::PageRequest& page) -> Result<std::vector<std::pair<Id, json>>> {
        auto group = state == storage::MemberState::accepted
                         ? call.ctx.communities.readable(tx, call.me(), id)
                         : call.ctx.communities.managed(tx, call.me(), id);
        if (!group)
          return std::move(group).error();
        auto rows = tx.memberships().list(id, state, page);
        if (!rows)
          return std::move(rows).error();
        std::vector<std::pair<Id, json>> out;
        for (const auto& m : *rows)
          out.emplace_back(m.id, membership_json(tx, call.app().urls, m));
        return out;
      });
}

Response membership_response(Call& call, Id community_id, Id person_id) {
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto m = tx.memberships().get(community_id, person_id);
    if (!m)
      return std::move(m).error();
    return membership_json(tx, call.app().urls, *m);
  });
}

Response answer_request(Call& call, bool approve) {
  const Id id = path_id(call).value();
  const Id person = path_id(call, "person_id").value();
  if (approve) {
    auto approved = call.ctx.communities.approve(call.me(), id, person);
    if (!approved)
      return from_error(approved.error());
    return membership_response(call, id, person);
  }
  if (auto rejected = call.ctx.communities.reject(call.me(), id, person); !rejected)
    return from_error(rejected.error());
  return Response::json(200, json::object());
}

// The `person` of a body: an id, handle, name@host or URL (fetched when unknown).
Result<storage::Actor> person_param(Call& call) {
  const auto ref = string_param(call.params, "person").value_or("");
  if (ref.empty())
    return Error::invalid_input("person is required: an id, handle, name@host or URL");
  auto person = call.ctx.communities.find_person(ref);
  if (!person)
    return std::move(person).error();
  if (person->kind != storage::ActorKind::person)
    return Error::invalid_input("person must name a person, not a " +
                                std::string(storage::to_string(person->kind)));
  return person;
}

Response add_moderator(Call& call) {
  const Id id = path_id(call).value();
  auto person = person_param(call);
  if (!person)
    return from_error(person.error());
  if (auto set = call.ctx.communities.set_moderator(call.me(), id, person->id, true); !set)
    return from_error(set.error());
  return membership_response(call, id, person->id);
}

Response remove_moderator(Call& call) {
  const Id id = path_id(call).value();
  const Id person = path_id(call, "person_id").value();
  if (auto set = call.ctx.communities.set_moderator(call.me(), id, person, false); !set)
    return from_error(set.error());
  return Response::json(200, json::object());
}

Response ban_person(Call& call) {
  const Id id = path_id(call).value();
  auto person = person_param(call);
  if (!person)
    return from_error(person.error());
  std::optional<core::TimePoint> until;
  if (auto text = string_param(call.params, "expires_at"); text && !text->empty()) {
    core::TimePoint t;
    if (!core::parse_rfc3339(*text, t))
      return api_error(422, "expires_at must be an RFC 3339 timestamp");
    if (t <= std::chrono::system_clock::now())
      return api_error(422, "expires_at must be in the future");
    until = t;
  }
  auto reason = string_param(call.params, "reason");
  if (reason && reason->empty())
    reason.reset();
  if (auto banned = call.ctx.communities.ban(call.me(), id, person->id, reason, until); !banned)
    return from_error(banned.error());
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto m = tx.memberships().get(id, person->id);
    if (m)
      return membership_json(tx, call.app().urls, *m);
    if (m.error().kind != core::ErrorKind::not_found)
      return std::move(m).error();
    // A community hosted elsewhere keeps memberships of our own people only: the ban was sent to
    // its host, which records it.
    return json{{"person", person_json(tx, call.app().urls, person->id)}, {"state", "banned"}};
  });
}

Response unban_person(Call& call) {
  const Id id = path_id(call).value();
  const Id person = path_id(call, "person_id").value();
  if (auto unbanned = call.ctx.communities.unban(call.me(), id, person); !unbanned)
    return from_error(unbanned.error());
  return Response::json(200, json::object());
}

}  // namespace

void register_community_directory(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable t{router, ctx};
  const std::string base = std::string(kCommunityApi) + "/communities";
  const auto read = user_scope("read");
  const auto write = user_scope("write");
  t.add(Verb::get, base, "community_directory", read, list_communities);
  t.add(Verb::post, base, "community_create", write, create_community);
  t.add(Verb::get, base + "/resolve", "community_resolve", read, resolve_community);
  t.add(Verb::get, base + "/{id}", "community_show", read,
        [](Call& call) { return community_response(call, path_id(call).value()); });
  t.add(Verb::patch, base + "/{id}", "community_update", write, update_community);
  const http::RouteOptions uploads{.body_limit = ctx->media.upload_body_limit()};
  t.add(
      Verb::post, base + "/{id}/icon", "community_icon", write,
      [](Call& call) { return upload_community_image(call, storage::MediaPurpose::avatar); },
      uploads);
  t.add(
      Verb::post, base + "/{id}/header", "community_header", write,
      [](Call& call) { return upload_community_image(call, storage::MediaPurpose::header); },
      uploads);
  t.add(Verb::post, base + "/{id}/join", "community_join", write, join_community);
  t.add(Verb::post, base + "/{id}/leave", "community_leave", write, leave_community);
  t.add(Verb::get, base + "/{id}/members", "community_members", read,
        [](Call& call) { return memberships_page(call, storage::MemberState::accepted); });
  t.add(Verb::get, base + "/{id}/requests", "community_requests", read,
        [](Call& call) { return memberships_page(call, storage::MemberState::pending); });
  t.add(Verb::post, base + "/{id}/requests/{person_id}/approve", "community_request_approve", write,
        [](Call& call) { return answer_request(call, true); });
  t.add(Verb::post, base + "/{id}/requests/{person_id}/reject", "community_request_reject", write,
        [](Call& call) { return answer_request(call, false); });
  t.add(Verb::post, base + "/{id}/moderators", "community_moderator_add", write, add_moderator);
  t.add(Verb::delete_, base + "/{id}/moderators/{person_id}", "community_moderator_remove", write,
        remove_moderator);
  t.add(Verb::get, base + "/{id}/bans", "community_bans", read,
        [](Call& call) { return memberships_page(call, storage::MemberState::banned); });
  t.add(Verb::post, base + "/{id}/bans", "community_ban", write, ban_person);
  t.add(Verb::delete_, base + "/{id}/bans/{person_id}", "community_unban", write, unban_person);
}

}  // namespace guildhall::server::api
