#include "signed_fetch.hpp"

#include <string>
#include <utility>

#include <spdlog/spdlog.h>

#include "guildhall/server/http/native.hpp"

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

}  // namespace guildhall::server::routes
