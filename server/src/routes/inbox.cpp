// ActivityPub inboxes: the shared one, each person's, each group's and the instance actor's. The
// route only moves bytes: federation::inbox::Inbox::receive does every check and the persisting,
// on the blocking pool (it waits on the database and may fetch the signer's key). Group
// activities are persisted like any other; the group engine handles them (federation/src/groups/).
//
// GET on an inbox answers 405 (the router's, since only POST is registered).
#include "guildhall/federation/inbox/inbox.hpp"

#include <cctype>
#include <string>

#include <boost/beast/http/message.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "guildhall/server/http/native.hpp"

#include "../app_context.hpp"

namespace guildhall::server::routes {

using http::Request;
using http::Response;
namespace asio = boost::asio;
namespace inbox = federation::inbox;

namespace {

constexpr std::size_t kInboxBodyLimit = 1024 * 1024;  // catalogue JS-09; also checked by Inbox

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A plain coroutine function rather than a coroutine lambda: g++ 12 miscompiles the latter with
// captures (see the compiler note in the issue).
asio::awaitable<Response> receive_at(AppContext& app, inbox::Inbox& box, Request& req,
                                     std::string recipient) {
  inbox::InboxRequest in;
  in.method = std::string(req.method_string());
  in.target = std::string(req.target());
  for (const auto& field : req.native().message)
    in.headers.add(std::string(field.name_string()), std::string(field.value()));
  in.body = std::move(req.body());  // the request is done with it
  in.recipient = std::move(recipient);

  auto work = [&box, &in] { return box.receive(in); };
  core::Result<inbox::Receipt> result = co_await app.pool.run(work);
  if (result.ok())
    co_return Response::json(202, nlohmann::json::object());

  const core::Error& error = result.error();
  const int status = inbox::http_status(error);
  // One structured line per refusal (catalogue 2.0), with a stable reason code.
  spdlog::info("inbox.reject reason={} status={} request_id={} remote={}",
               inbox::reason_code(error), status, req.request_id(), req.remote_address());
  if (status >= 500)
    co_return Response::from_error(error);  // keeps internal details out of the answer
  co_return Response::error(status, error.message);
}

asio::awaitable<Response> shared_inbox(AppContext& app, inbox::Inbox& box, Request& req) {
  return receive_at(app, box, req, app.urls.shared_inbox());
}

asio::awaitable<Response> instance_inbox(AppContext& app, inbox::Inbox& box, Request& req) {
  return receive_at(app, box, req, app.urls.instance_actor());
}

asio::awaitable<Response> user_inbox(AppContext& app, inbox::Inbox& box, Request& req) {
  // An invalid handle cannot name a local actor; Inbox answers 404 for it like any unknown one.
  return receive_at(app, box, req, app.urls.user(lowercase(req.param("handle"))));
}

asio::awaitable<Response> group_inbox(AppContext& app, inbox::Inbox& box, Request& req) {
  return receive_at(app, box, req, app.urls.group(lowercase(req.param("handle"))));
}

}  // namespace

void register_inbox(http::Router& router, AppContext& app, inbox::Inbox& box) {
  http::RouteOptions options;
  options.body_limit = kInboxBodyLimit;
  router.post(
      "/inbox", [&app, &box](Request& req) { return shared_inbox(app, box, req); }, "inbox.shared",
      options);
  router.post(
      "/actor/inbox", [&app, &box](Request& req) { return instance_inbox(app, box, req); },
      "inbox.instance", options);
  router.post(
      "/users/{handle}/inbox", [&app, &box](Request& req) { return user_inbox(app, box, req); },
      "inbox.user", options);
  router.post(
      "/c/{handle}/inbox", [&app, &box](Request& req) { return group_inbox(app, box, req); },
      "inbox.group", options);
}

}  // namespace guildhall::server::routes
