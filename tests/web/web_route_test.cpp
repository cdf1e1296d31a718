// The web app route end to end: the real `guildhall serve` with `web.root` pointing at a small
// stand-in for web/dist (so this test needs no Node.js), queried as browsers, peers and attackers
// would.
#include <filesystem>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "guildhall/testrig/http_client.hpp"
#include "guildhall/testrig/process.hpp"

namespace {

namespace fs = std::filesystem;
using namespace guildhall::testrig;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr char kBrowserAccept[] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
constexpr char kIndex[] = "<!doctype html><html><body><div id=\"app\"></div></body></html>";
constexpr char kScript[] = "console.log('app');";
constexpr char kSecret[] = "TOP-SECRET-OUTSIDE-THE-WEB-ROOT";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

struct Server {
  std::unique_ptr<Process> process;
  std::uint16_t port = 0;

  HttpResponse get(const std::string& target, const std::map<std::string, std::string>& headers = {
                                                  {"Accept", kBrowserAccept}}) const {
    return http_request("127.0.0.1", port, "GET", target, "", headers);
  }
};

Server start(const fs::path& data_dir, const fs::path& web_root) {
  Server s;
  s.process = std::make_unique<Process>(
      guildhall_binary(), std::vector<std::string>{"serve"},
      std::map<std::string, std::string>{{"GUILDHALL_DATA_DIR", data_dir.string()},
                                         {"GUILDHALL_LISTEN", "127.0.0.1:0"},
                                         {"GUILDHALL_DOMAIN", "guild.test"},
                                         {"GUILDHALL_HTTP_THREADS", "2"},
                                         {"GUILDHALL_WEB_ROOT", web_root.string()}});
  auto line = s.process->wait_for_line("listening on http://", 60s);
  if (!line) {
    ADD_FAILURE() << "server did not start:\n" << s.process->output();
    return s;
  }
  std::smatch m;
  if (std::regex_search(*line, m, std::regex(R"(127\.0\.0\.1:(\d+))")))
    s.port = static_cast<std::uint16_t>(std::stoi(m[1]));
  return s;
}

class WebRoute : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    base_ = fs::temp_directory_path() / ("guildhall-web-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    const auto root = base_ / "dist";
    write(root / "index.html", kIndex);
    write(root / "assets" / "index-B4x9kQ2a.js", kScript);
    write(root / "assets" / "index-Cz81mQ0p.css", "body{margin:0}");
    write(root / "favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    write(root / "robots.txt", "User-agent: *\n");
    write(root / ".env", "hidden");
    write(base_ / "secret.txt", kSecret);
    fs::create_directory_symlink(base_, root / "escape");
    // A trailing slash in web.root is fine too.
    server_ = new Server(start(base_ / "data", root.string() + "/"));
    ASSERT_NE(server_->port, 0);
  }

  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(server_->process->stop(SIGTERM, 30s), 0) << server_->process->output();
      delete server_;
      server_ = nullptr;
    }
    fs::remove_all(base_);
  }

  static void expect_app_page(const HttpResponse& res, const std::string& what) {
    EXPECT_EQ(res.status, 200) << what;
    EXPECT_EQ(res.body, kIndex) << what;
    EXPECT_EQ(res.headers.at("content-type"), "text/html; charset=utf-8") << what;
    EXPECT_EQ(res.headers.at("cache-control"), "no-cache") << what;
  }

  static void expect_json_404(HttpResponse res, const std::string& what) {
    EXPECT_EQ(res.status, 404) << what << ": " << res.body;
    EXPECT_TRUE(res.headers["content-type"].starts_with("application/json")) << what;
    EXPECT_EQ(res.body.find("<!doctype"), std::string::npos) << what;
  }

  static inline fs::path base_;
  static inline Server* server_ = nullptr;
};

