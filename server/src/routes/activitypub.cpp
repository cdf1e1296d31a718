// ActivityPub discovery: WebFinger, host-meta, NodeInfo, actor documents and their collections.
// Handlers only parse the request, read through the blocking pool and pick the response; the
// documents come from federation::discovery. With `federation.authorized_fetch` on, actors (in
// their AS2 form), their collections and posts need a signed GET (signed_fetch.hpp); discovery
// documents and the instance actor stay open so peers can bootstrap.
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "guildhall/federation/discovery/actors.hpp"
#include "guildhall/federation/discovery/collections.hpp"
#include "guildhall/federation/discovery/group_outbox.hpp"
#include "guildhall/federation/discovery/lookup.hpp"
#include "guildhall/federation/discovery/negotiation.hpp"
#include "guildhall/federation/discovery/nodeinfo.hpp"
#include "guildhall/federation/discovery/posts.hpp"
#include "guildhall/federation/discovery/webfinger.hpp"
#include "guildhall/server/admin.hpp"

#include "../app_context.hpp"
#include "signed_fetch.hpp"

namespace guildhall::server::routes {

namespace {

namespace asio = boost::asio;
namespace disc = federation::discovery;
using core::Result;
using federation::Urls;
using http::Request;
using http::Response;
using nlohmann::json;
using Page = std::optional<std::int64_t>;

Response document(int status, const json& body, std::string_view content_type) {
  Response res = Response::json(status, body);
  res.set_header("Content-Type", std::string(content_type));
  return res;
}

Response activity(const json& body) {
  return document(200, body, disc::kActivityJsonContentType);
}

Response failure(const core::Error& error) {
  if (error.kind == core::ErrorKind::internal || error.kind == core::ErrorKind::unavailable)
    spdlog::warn("activitypub: {}", error.message);
  // A malformed query (resource, page) is 400 here, as RFC 7033 says, not the API's 422.
  if (error.kind == core::ErrorKind::invalid_input)
    return Response::error(400, error.message);
  return Response::from_error(error);
}

// Discovery documents are read by browser-based clients on other origins too.
Response cors(Response res) {
  res.set_header("Access-Control-Allow-Origin", "*");
  return res;
}

// Actor ids answer differently by Accept, so caches must key on it.
Response vary(Response res) {
  res.set_header("Vary", "Accept");
  return res;
}

// The web app's profile path for a local handle. People and groups share one handle namespace,
// so /@{handle} names either (the web app decides which page to render).
Response to_web(const AppContext& app, const std::string& path) {
  Response res;
  res.status = 302;
  res.set_header("Location", app.urls.origin() + path);
  return res;
}

template <typename F>
auto read_db(AppContext& app, F body) -> asio::awaitable<std::invoke_result_t<F&, storage::Tx&>> {
  co_return co_await app.pool.run([&app, &body] { return app.db.read(body); });
}

// What every collection request starts with: the public fetch check, then `?page`; `refusal` is
// the answer when either fails.
struct CollectionRequest {
  FetchAccess access;
  Page page;
  std::optional<Response> refusal;
};

asio::awaitable<CollectionRequest> collection_request(AppContext& app, Request& req) {
  CollectionRequest out;
  out.access = co_await check_public_fetch(app, req);
  if (out.access.refusal) {
    out.refusal = std::move(out.access.refusal);
    co_return out;
  }
  auto page = disc::parse_page_param(req.query().get("page"));
  if (!page)
    out.refusal = failure(page.error());
  else
    out.page = *page;
  co_return out;
}

// A collection handler: `build` runs inside the read transaction with the handle and `?page`.
using CollectionBuilder =
    std::function<Result<json>(storage::Tx&, const std::string& handle, Page page)>;

http::Handler collection_handler(AppContext& app, CollectionBuilder build) {
  return [&app, build = std::move(build)](Request& req) -> asio::awaitable<Response> {
    CollectionRequest request = co_await collection_request(app, req);
    if (request.refusal)
      co_return std::move(*request.refusal);
    const std::string handle(req.param("handle"));
    const Page page = request.page;
    auto body = co_await read_db(
        app, [&](storage::Tx& tx) -> Result<json> { return build(tx, handle, page); });
    if (!body)
      co_return failure(body.error());
    co_return activity(*body);
  };
}

core::Error not_found() {
  return core::Error::not_found("no such collection");
}

Result<storage::Actor> live_person(storage::Tx& tx, const std::string& handle) {
  auto actor = disc::find_person(tx, handle);
  if (actor && actor->deleted_at)
    return not_found();
  return actor;
}

Result<storage::CommunityView> live_group(storage::Tx& tx, const std::string& handle) {
  auto group = disc::find_group(tx, handle);
  if (group && group->actor.deleted_at)
    return not_found();
  return group;
}

// A community's collection: `build` runs inside the read transaction with the group, once the
// requester may read it (check_community_fetch: private communities answer member instances only).
using GroupCollectionBuilder =
    std::function<Result<json>(storage::Tx&, const storage::CommunityView& group, Page page)>;

http::Handler group_collection_handler(AppContext& app, GroupCollectionBuilder build) {
  return [&app, build = std::move(build)](Request& req) -> asio::awaitable<Response> {
    CollectionRequest request = co_await collection_request(app, req);
    if (request.refusal)
      co_return std::move(*request.refusal);
    const std::string handle(req.param("handle"));
    auto group = co_await read_db(app, [&](storage::Tx& tx) { return live_group(tx, handle); });
    if (!group)
      co_return failure(group.error());
    FetchAccess access = co_await check_community_fetch(app, req, *group, std::move(request.access),
                                                        "no such collection");
    if (access.refusal)
      co_return std::move(*access.refusal);
    const Page page = request.page;
    auto body = co_await read_db(
        app, [&](storage::Tx& tx) -> Result<json> { return build(tx, *group, page); });
    if (!body)
      co_return failure(body.error());
    co_return activity(*body);
  };
}

// followers/following of a person: paged.
Result<json> paged(const std::string& id, Page page, const Result<disc::CollectionSlice>& slice) {
  if (!slice)
    return slice.error();
  if (page)
    return disc::collection_page(id, *page, slice->total_items, slice->items, slice->has_more);
  return disc::paged_collection(id, slice->total_items, true);
}

void register_discovery(http::Router& router, AppContext& app) {
  router.get(
      "/.well-known/webfinger",
      [&app](Request& req) -> asio::awaitable<Response> {
        auto resource = req.query().get("resource");
        auto query = disc::parse_webfinger_resource(resource.value_or(""), app.urls);
        if (!query)
          co_return cors(failure(query.error()));
        auto found = co_await read_db(
            app, [&](storage::Tx& tx) { return disc::resolve_webfinger(tx, *query, app.urls); });
        if (!found)
          co_return cors(failure(found.error()));
        co_return cors(
            document(200, disc::webfinger_document(found->actor, app.urls), disc::kJrdContentType));
      },
      "webfinger");
  router.get(
      "/.well-known/host-meta",
      [&app](Request&) -> asio::awaitable<Response> {
        co_return cors(
            Response::text(200, disc::host_meta_xml(app.urls), std::string(disc::kXrdContentType)));
      },
      "host_meta");
  router.get(
      "/.well-known/host-meta.json",
      [&app](Request&) -> asio::awaitable<Response> {
        co_return cors(Response::json(200, disc::host_meta_json(app.urls)));
      },
      "host_meta_json");
  router.get(
      "/.well-known/nodeinfo",
      [&app](Request&) -> asio::awaitable<Response> {
        co_return cors(Response::json(200, disc::nodeinfo_links(app.urls)));
      },
      "nodeinfo_links");
  for (const std::string version : {"2.0", "2.1"}) {
    router.get(
        "/nodeinfo/" + version,
        [&app, version](Request&) -> asio::awaitable<Response> {
          auto usage = co_await read_db(app, [](storage::Tx& tx) { return disc::node_usage(tx); });
          if (!usage)
            co_return cors(failure(usage.error()));
          auto edited =
              co_await read_db(app, [](storage::Tx& tx) { return tx.instance_settings().get(); });
          if (!edited)
            co_return cors(failure(edited.error()));
          const InstanceProfile profile = instance_profile(*edited, app.config);
          disc::NodeInfoInput input{GUILDHALL_VERSION, profile.registrations == "open", *usage,
                                    profile.title, profile.description};
          auto doc = disc::nodeinfo_document(version, input);
          if (!doc)
            co_return cors(failure(doc.error()));
          co_return cors(document(200, *doc, disc::nodeinfo_content_type(version)));
        },
        "nodeinfo_" + version);
  }
}

void register_people(http::Router& router, AppContext& app) {
  router.get(
      "/users/{handle}",
      [&app](Request& req) -> asio::awaitable<Response> {
        const bool wants_html = disc::negotiate(req.header("Accept")) == disc::Representation::html;
        if (!wants_html) {
          FetchAccess access = co_await check_public_fetch(app, req);
          if (access.refusal)
            co_return vary(std::move(*access.refusal));
        }
        const std::string handle(req.param("handle"));
        auto actor =
            co_await read_db(app, [&](storage::Tx& tx) { return disc::find_person(tx, handle); });
        if (!actor)
          co_return vary(failure(actor.error()));
        if (actor->deleted_at)
          co_return vary(
              document(410, disc::tombstone_document(*actor), disc::kActivityJsonContentType));
        if (wants_html)
          co_return vary(to_web(app, "/@" + actor->handle));
        co_return vary(activity(disc::person_document(*actor)));
      },
      "ap_person");
  router.get("/users/{handle}/followers",
             collection_handler(app,
                                [](storage::Tx& tx, const std::string& handle, Page page) {
                                  auto actor = live_person(tx, handle);
                                  if (!actor)
                                    return Result<json>(actor.error());
                                  return paged(
                                      actor->followers_url.value_or(Urls::followers(actor->ap_id)),
                                      page, disc::person_followers(tx, *actor, page));
                                }),
             "ap_person_followers");
  router.get("/users/{handle}/following",
             collection_handler(app,
                                [](storage::Tx& tx, const std::string& handle, Page page) {
                                  auto actor = live_person(tx, handle);
                                  if (!actor)
                                    return Result<json>(actor.error());
                                  return paged(
                                      actor->following_url.value_or(Urls::following(actor->ap_id)),
                                      page, disc::person_following(tx, *actor, page));
                                }),
             "ap_person_following");
  // The outbox stays empty: posts reach followers when they are made, and are fetched by id.
  router.get("/users/{handle}/outbox",
             collection_handler(app,
                                [](storage::Tx& tx, const std::string& handle, Page) {
                                  auto actor = live_person(tx, handle);
                                  if (!actor)
                                    return Result<json>(actor.error());
                                  return Result<json>(disc::inline_collection(
                                      actor->outbox_url.value_or(Urls::outbox(actor->ap_id)), {}));
                                }),
             "ap_person_outbox");
  router.get("/users/{handle}/featured",
             collection_handler(app,
                                [](storage::Tx& tx, const std::string& handle, Page) {
                                  auto actor = live_person(tx, handle);
                                  if (!actor)
                                    return Result<json>(actor.error());
                                  auto pinned = disc::person_featured(tx, *actor);
                                  if (!pinned)
                                    return Result<json>(pinned.error());
                                  return Result<json>(disc::inline_collection(
                                      actor->featured_url.value_or(Urls::featured(actor->ap_id)),
                                      *pinned));
                                }),
             "ap_person_featured");
}

void register_groups(http::Router& router, AppContext& app) {
  router.get(
      "/c/{handle}",
      [&app](Request& req) -> asio::awaitable<Response> {
        const bool wants_html = disc::negotiate(req.header("Accept")) == disc::Representation::html;
        if (!wants_html) {
          FetchAccess access = co_await check_public_fetch(app, req);
          if (access.refusal)
            co_return vary(std::move(*access.refusal));
        }
        const std::string handle(req.param("handle"));
        auto group =
            co_await read_db(app, [&](storage::Tx& tx) { return disc::find_group(tx, handle); });
        if (!group)
          co_return vary(failure(group.error()));
        if (group->actor.deleted_at)
          co_return vary(document(410, disc::tombstone_document(group->actor),
                                  disc::kActivityJsonContentType));
        if (wants_html)
          co_return vary(to_web(app, "/@" + group->actor.handle));
        co_return vary(activity(disc::group_document(*group)));
      },
      "ap_group");
  router.get(
      "/c/{handle}/followers",
      group_collection_handler(
          app,
          [](storage::Tx& tx, const storage::CommunityView& group, Page page) -> Result<json> {
            const auto id = group.actor.followers_url.value_or(Urls::followers(group.actor.ap_id));
            // Private groups: even member instances get the member count only.
            const bool expose = disc::members_are_public(group.community);
            if (page && !expose)
              return not_found();
            auto slice = disc::group_followers(tx, group, page);
            if (!slice)
              return slice.error();
            if (page)
              return disc::collection_page(id, *page, slice->total_items, slice->items,
                                           slice->has_more);
            return disc::group_followers_collection(id, slice->total_items, expose);
          }),
      "ap_group_followers");
  router.get("/c/{handle}/moderators",
             group_collection_handler(
                 app,
                 [](storage::Tx& tx, const storage::CommunityView& group, Page) -> Result<json> {
                   auto mods = disc::group_moderators(tx, group);
                   if (!mods)
                     return mods.error();
                   return disc::inline_collection(
                       group.actor.moderators_url.value_or(Urls::moderators(group.actor.ap_id)),
                       *mods);
                 }),
             "ap_group_moderators");
  router.get("/c/{handle}/featured",
             group_collection_handler(
                 app,
                 [](storage::Tx& tx, const storage::CommunityView& group, Page) -> Result<json> {
                   auto pinned = disc::group_featured(tx, group);
                   if (!pinned)
                     return pinned.error();
                   return disc::inline_collection(
                       group.actor.featured_url.value_or(Urls::featured(group.actor.ap_id)),
                       *pinned);
                 }),
             "ap_group_featured");
  router.get(
      "/c/{handle}/outbox",
      group_collection_handler(app, [](storage::Tx& tx, const storage::CommunityView& group,
                                       Page page) { return disc::group_outbox(tx, group, page); }),
      "ap_group_outbox");
}

// A local post a GET names, after the fetch checks: posts of private communities answer member
// instances only, like the community's collections, and followers-only or direct posts the
// instances of their readers only. `refusal` is the answer when any check fails,
// or the redirect to the web app for a browser.
struct PostRequest {
  std::optional<disc::LocalPost> post;
  std::optional<Response> refusal;
  bool wants_html = false;
};

asio::awaitable<PostRequest> post_request(AppContext& app, Request& req) {
  PostRequest out;
  out.wants_html = disc::negotiate(req.header("Accept")) == disc::Representation::html;
  FetchAccess access;
  if (!out.wants_html) {
    access = co_await check_public_fetch(app, req);
    if (access.refusal) {
      out.refusal = vary(std::move(*access.refusal));
      co_return out;
    }
  }
  storage::Id id = 0;
  if (!core::parse_id(req.param("id"), id)) {
    out.refusal = vary(Response::error(404, "no such post"));
    co_return out;
  }
  auto post = co_await read_db(
      app, [&app, id](storage::Tx& tx) { return disc::find_local_post(tx, app.urls, id); });
  if (!post) {
    out.refusal = vary(failure(post.error()));
    co_return out;
  }
  if (post->community) {
    access = co_await check_community_fetch(app, req, *post->community, std::move(access),
                                            "no such post");
    if (access.refusal) {
      out.refusal = vary(std::move(*access.refusal));
      co_return out;
    }
  }
  if (!out.wants_html) {
    access = co_await check_post_fetch(app, req, post->post, std::move(access), "no such post");
    if (access.refusal) {
      out.refusal = vary(std::move(*access.refusal));
      co_return out;
    }
  }
  if (out.wants_html)  // browsers go to the web app: the community's page or the author's
    out.refusal = vary(to_web(
        app, "/@" + (post->community ? post->community->actor.handle : post->author.handle)));
  out.post = std::move(post).value();
  co_return out;
}

// GET /posts/{id}: a local post (Note or Page); 410 with a Tombstone once deleted or removed.
asio::awaitable<Response> get_post(AppContext& app, Request& req) {
  PostRequest request = co_await post_request(app, req);
  if (request.refusal)
    co_return std::move(*request.refusal);
  const disc::LocalPost& post = *request.post;
  co_return vary(document(disc::is_gone(post.post) ? 410 : 200, disc::post_document(post),
                          disc::kActivityJsonContentType));
}

// GET /posts/{id}/context: a thread's FEP-7888 context collection (the same readers as the post;
// a comment's, or a deleted or removed thread's, does not exist).
asio::awaitable<Response> get_post_context(AppContext& app, Request& req) {
  PostRequest request = co_await post_request(app, req);
  if (request.refusal)
    co_return std::move(*request.refusal);
  const disc::LocalPost& post = *request.post;
  auto page = disc::parse_page_param(req.query().get("page"));
  if (!page)
    co_return vary(failure(page.error()));
  if (disc::is_gone(post.post))
    co_return vary(Response::error(404, "no such collection"));
  auto body = co_await read_db(
      app, [&post, &page](storage::Tx& tx) { return disc::context_collection(tx, post, *page); });
  if (!body)
    co_return vary(failure(body.error()));
  co_return vary(activity(*body));
}

void register_posts(http::Router& router, AppContext& app) {
  router.get(
      "/posts/{id}", [&app](Request& req) { return get_post(app, req); }, "ap_post");
  router.get(
      "/posts/{id}/context", [&app](Request& req) { return get_post_context(app, req); },
      "ap_post_context");
}

void register_instance_actor(http::Router& router, AppContext& app) {
  router.get(
      "/actor",
      [&app](Request& req) -> asio::awaitable<Response> {
        auto actor = co_await read_db(
            app, [&](storage::Tx& tx) { return disc::find_instance_actor(tx, app.urls); });
        if (!actor)
          co_return vary(failure(actor.error()));
        if (disc::negotiate(req.header("Accept")) == disc::Representation::html)
          co_return vary(to_web(app, "/"));
        co_return vary(activity(disc::instance_actor_document(*actor, app.urls.origin() + "/")));
      },
      "ap_instance_actor");
  router.get(
      "/actor/outbox",
      [&app](Request& req) -> asio::awaitable<Response> {
        FetchAccess access = co_await check_public_fetch(app, req);
        if (access.refusal)
          co_return std::move(*access.refusal);
        co_return activity(disc::inline_collection(Urls::outbox(app.urls.instance_actor()), {}));
      },
      "ap_instance_actor_outbox");
}

}  // namespace

void register_activitypub(http::Router& router, AppContext& app) {
  register_discovery(router, app);
  register_people(router, app);
  register_groups(router, app);
  register_posts(router, app);
  register_instance_actor(router, app);
}

}  // namespace guildhall::server::routes
