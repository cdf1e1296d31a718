#include "guildhall/federation/egress/client.hpp"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "test_server.hpp"

namespace guildhall::federation::egress {
namespace {

namespace asio = boost::asio;
using asio::ip::make_address;
using std::chrono::milliseconds;
using testing::TestRequest;
using testing::TestResponse;
using testing::TestServer;

// A public-looking address the tests route to a loopback server: the client checks this one.
const auto kPublic = make_address("93.184.216.34");
const auto kPublic2 = make_address("93.184.216.35");
const auto kLoopback = make_address("127.0.0.1");

// The client under test on an io_context run by a background thread; requests are blocking.
class Harness {
 public:
  explicit Harness(EgressOptions options, std::shared_ptr<Resolver> resolver = nullptr)
      : work_(asio::make_work_guard(io_)),
        client_(io_.get_executor(), std::move(options), std::move(resolver)) {
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Harness() {
    client_.close_idle();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  core::Result<EgressResponse> get(std::string url) {
    return client_.request_blocking({.method = Method::get, .url = std::move(url)});
  }
  core::Result<EgressResponse> send(EgressRequest r) {
    return client_.request_blocking(std::move(r));
  }
  EgressClient& client() { return client_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  EgressClient client_;
  std::thread thread_;
};

// Loopback allowed: the integration tests that exercise HTTP itself.
EgressOptions open_options() {
  EgressOptions o;
  o.allow_http = true;
  o.allow_private_addresses = true;
  o.allow_any_port = true;
  o.total_timeout = milliseconds(5'000);
  return o;
}

// Production policy, except plain http and any port (the test servers listen on ephemeral ports).
EgressOptions strict_options() {
  EgressOptions o = open_options();
  o.allow_private_addresses = false;
  return o;
}

std::string echo_headers(const TestRequest& req) {
  std::string out;
  for (const auto& f : req)
    out += std::string(f.name_string()) + ": " + std::string(f.value()) + "\n";
  return out;
}

void add_echo(TestServer& server) {
  server.route("/echo", [](const TestRequest& req) -> asio::awaitable<TestResponse> {
    TestResponse res{testing::http::status::ok, req.version()};
    res.set("X-Method", std::string(req.method_string()));
    res.body() = echo_headers(req) + "\n" + req.body();
    co_return res;
  });
}

// ---- SSRF policy: refused before connecting ----

TEST(EgressClient, LoopbackLiteralRefusedBeforeConnecting) {
  TestServer server;
  server.text("/", "hello");
  Harness h(strict_options());
  auto r = h.get(server.url("/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::forbidden) << r.error().message;
  EXPECT_FALSE(is_transient(r.error()));
  EXPECT_EQ(server.connections(), 0u);
}

TEST(EgressClient, DeniedLiteralsRefusedBeforeConnecting) {
  TestServer server;
  server.text("/", "hello");
  const std::string port = std::to_string(server.port());
  Harness h(strict_options());
  for (const std::string& url : std::vector<std::string>{
           "http://[::1]:" + port + "/", "http://[::ffff:127.0.0.1]:" + port + "/",
           "http://[::ffff:7f00:1]:" + port + "/", "http://0.0.0.0:" + port + "/",
           "http://[::]:" + port + "/", "http://169.254.169.254/latest/meta-data/",
           "http://[64:ff9b::7f00:1]:" + port + "/", "http://10.0.0.1/"}) {
    auto r = h.get(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().kind, core::ErrorKind::forbidden) << url << ": " << r.error().message;
  }
  EXPECT_EQ(server.connections(), 0u);
}

TEST(EgressClient, SystemResolverFindsLocalhost) {
  TestServer server;
  server.text("/", "via getaddrinfo");
  // /etc/hosts maps localhost (perhaps to ::1 first, where nothing listens: the client then tries
  // the next address).
  Harness h(open_options());
  auto r = h.get("http://localhost:" + std::to_string(server.port()) + "/");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "via getaddrinfo");
  Harness strict(strict_options());
  auto refused = strict.get("http://localhost:" + std::to_string(server.port()) + "/");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, core::ErrorKind::forbidden);
}

TEST(EgressClient, NamesResolvingToDeniedAddressesAreRefused) {
  TestServer server;
  server.text("/", "hello");
  const std::vector<std::string> denied = {
      "127.0.0.1",       "0.0.0.0",      "10.0.0.1",    "100.64.0.1",       "169.254.169.254",
      "172.16.0.1",      "192.0.0.8",    "192.0.2.1",   "192.88.99.1",      "192.168.1.1",
      "198.18.0.1",      "198.51.100.1", "203.0.113.1", "224.0.0.1",        "240.0.0.1",
      "255.255.255.255", "::",           "::1",         "::ffff:127.0.0.1", "::127.0.0.1",
      "64:ff9b::7f00:1", "64:ff9b:1::1", "100::1",      "2001::1",          "2001:db8::1",
      "2002:7f00:1::1",  "3fff::1",      "fc00::1",     "fe80::1",          "ff02::1",
  };
  auto dns = std::make_shared<StaticResolver>();
  for (std::size_t i = 0; i < denied.size(); ++i) {
    const std::string host = "h" + std::to_string(i) + ".test";
    const auto address = make_address(denied[i]);
    dns->add(host, address);
    // Even if the address led to our server, nothing may connect.
    dns->route({address, 80}, {kLoopback, server.port()});
  }
  Harness h(strict_options(), dns);
  for (std::size_t i = 0; i < denied.size(); ++i) {
    auto r = h.get("http://h" + std::to_string(i) + ".test/");
    ASSERT_FALSE(r) << denied[i];
    EXPECT_EQ(r.error().kind, core::ErrorKind::forbidden) << denied[i] << ": " << r.error().message;
  }
  EXPECT_EQ(server.connections(), 0u);
}

TEST(EgressClient, OneDeniedAnswerAmongSeveralRefusesTheHost) {
  TestServer server;
  server.text("/", "hello");
  auto dns = std::make_shared<StaticResolver>();
  dns->add("mixed.test", kPublic);
  dns->add("mixed.test", make_address("10.0.0.1"));
  dns->route({kPublic, 80}, {kLoopback, server.port()});
  Harness h(strict_options(), dns);
  auto r = h.get("http://mixed.test/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::forbidden);
  EXPECT_EQ(server.connections(), 0u);
}

TEST(EgressClient, PrivateNamesRefusedWithoutLookup) {
  auto dns = std::make_shared<StaticResolver>();
  Harness h(strict_options(), dns);
  for (std::string host : {"localhost", "a.localhost", "printer.local", "db.internal", "xyz.onion",
                           "intranet", "router.home.arpa"}) {
    auto r = h.get("http://" + host + "/");
    ASSERT_FALSE(r) << host;
    EXPECT_EQ(r.error().kind, core::ErrorKind::forbidden) << host;
    EXPECT_EQ(dns->lookups(host), 0u) << host;
  }
}

TEST(EgressClient, DeniedHostsAndPortsAndPlainHttpByDefault) {
  TestServer server;
  server.text("/", "hello");
  auto dns = std::make_shared<StaticResolver>();
  dns->add("public.test", kPublic);
  dns->add("guild.example", kPublic);
  dns->route({kPublic, 443}, {kLoopback, server.port()});
  EgressOptions o;  // production defaults: https only, ports 443/80 only
  o.denied_hosts = {"guild.example"};
  Harness h(o, dns);
  for (std::string url :
       {"http://public.test/", "https://public.test:22/", "https://public.test:6379/",
        "https://public.test:5432/", "https://guild.example/", "https://sub.guild.example/"}) {
    auto r = h.get(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().kind, core::ErrorKind::forbidden) << url << ": " << r.error().message;
  }
  EXPECT_EQ(server.connections(), 0u);
}

TEST(EgressClient, BadUrlsAreInvalidInput) {
  Harness h(open_options());
  for (std::string url : {"ftp://a.test/", "http://user@a.test/", "http://2130706433/",
                          "http://0x7f.1/", "http://017700000001/", "not a url"}) {
    auto r = h.get(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().kind, core::ErrorKind::invalid_input) << url;
  }
  auto r = h.send({.url = "http://a.test/", .headers = {{"X-Evil", "a\r\nInjected: 1"}}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::invalid_input);
}

// ---- HTTP ----

TEST(EgressClient, GetAndPost) {
  TestServer server;
  add_echo(server);
  Harness h(open_options());
  auto g = h.get(server.url("/echo?q=1"));
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->status, 200);
  EXPECT_EQ(g->header("x-method"), "GET");
  EXPECT_NE(g->body.find("User-Agent: Guildhall/"), std::string::npos) << g->body;
  EXPECT_NE(g->body.find("Accept-Encoding: identity"), std::string::npos) << g->body;
  EXPECT_EQ(g->final_url.str(), server.url("/echo?q=1"));
  EXPECT_EQ(server.received().at(0).target(), "/echo?q=1");

  auto p = h.send({.method = Method::post,
                   .url = server.url("/echo"),
                   .headers = {{"Content-Type", "application/activity+json"},
                               {"Accept-Encoding", "gzip"},
                               {"Host", "evil.test"}},
                   .body = R"({"type":"Like"})"});
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->header("X-Method"), "POST");
  EXPECT_NE(p->body.find("Content-Length: 15"), std::string::npos) << p->body;
  EXPECT_NE(p->body.find("Accept-Encoding: identity"), std::string::npos);
  EXPECT_EQ(p->body.find("gzip"), std::string::npos);
  EXPECT_EQ(p->body.find("evil.test"), std::string::npos);
  EXPECT_TRUE(p->body.ends_with(R"({"type":"Like"})"));
  EXPECT_EQ(classify(p->status), Disposition::success);
}

TEST(EgressClient, KeepAliveReusesOneConnection) {
  TestServer server;
  server.text("/a", "one");
  server.text("/b", "two");
  Harness h(open_options());
  auto a = h.get(server.url("/a"));
  auto b = h.get(server.url("/b"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->body, "one");
  EXPECT_EQ(b->body, "two");
  EXPECT_FALSE(a->reused_connection);
  EXPECT_TRUE(b->reused_connection);
  EXPECT_EQ(server.connections(), 1u);
  const auto stats = h.client().stats();
  EXPECT_EQ(stats.connections_opened, 1u);
  EXPECT_EQ(stats.requests_reused, 1u);
  ASSERT_EQ(stats.hosts.size(), 1u);
  EXPECT_EQ(stats.hosts[0].authority, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(stats.hosts[0].open, 1u);
  EXPECT_EQ(stats.hosts[0].idle, 1u);
  h.client().close_idle();
  EXPECT_EQ(h.client().stats().open, 0u);
}

TEST(EgressClient, ConcurrentRequestsOpenSeparateConnectionsThenPoolThem) {
  TestServer server;
  server.route("/held", [&server](const TestRequest& req) -> asio::awaitable<TestResponse> {
    co_await server.gate();
    TestResponse res{testing::http::status::ok, req.version()};
    res.body() = "done";
    co_return res;
  });
  asio::io_context io;
  EgressClient client(io.get_executor(), open_options());
  int ok = 0;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          // A named request: g++ 12 mishandles aggregate temporaries inside co_await.
          EgressRequest request{.url = server.url("/held")};
          auto r = co_await client.request(std::move(request));
          ok += r && r->body == "done";
        },
        asio::detached);
  }
  // Release once all three are in the handler: requests() counts requests read by the server.
  asio::steady_timer poll(io);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (server.requests() < 3) {
          poll.expires_after(milliseconds(1));
          co_await poll.async_wait(asio::use_awaitable);
        }
        server.release();
      },
      asio::detached);
  io.run();
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(server.connections(), 3u);
  EXPECT_EQ(client.stats().idle, 3u);
}

TEST(EgressClient, FollowsRelativeRedirect) {
  TestServer server;
  server.redirect("/old", "/new?x=1", 301);
  server.text("/new", "moved");
  Harness h(open_options());
  auto r = h.get(server.url("/old"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "moved");
  EXPECT_EQ(r->redirects, 1u);
  EXPECT_EQ(r->final_url.str(), server.url("/new?x=1"));
  EXPECT_EQ(server.connections(), 1u);  // same origin: the connection is reused
}

TEST(EgressClient, RedirectToDeniedAddressRefusedAtThatHop) {
  TestServer server;
  server.redirect("/start", server.url("/internal"));  // http://127.0.0.1:PORT/internal
  server.text("/internal", "secret");
  auto dns = std::make_shared<StaticResolver>();
  dns->add("public.test", {kPublic, server.port()});
  dns->route({kPublic, server.port()}, {kLoopback, server.port()});
  Harness h(strict_options(), dns);
  auto r = h.get("http://public.test/start");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::forbidden) << r.error().message;
  EXPECT_EQ(server.hits("/start"), 1u);
  EXPECT_EQ(server.hits("/internal"), 0u);
  EXPECT_EQ(server.requests(), 1u);
}

TEST(EgressClient, RedirectToNameResolvingPrivatelyRefused) {
  TestServer server;
  server.redirect("/start", "http://sneaky.test/internal");
  server.text("/internal", "secret");
  auto dns = std::make_shared<StaticResolver>();
  dns->add("public.test", kPublic);
  dns->add("sneaky.test", make_address("169.254.169.254"));
  dns->route({kPublic, 80}, {kLoopback, server.port()});
  dns->route({make_address("169.254.169.254"), 80}, {kLoopback, server.port()});
  EgressOptions o = strict_options();
  o.allow_any_port = false;
  Harness h(o, dns);
  auto r = h.get("http://public.test/start");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::forbidden);
  EXPECT_EQ(server.hits("/internal"), 0u);
}

TEST(EgressClient, RedirectLimitAndLoops) {
  TestServer server;
  for (int i = 0; i < 10; ++i)
    server.redirect("/hop" + std::to_string(i), "/hop" + std::to_string(i + 1));
  server.redirect("/self", "/self");
  server.redirect("/a", "/b");
  server.redirect("/b", "/a");
  Harness h(open_options());
  auto r = h.get(server.url("/hop0"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::invalid_input) << r.error().message;
  EXPECT_EQ(server.requests(), 4u);  // the first request and 3 redirects
  EXPECT_EQ(server.hits("/hop4"), 0u);

  auto self = h.get(server.url("/self"));
  ASSERT_FALSE(self);
  EXPECT_NE(self.error().message.find("loop"), std::string::npos) << self.error().message;
  EXPECT_EQ(server.hits("/self"), 1u);

  auto cycle = h.get(server.url("/a"));
  ASSERT_FALSE(cycle);
  EXPECT_EQ(server.hits("/a"), 1u);
  EXPECT_EQ(server.hits("/b"), 1u);

  // Three redirects are fine.
  server.text("/hop3", "arrived");
  auto ok = h.get(server.url("/hop0"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->redirects, 3u);
}

TEST(EgressClient, RedirectToOtherSchemesRefused) {
  TestServer server;
  server.redirect("/file", "file:///etc/passwd");
  server.redirect("/gopher", "gopher://127.0.0.1:6379/_INFO");
  server.redirect("/data", "data:application/activity+json,{}");
  server.redirect("/ftp", "ftp://127.0.0.1/");
  Harness h(open_options());
  for (std::string path : {"/file", "/gopher", "/data", "/ftp"}) {
    auto r = h.get(server.url(path));
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().kind, core::ErrorKind::invalid_input) << path;
  }
}

TEST(EgressClient, PostDoesNotFollowRedirects) {
  TestServer server;
  server.redirect("/inbox", "/elsewhere", 307);
  add_echo(server);
  Harness h(open_options());
  auto r = h.send({.method = Method::post, .url = server.url("/inbox"), .body = "{}"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 307);
  EXPECT_EQ(r->header("location"), "/elsewhere");
  EXPECT_EQ(server.hits("/elsewhere"), 0u);
  auto g = h.send({.url = server.url("/inbox"), .follow_redirects = false});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->status, 307);
}

TEST(EgressClient, CrossOriginRedirectDropsCredentialsAndSignsEachHop) {
  TestServer server;
  add_echo(server);
  auto dns = std::make_shared<StaticResolver>();
  dns->add("a.test", {kLoopback, server.port()});
  dns->add("b.test", {kLoopback, server.port()});
  server.redirect("/go", "http://b.test/echo");
  Harness h(open_options(), dns);
  std::vector<std::string> signed_urls;
  auto r = h.send({.url = "http://a.test/go",
                   .headers = {{"Authorization", "Bearer secret"}, {"Accept", "application/json"}},
                   .sign = [&](const OutgoingRequest& out, Headers& headers) -> core::Result<void> {
                     signed_urls.push_back(out.url.str());
                     headers.emplace_back("Signature", "for " + out.url.host);
                     return {};
                   }});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->final_url.origin(), "http://b.test");
  EXPECT_EQ(signed_urls, (std::vector<std::string>{"http://a.test/go", "http://b.test/echo"}));
  EXPECT_EQ(r->body.find("secret"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("Accept: application/json"), std::string::npos);
  EXPECT_NE(r->body.find("Signature: for b.test"), std::string::npos);
  EXPECT_NE(r->body.find("Host: b.test"), std::string::npos);
}

// ---- limits ----

TEST(EgressClient, BodyCapWithContentLengthAndChunked) {
  TestServer server;
  const std::string ten_mb(10 * 1024 * 1024, 'x');
  server.text("/big", ten_mb);
  server.route("/big-chunked", [&ten_mb](const TestRequest& req) -> asio::awaitable<TestResponse> {
    TestResponse res{testing::http::status::ok, req.version()};
    res.body() = ten_mb;
    res.chunked(true);
    co_return res;
  });
  server.text("/small", "ok");
  EgressOptions o = open_options();
  o.max_body = 1024 * 1024;
  Harness h(o);
  ASSERT_TRUE(h.get(server.url("/small")));
  for (std::string path : {"/big", "/big-chunked"}) {
    auto r = h.get(server.url(path));
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().kind, core::ErrorKind::too_large) << path << ": " << r.error().message;
    EXPECT_FALSE(is_transient(r.error()));
    EXPECT_EQ(h.client().stats().idle, 0u) << path;  // never back in the pool
  }
  // Each oversized response cost its connection.
  auto again = h.get(server.url("/small"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->reused_connection);
  EXPECT_EQ(server.connections(), 3u);

  // A per-request cap raises the limit (media downloads).
  auto media = h.send({.url = server.url("/big"), .max_body = 11 * 1024 * 1024});
  ASSERT_TRUE(media) << media.error().message;
  EXPECT_EQ(media->body.size(), ten_mb.size());
}

TEST(EgressClient, HugeHeadersAreTooLarge) {
  TestServer server;
  server.route("/headers", [](const TestRequest& req) -> asio::awaitable<TestResponse> {
    TestResponse res{testing::http::status::ok, req.version()};
    for (int i = 0; i < 4; ++i)  // 32 KiB of headers (Beast caps one field value at 64 KiB)
      res.insert("X-Big-" + std::to_string(i), std::string(8 * 1024, 'h'));
    co_return res;
  });
  Harness h(open_options());
  auto r = h.get(server.url("/headers"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::too_large) << r.error().message;
}

TEST(EgressClient, CompressedResponseRefused) {
  TestServer server;
  server.route("/gz", [](const TestRequest& req) -> asio::awaitable<TestResponse> {
    TestResponse res{testing::http::status::ok, req.version()};
    res.set(testing::http::field::content_encoding, "gzip");
    res.body() = std::string("\x1f\x8b\x08\x00", 4);
    co_return res;
  });
  Harness h(open_options());
  auto r = h.get(server.url("/gz"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::invalid_input) << r.error().message;
}

TEST(EgressClient, SlowServerHitsTotalDeadline) {
  TestServer server;
  server.route("/slow", [&server](const TestRequest& req) -> asio::awaitable<TestResponse> {
    co_await server.gate();
    co_return TestResponse{testing::http::status::ok, req.version()};
  });
  EgressOptions o = open_options();
  o.total_timeout = milliseconds(200);
  Harness h(o);
  const auto start = std::chrono::steady_clock::now();
  auto r = h.get(server.url("/slow"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  server.release();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::unavailable);
  EXPECT_TRUE(is_transient(r.error()));
  EXPECT_NE(r.error().message.find("timeout"), std::string::npos) << r.error().message;
  EXPECT_GE(elapsed, milliseconds(150));
  EXPECT_LT(elapsed, milliseconds(2'000));
  EXPECT_EQ(h.client().stats().open, 0u);
}

TEST(EgressClient, StalledBodyHitsIdleTimeout) {
  TestServer server;
  // Headers promise 100 bytes; 10 come, then nothing.
  server.route("/drip", [&server](const TestRequest& req) -> asio::awaitable<TestResponse> {
    co_await server.gate();
    co_return TestResponse{testing::http::status::ok, req.version()};
  });
  EgressOptions o = open_options();
  o.idle_timeout = milliseconds(150);
  o.total_timeout = milliseconds(10'000);
  Harness h(o);
  const auto start = std::chrono::steady_clock::now();
  auto r = h.get(server.url("/drip"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  server.release();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::unavailable);
  EXPECT_NE(r.error().message.find("timeout"), std::string::npos);
  EXPECT_LT(elapsed, milliseconds(2'000));
}

TEST(EgressClient, ConnectionRefusedIsUnavailable) {
  std::uint16_t port = 0;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {kLoopback, 0});
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  Harness h(open_options());
  auto r = h.get("http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::unavailable) << r.error().message;
  EXPECT_TRUE(is_transient(r.error()));
}

TEST(EgressClient, FallsBackToTheNextAddress) {
  std::uint16_t dead = 0;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {kLoopback, 0});
    dead = a.local_endpoint().port();
  }
  TestServer server;
  server.text("/", "second");
  auto dns = std::make_shared<StaticResolver>();
  dns->add("multi.test", kPublic);
  dns->add("multi.test", kPublic2);
  dns->route({kPublic, 80}, {kLoopback, dead});
  dns->route({kPublic2, 80}, {kLoopback, server.port()});
  Harness h(strict_options(), dns);
  auto r = h.get("http://multi.test/");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "second");
}

TEST(EgressClient, UnknownNameIsUnavailable) {
  auto dns = std::make_shared<StaticResolver>();
  Harness h(strict_options(), dns);
  auto r = h.get("http://nowhere.test/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::unavailable);
}

// ---- DNS rebinding and connection reuse edge cases ----

TEST(EgressClient, EachLookupIsCheckedAndPinned) {
  TestServer server;
  server.text("/", "hello");
  auto dns = std::make_shared<StaticResolver>();
  dns->script("rebind.test", 0, {{kPublic, 0}});
  dns->script("rebind.test", 1, {{kLoopback, 0}});
  dns->route({kPublic, 80}, {kLoopback, server.port()});
  EgressOptions o = strict_options();
  o.allow_any_port = false;
  Harness h(o, dns);
  auto first = h.get("http://rebind.test/");
  ASSERT_TRUE(first) << first.error().message;
  // The pooled connection goes to the address checked when it was opened: no new lookup.
  auto pinned = h.get("http://rebind.test/");
  ASSERT_TRUE(pinned) << pinned.error().message;
  EXPECT_TRUE(pinned->reused_connection);
  EXPECT_EQ(dns->lookups("rebind.test"), 1u);
  // A new connection needs a new lookup, and that answer is checked again.
  h.client().close_idle();
  auto second = h.get("http://rebind.test/");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, core::ErrorKind::forbidden);
  EXPECT_EQ(dns->lookups("rebind.test"), 2u);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(server.requests(), 2u);
}

TEST(EgressClient, StaleConnectionRetriedForGet) {
  TestServer server;
  server.text("/", "hello");
  server.drop_request_number = 2;  // the reused connection dies under the second request
  Harness h(open_options());
  ASSERT_TRUE(h.get(server.url("/")));
  auto r = h.get(server.url("/"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->reused_connection);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(server.requests(), 3u);
}

TEST(EgressClient, StaleConnectionNotRetriedForPost) {
  TestServer server;
  server.text("/inbox", "accepted");
  server.drop_request_number = 2;
  Harness h(open_options());
  ASSERT_TRUE(h.send({.method = Method::post, .url = server.url("/inbox"), .body = "1"}));
  auto r = h.send({.method = Method::post, .url = server.url("/inbox"), .body = "2"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::unavailable) << r.error().message;
  EXPECT_TRUE(is_transient(r.error()));
  EXPECT_EQ(server.hits("/inbox"), 2u);  // it did arrive: a silent retry would have duplicated it
  EXPECT_EQ(server.connections(), 1u);
}

TEST(EgressClient, PeerClosedIdleConnectionIsNotReused) {
  TestServer server;
  server.text("/", "hello");
  server.close_after_response = true;
  Harness h(open_options());
  for (std::size_t i = 0; i < 3; ++i) {
    auto r = h.send({.method = Method::post, .url = server.url("/"), .body = "x"});
    ASSERT_TRUE(r) << i << ": " << r.error().message;
    // The close races the next request on a loaded machine; once it has happened, the pool must
    // notice it and open a new connection instead of failing the POST.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (server.closed() < i + 1 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    ASSERT_EQ(server.closed(), i + 1);
  }
  EXPECT_EQ(server.requests(), 3u);
}

// ---- TLS ----

class EgressTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cert_ = new testing::TestCertificate(testing::make_self_signed("tls.test"));
  }
  static void TearDownTestSuite() { delete cert_; }
  static testing::TestCertificate* cert_;
};
testing::TestCertificate* EgressTls::cert_ = nullptr;

TEST_F(EgressTls, SelfSignedRefusedByDefault) {
  TestServer server(cert_);
  server.text("/", "secure");
  auto dns = std::make_shared<StaticResolver>();
  dns->add("tls.test", {kLoopback, server.port()});
  EgressOptions o = open_options();
  o.allow_http = false;
  Harness h(o, dns);
  auto r = h.get("https://tls.test/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::unavailable);
  EXPECT_NE(r.error().message.find("tls"), std::string::npos) << r.error().message;
  EXPECT_EQ(server.requests(), 0u);
}

TEST_F(EgressTls, AcceptedWithExtraTrustAnchorAndReused) {
  TestServer server(cert_);
  server.text("/", "secure");
  auto dns = std::make_shared<StaticResolver>();
  dns->add("tls.test", {kLoopback, server.port()});
  EgressOptions o = open_options();
  o.allow_http = false;
  o.extra_ca_pem = cert_->cert_pem;
  Harness h(o, dns);
  auto a = h.get("https://tls.test/");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->body, "secure");
  auto b = h.get("https://tls.test/");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_TRUE(b->reused_connection);
  EXPECT_EQ(server.connections(), 1u);
  // Certificates are checked for IP literals too (the SAN has 127.0.0.1).
  auto literal = h.get(server.url("/"));
  ASSERT_TRUE(literal) << literal.error().message;
}

TEST_F(EgressTls, WrongHostRefusedEvenWhenTrusted) {
  TestServer server(cert_);
  server.text("/", "secure");
  auto dns = std::make_shared<StaticResolver>();
  dns->add("other.test", {kLoopback, server.port()});
  EgressOptions o = open_options();
  o.extra_ca_pem = cert_->cert_pem;
  Harness h(o, dns);
  auto r = h.get("https://other.test/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::unavailable);
  EXPECT_EQ(server.requests(), 0u);
}

TEST_F(EgressTls, HttpsToHttpDowngradeRefused) {
  TestServer server(cert_);
  TestServer plain;
  plain.text("/ok", "plain");
  server.redirect("/down", "http://tls.test/ok");
  auto dns = std::make_shared<StaticResolver>();
  dns->add("tls.test", {kLoopback, server.port()});
  EgressOptions o = open_options();
  o.allow_http = false;
  o.extra_ca_pem = cert_->cert_pem;
  Harness h(o, dns);
  auto r = h.get("https://tls.test/down");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, core::ErrorKind::forbidden) << r.error().message;
  EXPECT_NE(r.error().message.find("https to http"), std::string::npos);
  EXPECT_EQ(plain.connections(), 0u);
}

TEST(EgressClientConstruction, RejectsBadExtraCa) {
  asio::io_context io;
  EgressOptions o;
  o.extra_ca_pem = "not a certificate";
  EXPECT_THROW(EgressClient(io.get_executor(), o), std::invalid_argument);
}

// ---- convenience ----

TEST(EgressClient, FetchOnce) {
  TestServer server;
  server.text("/", "once");
  auto r = EgressClient::fetch_once(open_options(), {.url = server.url("/")});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "once");
}

TEST(EgressClient, HeadHasNoBody) {
  TestServer server;
  server.text("/", "body");
  Harness h(open_options());
  auto r = h.send({.method = Method::head, .url = server.url("/")});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.empty());
}

}  // namespace
}  // namespace guildhall::federation::egress
