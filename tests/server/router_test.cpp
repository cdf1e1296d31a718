#include "guildhall/server/http/router.hpp"

#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "guildhall/server/http/request.hpp"
#include "guildhall/server/http/response.hpp"

using namespace guildhall::server::http;
namespace asio = boost::asio;

namespace {

Response dispatch(const Router& router, Request& req) {
  asio::io_context ioc;
  auto future = asio::co_spawn(ioc, router.dispatch(req), asio::use_future);
  ioc.run();
  return future.get();
}

Response dispatch(const Router& router, Verb method, std::string_view target) {
  auto req = Request::make(method, target);
  return dispatch(router, req);
}

// A handler answering with its route's parameters as JSON.
Handler echo_params(std::string tag) {
  return [tag](Request& req) -> asio::awaitable<Response> {
    nlohmann::json j;
    j["tag"] = tag;
    for (const auto& [k, v] : req.params())
      j["params"][k] = v;
    j["route"] = std::string(req.route_name());
    co_return Response::json(200, j);
  };
}

nlohmann::json body_of(const Response& res) {
  return nlohmann::json::parse(res.body);
}

}  // namespace

TEST(Router, LiteralAndParameterSegments) {
  Router router;
  router.get("/users/{name}/inbox", echo_params("inbox"), "user_inbox");
  router.get("/users/{name}", echo_params("user"), "user");
  router.get("/.well-known/webfinger", echo_params("wf"), "webfinger");

  auto res = dispatch(router, Verb::get, "/users/alice/inbox");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(body_of(res)["params"]["name"], "alice");
  EXPECT_EQ(body_of(res)["route"], "user_inbox");

  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/users/bob"))["tag"], "user");
  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/.well-known/webfinger?resource=x"))["tag"], "wf");
  EXPECT_EQ(dispatch(router, Verb::get, "/users").status, 404);
  EXPECT_EQ(dispatch(router, Verb::get, "/users/alice/inbox/more").status, 404);
}

TEST(Router, PercentDecodedSegmentsAndTrailingSlash) {
  Router router;
  router.get("/users/{name}", echo_params("user"), "user");
  router.get("/tags/café", echo_params("literal"), "tag");

  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/users/a%20b"))["params"]["name"], "a b");
  // An encoded slash stays inside its segment.
  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/users/a%2Fb"))["params"]["name"], "a/b");
  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/users/alice/"))["params"]["name"], "alice");
  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/tags/caf%C3%A9"))["tag"], "literal");
}

TEST(Router, LiteralsWinAndMatchingBacktracks) {
  Router router;
  router.get("/api/v1/accounts/verify_credentials", echo_params("verify"), "verify");
  router.get("/api/v1/accounts/{id}", echo_params("account"), "account");
  router.get("/a/b", echo_params("ab"), "ab");
  router.get("/a/{x}/c", echo_params("axc"), "axc");
  router.get("/@{name}", echo_params("profile"), "profile");

  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/api/v1/accounts/verify_credentials"))["tag"],
            "verify");
  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/api/v1/accounts/123"))["params"]["id"], "123");
  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/a/b"))["tag"], "ab");
  auto axc = body_of(dispatch(router, Verb::get, "/a/b/c"));
  EXPECT_EQ(axc["tag"], "axc");
  EXPECT_EQ(axc["params"]["x"], "b");
  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/@alice"))["params"]["name"], "alice");
  EXPECT_EQ(dispatch(router, Verb::get, "/@").status, 404);  // parameters are never empty
}

TEST(Router, NotFoundIsJson) {
  Router router;
  router.get("/health", echo_params("health"), "health");
  auto req = Request::make(Verb::get, "/nope");
  auto res = dispatch(router, req);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.header("content-type"), kJsonContentType);
  EXPECT_TRUE(body_of(res)["error"].is_string());
  EXPECT_EQ(req.route_name(), kUnmatchedRoute);
}

TEST(Router, MethodNotAllowedListsAllowedMethods) {
  Router router;
  router.get("/statuses/{id}", echo_params("get"), "status");
  router.del("/statuses/{id}", echo_params("delete"), "status_delete");
  router.post("/statuses", echo_params("post"), "status_create");

  auto res = dispatch(router, Verb::put, "/statuses/1");
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.header("Allow"), "DELETE, GET, HEAD");
  EXPECT_TRUE(body_of(res)["error"].is_string());
  EXPECT_EQ(dispatch(router, Verb::get, "/statuses").header("Allow"), "POST");
  EXPECT_EQ(dispatch(router, Verb::delete_, "/statuses/1").status, 200);
}

TEST(Router, HeadIsServedByGetWithoutBody) {
  Router router;
  int calls = 0;
  router.get(
      "/hello",
      [&calls](Request&) -> asio::awaitable<Response> {
        ++calls;
        co_return Response::text(200, "hello world");
      },
      "hello");
  auto res = dispatch(router, Verb::head, "/hello");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(res.status, 200);
  EXPECT_TRUE(res.body.empty());
  EXPECT_EQ(res.content_length, 11u);
  EXPECT_EQ(res.header("Content-Type"), "text/plain; charset=utf-8");
}