TEST_F(WebRoute, IndexIsServedWithRevalidationAndSecurityHeaders) {
  auto res = server_->get("/");
  expect_app_page(res, "/");
  EXPECT_FALSE(res.headers["etag"].empty());
  EXPECT_TRUE(std::regex_match(res.headers["last-modified"],
                               std::regex(R"(\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT)")))
      << res.headers["last-modified"];
  EXPECT_NE(res.headers["content-security-policy"].find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(res.headers["x-content-type-options"], "nosniff");
  expect_app_page(server_->get("/index.html"), "/index.html");
  // Whatever the client accepts, / is the app.
  expect_app_page(server_->get("/", {{"Accept", "*/*"}}), "/ with */*");
}

TEST_F(WebRoute, HashedAssetsAreImmutableWithTheirContentTypes) {
  auto js = server_->get("/assets/index-B4x9kQ2a.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, kScript);
  EXPECT_EQ(js.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(js.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(server_->get("/assets/index-Cz81mQ0p.css").headers["content-type"],
            "text/css; charset=utf-8");
  auto svg = server_->get("/favicon.svg");
  EXPECT_EQ(svg.headers["content-type"], "image/svg+xml");
  EXPECT_EQ(svg.headers["cache-control"], "no-cache") << "unhashed files are revalidated";
  EXPECT_EQ(server_->get("/robots.txt").headers["content-type"], "text/plain; charset=utf-8");

  auto head = http_request("127.0.0.1", server_->port, "HEAD", "/assets/index-B4x9kQ2a.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.headers["content-length"], std::to_string(std::string(kScript).size()));
}

TEST_F(WebRoute, ConditionalRequestsGet304) {
  const auto first = server_->get("/assets/index-B4x9kQ2a.js");
  const auto etag = first.headers.at("etag");
  auto again = server_->get("/assets/index-B4x9kQ2a.js", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.headers["etag"], etag);
  auto other = server_->get("/assets/index-B4x9kQ2a.js", {{"If-None-Match", "\"stale\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(server_->get("/", {{"If-None-Match", server_->get("/").headers["etag"]}}).status, 304);
}

TEST_F(WebRoute, ClientSideRoutesGetTheAppPage) {
  for (const char* target : {"/communities", "/settings", "/settings/profile", "/notifications",
                             "/@alice", "/@bob@company-b.example", "/sign-in?next=%2Fsettings"}) {
    auto res = server_->get(target);
    expect_app_page(res, target);
    EXPECT_EQ(res.headers["vary"], "Accept") << target;
  }
  expect_app_page(server_->get("/communities", {}), "no Accept header at all");
}

TEST_F(WebRoute, ServerPathsAndActivityPubRequestsNeverGetTheAppPage) {
  for (const char* target : {"/api/v1/nothing", "/api", "/oauth/nothing", "/.well-known/nothing",
                             "/users/nobody", "/c/nothing/deep/path", "/nodeinfo/9.9",
                             "/web/nothing", "/actor/nothing", "/inbox/nothing"})
    expect_json_404(server_->get(target), target);
  for (const char* accept :
       {"application/activity+json",
        "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
        "application/json"})
    expect_json_404(server_->get("/communities", {{"Accept", accept}}), accept);
  // Real routes keep answering as themselves.
  auto health = server_->get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(json::parse(health.body)["status"], "ok");
  EXPECT_EQ(server_->get("/metrics").status, 200);
  EXPECT_EQ(server_->get("/inbox").status, 405);
  // Writes to unknown paths are not the app's business.
  EXPECT_EQ(http_request("127.0.0.1", server_->port, "POST", "/communities", "{}").status, 404);
}

TEST_F(WebRoute, MissingFilesAre404NotTheAppPage) {
  for (const char* target : {"/assets/index-gone1234.js", "/assets/whatever", "/missing.png",
                             "/app.css", "/.env", "/assets/.hidden"}) {
    auto res = server_->get(target);
    expect_json_404(res, target);
  }
}

TEST_F(WebRoute, NoPathLeavesTheWebRoot) {
  for (const char* target : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                             "/assets/%2E%2E/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
                             "/..%5csecret.txt", "/escape/secret.txt", "/escape/dist/index.html",
                             "/./index.html/../../secret.txt", "/%00/../secret.txt"}) {
    auto res = server_->get(target);
    EXPECT_NE(res.status, 200) << target;
    EXPECT_EQ(res.body.find(kSecret), std::string::npos) << target;
  }
}

TEST(WebRouteWithoutApp, RootDescribesTheInstanceAndAppRoutesAre404) {
  const auto base = fs::temp_directory_path() / ("guildhall-noweb-" + std::to_string(::getpid()));
  fs::remove_all(base);
  auto server = start(base / "data", base / "no-such-dir");
  ASSERT_NE(server.port, 0);
  auto root = server.get("/");
  EXPECT_EQ(root.status, 200);
  auto body = json::parse(root.body);
  EXPECT_EQ(body["software"], "guildhall");
  EXPECT_EQ(body["web_app"], "not installed");
  EXPECT_EQ(server.get("/communities").status, 404);
  EXPECT_NE(server.process->output().find("web app: no index.html"), std::string::npos)
      << server.process->output();
  EXPECT_EQ(server.process->stop(SIGTERM, 30s), 0);
  fs::remove_all(base);
}

}  // namespace
