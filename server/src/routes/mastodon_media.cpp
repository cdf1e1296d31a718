// Mastodon API: media uploads (POST /api/v1/media and /api/v2/media, processed at once, so both
// answer 200 with the URL), reading and describing one's own uploads, and GET /media/{file}, which
// serves the files: public ones cacheable for a year, those of a private community's posts only
// to its members (session cookie or token) and to instances holding a member (signed fetch).
#include "guildhall/core/id.hpp"
#include "guildhall/media/files.hpp"

#include "../api/endpoint.hpp"
#include "../api/entities.hpp"
#include "../api/lists.hpp"
#include "signed_fetch.hpp"

namespace guildhall::server::api {

namespace {

namespace asio = boost::asio;
using core::Error;
using core::Result;
using http::Response;
using http::Verb;
using storage::Id;
using storage::Tx;

constexpr std::size_t kMaxDescriptionChars = 1500;

std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    n += (c & 0xC0) != 0x80;
  return n;
}

// `description` (alt text) and `focus` ("x,y", both in -1.0..1.0) of an upload.
struct MediaFields {
  std::optional<std::string> description{};
  bool description_given = false;
  std::optional<std::pair<double, double>> focus{};
};

Result<std::pair<double, double>> parse_focus(const std::string& text) {
  const auto comma = text.find(',');
  try {
    std::size_t used_x = 0, used_y = 0;
    const std::string x_text = text.substr(0, comma);
    const std::string y_text = comma == std::string::npos ? "" : text.substr(comma + 1);
    const double x = std::stod(x_text, &used_x);
    const double y = std::stod(y_text, &used_y);
    if (used_x == x_text.size() && used_y == y_text.size() && x >= -1 && x <= 1 && y >= -1 &&
        y <= 1)
      return std::pair{x, y};
  } catch (const std::exception&) {
  }
  return Error::invalid_input("focus must be two numbers between -1.0 and 1.0, as \"x,y\"");
}

Result<MediaFields> media_fields(const json& params) {
  MediaFields out;
  if (auto description = string_param(params, "description")) {
    if (code_points(*description) > kMaxDescriptionChars)
      return Error::invalid_input(
          "Validation failed: Description is too long (maximum is 1500 characters)");
    out.description_given = true;
    if (!description->empty())
      out.description = std::move(*description);
  }
  if (auto focus = string_param(params, "focus"); focus && !focus->empty()) {
    auto parsed = parse_focus(*focus);
    if (!parsed)
      return std::move(parsed).error();
    out.focus = *parsed;
  }
  return out;
}

Response upload(Call& call) {
  auto file = uploaded_file(call.req, "file");
  if (!file)
    return api_error(422, "Validation failed: File can't be blank");
  auto fields = media_fields(call.params);
  if (!fields)
    return from_error(fields.error());
  auto stored = call.ctx.media.store(
      call.app().db, call.me(),
      {.bytes = file->bytes, .description = fields->description, .focus = fields->focus});
  if (!stored)
    return from_error(stored.error());
  return Response::json(200, media_json(call.app().urls, *stored));
}

// The caller's own upload, else not_found.
Result<storage::Media> own_media(Tx& tx, Id owner, Id id) {
  auto media = tx.media().get(id);
  if (media && (media->owner_id != owner || media->purpose != storage::MediaPurpose::attachment))
    return Error::not_found("Record not found");
  return media;
}

Response get_media(Call& call) {
  const Id id = path_id(call).value();
  return read_json(call, [&](Tx& tx) -> Result<json> {
    auto media = own_media(tx, call.me(), id);
    if (!media)
      return std::move(media).error();
    return media_json(call.app().urls, *media);
  });
}

// Like Mastodon, only until the upload is attached: a post's attachments change with an edit.
Response update_media(Call& call) {
  const Id id = path_id(call).value();
  auto fields = media_fields(call.params);
  if (!fields)
    return from_error(fields.error());
  storage::MediaUpdate update;
  if (fields->description_given)
    update.description = fields->description;
  update.focus = fields->focus;
  return write_json(call, [&](Tx& tx) -> Result<json> {
    auto media = own_media(tx, call.me(), id);
    if (!media)
      return std::move(media).error();
    if (media->post_id)
      return Error::not_found("Record not found");
    auto updated = tx.media().update(id, update);
    if (!updated)
      return std::move(updated).error();
    return media_json(call.app().urls, *updated);
  });
}

// Where a file belongs: the community whose members alone may read it (when its post is in a
// private or local-only community), and whether the signed-in viewer is one of them.
struct MediaFile {
  storage::Media media;
  std::optional<storage::CommunityView> restricted_to;
  bool viewer_may_read = false;
};

Result<MediaFile> find_media_file(ApiContext& ctx, const http::Request& req,
                                  const std::string& name) {
  auto found = ctx.app.db.read([&](Tx& tx) -> Result<MediaFile> {
    auto media = tx.media().by_file_name(name);
    if (!media)
      return std::move(media).error();
    MediaFile file{std::move(*media), std::nullopt, true};
    if (!file.media.post_id)
      return file;  // an avatar, a header, or an upload not posted yet (its name is the secret)
    auto post = tx.posts().get(*file.media.post_id);
    if (!post)
      return std::move(post).error();
    if (!post->community_id)
      return file;
    auto group = tx.communities().get(*post->community_id);
    if (!group)
      return std::move(group).error();
    if (group->community.visibility == storage::CommunityVisibility::public_)
      return file;
    file.restricted_to = std::move(*group);
    file.viewer_may_read = false;
    return file;
  });
  if (!found || !found->restricted_to)
    return found;
  // A member signed in here (the web app's cookie, a client's token) reads it like the thread.
  if (auto user = request_user(ctx, req)) {
    const Id viewer = user->actor.id;
    const Id community = found->restricted_to->actor.id;
    auto readable =
        ctx.app.db.read([&](Tx& tx) { return ctx.communities.readable(tx, viewer, community); });
    found->viewer_may_read = readable.ok();
  }
  return found;
}

Response file_response(const storage::Media& media, const std::string& name, std::string bytes,
                       bool public_file) {
  Response res;
  res.status = 200;
  res.body = std::move(bytes);
  res.set_header("Content-Type", media.content_type);
  res.set_header("X-Content-Type-Options", "nosniff");
  // Never a document in our origin: no script, no plugins, even if a browser were fooled.
  res.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
  res.set_header("Cache-Control",
                 public_file ? "public, max-age=31536000, immutable" : "private, no-cache");
  if (media.kind == "unknown")  // a PDF is downloaded, not opened in our origin
    res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return res;
}

asio::awaitable<Response> serve_media_file(std::shared_ptr<ApiContext> ctx, http::Request& req) {
  AppContext& app = ctx->app;
  const std::string name(req.param("file"));
  if (!media::FileStore::valid_name(name))
    co_return api_error(404, "Record not found");
  auto found = co_await app.pool.run([&] { return find_media_file(*ctx, req, name); });
  if (!found)
    co_return from_error(found.error());
  if (found->restricted_to && !found->viewer_may_read) {
    // Another instance's member fetches it signed; everyone else gets the same 404.
    routes::FetchAccess access = co_await routes::check_community_fetch(
        app, req, *found->restricted_to, routes::FetchAccess{}, "Record not found");
    if (access.refusal)
      co_return std::move(*access.refusal);
  }
  auto bytes = co_await app.pool.run([&] { return ctx->media.files().read(name); });
  if (!bytes)
    co_return from_error(bytes.error());
  co_return file_response(found->media, name, std::move(*bytes), !found->restricted_to);
}

}  // namespace

void register_mastodon_media(http::Router& router, const std::shared_ptr<ApiContext>& ctx) {
  const RouteTable table{router, ctx};
  const http::RouteOptions uploads{.body_limit = ctx->media.upload_body_limit()};
  table.add(Verb::post, "/api/v1/media", "api_media_upload_v1", user_scope("write:media"), upload,
            uploads);
  table.add(Verb::post, "/api/v2/media", "api_media_upload", user_scope("write:media"), upload,
            uploads);
  table.add(Verb::get, "/api/v1/media/{id}", "api_media_get", user_scope("write:media"), get_media);
  table.add(Verb::put, "/api/v1/media/{id}", "api_media_update", user_scope("write:media"),
            update_media);
  router.add(
      Verb::get, "/media/{file}",
      [ctx](http::Request& req) -> asio::awaitable<Response> { return serve_media_file(ctx, req); },
      "media_file");
}

}  // namespace guildhall::server::api