TEST(Router, WebSocketRoutesAreGetRoutesWithTheOption) {
  Router router;
  router.get("/api/v1/streaming",
             [](Request&) -> asio::awaitable<Response> { co_return Response::text(200, "plain"); },
             "streaming", {.websocket = true});
  router.get(
      "/plain", [](Request&) -> asio::awaitable<Response> { co_return Response::text(200, "x"); },
      "plain");
  auto req = Request::make(Verb::get, "/api/v1/streaming");
  auto m = router.match(req);
  EXPECT_TRUE(m.websocket);
  EXPECT_EQ(m.route_name, "streaming");
  auto plain = Request::make(Verb::get, "/plain");
  EXPECT_FALSE(router.match(plain).websocket);
  EXPECT_EQ(dispatch(router, Verb::get, "/api/v1/streaming").status, 200);
  EXPECT_EQ(dispatch(router, Verb::post, "/api/v1/streaming").status, 405);
}

TEST(Router, RejectsBadPatternsAndDuplicates) {
  Router router;
  auto h = echo_params("x");
  EXPECT_THROW(router.get("no-slash", h, "x"), std::invalid_argument);
  EXPECT_THROW(router.get("/a//b", h, "x"), std::invalid_argument);
  EXPECT_THROW(router.get("/a/{}", h, "x"), std::invalid_argument);
  EXPECT_THROW(router.get("/a/{x", h, "x"), std::invalid_argument);
  router.get("/a/{x}", h, "x");
  EXPECT_THROW(router.get("/a/{x}", h, "x"), std::invalid_argument);
  EXPECT_THROW(router.post("/a/{y}", h, "y"), std::invalid_argument);  // conflicting names
  EXPECT_NO_THROW(router.post("/a/{x}", h, "x_post"));
}

TEST(Router, FallbackServesUnmatchedGetAndHeadOnly) {
  Router router;
  router.get("/health", echo_params("health"), "health");
  router.post("/inbox", echo_params("inbox"), "inbox");
  router.set_fallback(echo_params("fallback"), "web");

  auto get = Request::make(Verb::get, "/communities/rust");
  auto res = dispatch(router, get);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(body_of(res)["tag"], "fallback");
  EXPECT_EQ(get.route_name(), "web");
  EXPECT_EQ(body_of(dispatch(router, Verb::get, "/health"))["tag"], "health");

  auto head = dispatch(router, Verb::head, "/settings");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_GT(head.content_length.value_or(0), 0u);

  auto post = Request::make(Verb::post, "/settings");
  EXPECT_EQ(dispatch(router, post).status, 404);
  EXPECT_EQ(post.route_name(), kUnmatchedRoute);
  EXPECT_EQ(dispatch(router, Verb::get, "/inbox").status, 405) << "a known path keeps its 405";
  EXPECT_THROW(router.set_fallback(echo_params("again"), "web"), std::invalid_argument);
}

TEST(Router, RouteBodyLimitIsReported) {
  Router router;
  router.post("/api/v2/media", echo_params("media"), "media", {.body_limit = 40 << 20});
  auto req = Request::make(Verb::post, "/api/v2/media");
  EXPECT_EQ(router.match(req).body_limit, std::size_t{40 << 20});
}

TEST(Request, QueryParametersKeepListsAndDecode) {
  auto req =
      Request::make(Verb::get,
                    "/api/v1/notifications?types[]=mention&types[]=follow&limit=20&q=hello+world"
                    "&amp=%26&id=1&id=2&flag");
  const auto& q = req.query();
  EXPECT_EQ(q.all("types"), (std::vector<std::string_view>{"mention", "follow"}));
  EXPECT_EQ(q.all("types[]"), (std::vector<std::string_view>{"mention", "follow"}));
  EXPECT_EQ(q.get("limit"), "20");
  EXPECT_EQ(q.get("q"), "hello world");
  EXPECT_EQ(q.get("amp"), "&");
  EXPECT_EQ(q.all("id"), (std::vector<std::string_view>{"1", "2"}));
  EXPECT_EQ(q.get("id"), "1");
  EXPECT_TRUE(q.contains("flag"));
  EXPECT_FALSE(q.get("missing").has_value());
  EXPECT_EQ(req.path(), "/api/v1/notifications");
}

TEST(Request, HeadersAreCaseInsensitive) {
  auto req = Request::make(Verb::post, "/inbox", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(req.header("content-type"), "application/json");
  EXPECT_EQ(req.header("CONTENT-TYPE"), "application/json");
  EXPECT_FALSE(req.header("signature").has_value());
  EXPECT_EQ(req.body(), "{}");
  EXPECT_EQ(req.method_string(), "POST");
  EXPECT_THROW(Request::make(Verb::get, "http://absolute/form"), std::invalid_argument);
}

TEST(Response, FromErrorMapsKindsAndHidesInternals) {
  namespace core = guildhall::core;
  auto nf = Response::from_error(core::Error::not_found("Record not found"));
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(body_of(nf)["error"], "Record not found");
  EXPECT_EQ(nf.header("Content-Type"), kJsonContentType);
  auto internal = Response::from_error(core::Error::internal("SQL: relation users missing"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(body_of(internal)["error"], "Internal server error");
  EXPECT_EQ(Response::from_error(core::Error::unavailable("database down")).status, 503);
  EXPECT_EQ(Response::from_error(core::Error::too_large("too big")).status, 413);
}
