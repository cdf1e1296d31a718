#include "signed_fetch.hpp"

#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "guildhall/federation/discovery/posts.hpp"
#include "guildhall/server/http/native.hpp"
#include "guildhall/storage/client_api.hpp"

namespace guildhall::server::routes {

namespace asio = boost::asio;

namespace {

federation::SignedGet signed_get_of(http::Request& req) {
  federation::SignedGet get;
  get.method = std::string(req.method_string());
  get.target = std::string(req.target());
  for (const auto& field : req.native().message)
    get.headers.add(std::string(field.name_string()), std::string(field.value()));
  return get;
}

}  // namespace

asio::awaitable<FetchAccess> check_signed_fetch(AppContext& app, http::Request& req,
                                                bool required) {
  FetchAccess access;
  if (!required)
    co_return access;
  const federation::SignedGet get = signed_get_of(req);
  const federation::FetchAuthorizer& authorizer = app.federation.fetch_authorizer();
  auto work = [&authorizer, &get] { return authorizer.authorize(get, true); };
  core::Result<std::optional<federation::VerifiedSigner>> verified = co_await app.pool.run(work);
  if (verified.ok()) {
    access.signer = std::move(*verified);
    co_return access;
  }
  const core::Error& error = verified.error();
  const int status = federation::fetch_status(error);
  spdlog::info("fetch.reject reason={} status={} request_id={} remote={}",
               federation::inbox::reason_code(error), status, req.request_id(),
               req.remote_address());
  http::Response refusal = status >= 500 ? http::Response::from_error(error)
                                         : http::Response::error(status, error.message);
  if (status == 401)  // RFC 9110 §11.6.1: say how to authenticate
    refusal.set_header("WWW-Authenticate", "Signature realm=\"" + app.urls.host() +
                                               "\",headers=\"(request-target) host date\"");
  access.refusal = std::move(refusal);
  co_return access;
}

asio::awaitable<FetchAccess> check_public_fetch(AppContext& app, http::Request& req) {
  return check_signed_fetch(app, req, app.config.federation.authorized_fetch);
}

asio::awaitable<FetchAccess> check_community_fetch(AppContext& app, http::Request& req,
                                                   const storage::CommunityView& group,
                                                   FetchAccess access,
                                                   std::string_view not_found_message) {
  if (group.community.visibility == storage::CommunityVisibility::public_)
    co_return access;
  if (group.community.visibility == storage::CommunityVisibility::private_ && !access.signer) {
    // A missing or bad signature ends as the same 404 as a non-member's (logged as fetch.reject).
    FetchAccess verified = co_await check_signed_fetch(app, req, true);
    access.signer = std::move(verified.signer);
  }
  std::optional<std::string> host;
  if (access.signer)
    host = access.signer->host;
  const storage::CommunityView* community = &group;
  auto work = [&app, community, &host] {
    return app.db.read([community, &host](storage::Tx& tx) {
      return federation::discovery::community_readable(tx, *community, host);
    });
  };
  core::Result<bool> readable = co_await app.pool.run(work);
  if (!readable) {
    access.refusal = http::Response::from_error(readable.error());
  } else if (!*readable) {
    spdlog::info("fetch.hidden community={} signer={} request_id={}", group.actor.ap_id,
                 host.value_or("-"), req.request_id());
    access.refusal = http::Response::error(404, std::string(not_found_message));
  }
  co_return access;
}

asio::awaitable<FetchAccess> check_post_fetch(AppContext& app, http::Request& req,
                                              const storage::Post& post, FetchAccess access,
                                              std::string_view not_found_message) {
  if (post.visibility == storage::PostVisibility::public_ ||
      post.visibility == storage::PostVisibility::unlisted)
    co_return access;
  if (!access.signer) {
    FetchAccess verified = co_await check_signed_fetch(app, req, true);
    access.signer = std::move(verified.signer);
  }
  core::Result<bool> readable = false;
  if (access.signer) {
    const std::string host = access.signer->host;
    const storage::Id post_id = post.id;
    auto work = [&app, &host, post_id] {
      return app.db.read(
          [&](storage::Tx& tx) { return tx.client_api().post_readable_on(post_id, host); });
    };
    readable = co_await app.pool.run(work);
  }
  if (!readable) {
    access.refusal = http::Response::from_error(readable.error());
  } else if (!*readable) {
    spdlog::info("fetch.hidden post={} signer={} request_id={}", post.ap_id,
                 access.signer ? access.signer->host : "-", req.request_id());
    access.refusal = http::Response::error(404, std::string(not_found_message));
  }
  co_return access;
}

}  // namespace guildhall::server::routes
