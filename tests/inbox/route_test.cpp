// The inbox routes through the real router and blocking pool (no socket): statuses, bodies,
// the body limit and 405 for GET.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "guildhall/server/admin.hpp"
#include "guildhall/server/http/request.hpp"

#include "app_context.hpp"
#include "federation_runtime.hpp"
#include "inbox_fixture.hpp"

namespace guildhall::federation::inbox::testing {
namespace {

namespace asio = boost::asio;
namespace http = guildhall::server::http;

class Route : public InboxFixture {
 protected:
  Route()
      : config_(make_config()), pool_(1), runtime_(make_runtime()), app_{config_,  *db_,  pool_,
                                                                         metrics_, urls_, peers_,
                                                                         *runtime_} {
    server::routes::register_inbox(router_, app_, *inbox_);
  }

  static server::Config make_config() {
    server::Config config;
    config.domain = "us.example";
    return config;
  }

  // The routes do not use it, but AppContext holds one (the instance actor's key must exist).
  std::unique_ptr<server::FederationRuntime> make_runtime() {
    server::Admin(*db_, config_).ensure_instance_actor().value();
    return server::FederationRuntime::create(config_, *db_, peers_).value();
  }

  http::Response dispatch(http::Request& req) {
    asio::io_context ioc;
    auto future = asio::co_spawn(ioc, router_.dispatch(req), asio::use_future);
    ioc.run();
    return future.get();
  }

  http::Response post_signed(const std::string& body, const std::string& target, bool sign = true) {
    InboxRequest in = signed_request(body, kAlice, target);
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& [k, v] : in.headers.fields())
      if (sign || (k != "Signature"))
        headers.emplace_back(k, v);
    http::Request req = http::Request::make(http::Verb::post, target, body, headers);
    return dispatch(req);
  }

  server::Config config_;
  http::BlockingPool pool_;
  http::Metrics metrics_;
  std::unique_ptr<server::FederationRuntime> runtime_;
  server::AppContext app_;
  http::Router router_;
};

std::string follow_body(const std::string& id, const std::string& object) {
  return nlohmann::json{{"id", id}, {"type", "Follow"}, {"actor", kAlice}, {"object", object}}
      .dump();
}

TEST_F(Route, SharedInboxAnswers202WithEmptyJson) {
  auto res = post_signed(follow_body("https://a.example/f/1", kDave), "/inbox");
  EXPECT_EQ(res.status, 202) << res.body;
  EXPECT_EQ(nlohmann::json::parse(res.body), nlohmann::json::object());
  EXPECT_EQ(log_rows(), 1);
}

TEST_F(Route, PersonalInboxAndUnknownHandle) {
  EXPECT_EQ(post_signed(follow_body("https://a.example/f/1", kDave), "/users/dave/inbox").status,
            202);
  auto res = post_signed(follow_body("https://a.example/f/2", kDave), "/users/nobody/inbox");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(log_rows(), 1);
}

TEST_F(Route, UnsignedIs401WithErrorJson) {
  auto res = post_signed(follow_body("https://a.example/f/1", kDave), "/inbox", false);
  EXPECT_EQ(res.status, 401);
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["error"].get<std::string>().rfind("signature_missing", 0), 0u);
  EXPECT_EQ(log_rows(), 0);
}

TEST_F(Route, GetIs405AndBodyLimitIsOneMebibyte) {
  http::Request get = http::Request::make(http::Verb::get, "/inbox");
  EXPECT_EQ(dispatch(get).status, 405);
  http::Request post = http::Request::make(http::Verb::post, "/users/dave/inbox");
  auto match = router_.match(post);
  ASSERT_EQ(match.kind, http::Match::Kind::found);
  EXPECT_EQ(match.body_limit, 1024u * 1024u);
}

}  // namespace
}  // namespace guildhall::federation::inbox::testing
