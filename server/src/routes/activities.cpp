// GET /activities/{id}: an activity we sent, as federation::discovery::public_activity decides
// (public ones only; 404 otherwise, like an unknown id). Signed with `federation.authorized_fetch`,
// like every ActivityPub document (signed_fetch.hpp).
#include "guildhall/federation/discovery/activities.hpp"

#include "guildhall/federation/discovery/negotiation.hpp"

#include "../app_context.hpp"
#include "signed_fetch.hpp"

namespace guildhall::server::routes {

namespace {

namespace asio = boost::asio;
using http::Request;
using http::Response;

// A plain coroutine function rather than a coroutine lambda (g++ 12, see inbox.cpp).
asio::awaitable<Response> get_activity(AppContext& app, Request& req) {
  FetchAccess access = co_await check_public_fetch(app, req);
  if (access.refusal)
    co_return std::move(*access.refusal);
  storage::Id id = 0;
  if (!core::parse_id(req.param("id"), id))
    co_return Response::error(404, "no such activity");
  auto work = [&app, id] {
    return app.db.read(
        [id](storage::Tx& tx) { return federation::discovery::public_activity(tx, id); });
  };
  core::Result<nlohmann::json> activity = co_await app.pool.run(work);
  if (!activity)
    co_return Response::from_error(activity.error());
  Response res = Response::json(200, *activity);
  res.set_header("Content-Type", std::string(federation::discovery::kActivityJsonContentType));
  co_return res;
}

}  // namespace

void register_activities(http::Router& router, AppContext& app) {
  router.get(
      "/activities/{id}", [&app](Request& req) { return get_activity(app, req); }, "ap_activity");
}

}  // namespace guildhall::server::routes
