// End-to-end: the Mastodon-compatible client API and OAuth 2 of a real `guildhall serve`, over
// HTTP on loopback. One server (SQLite) is shared by the tests of the suite; each test registers
// its own apps and tokens, so they do not depend on each other.
#include <filesystem>
#include <regex>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <signal.h>

#include "guildhall/core/id.hpp"
#include "guildhall/testrig/http_client.hpp"
#include "guildhall/testrig/process.hpp"

#include "../storage/backends.hpp"
#include "instances.hpp"
#include "media_files.hpp"

using namespace guildhall::testrig;
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kHost = "127.0.0.1";
constexpr const char* kOob = "urn:ietf:wg:oauth:2.0:oob";
constexpr const char* kPassword = "correct horse battery staple";

std::string url_encode(const std::string& s) {
  std::string out;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields)
    out += (out.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
  return out;
}

std::string pkce_s256(const std::string& verifier) {
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_Digest(verifier.data(), verifier.size(), digest, &len, EVP_sha256(), nullptr);
  std::string b64(45, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), digest, 32);
  b64.resize(static_cast<std::size_t>(n));
  for (char& c : b64)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b64.empty() && b64.back() == '=')
    b64.pop_back();
  return b64;
}

// The value of name="field" value="..." in the consent form.
std::string hidden_field(const std::string& html, const std::string& name) {
  std::smatch m;
  if (std::regex_search(html, m, std::regex("name=\"" + name + "\" value=\"([^\"]*)\"")))
    return m[1];
  return "";
}

std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  if (fs::exists(dir))
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir))
      ++n;
  return n;
}

std::map<std::string, std::string> base_env(const fs::path& dir) {
  return {{"GUILDHALL_DATA_DIR", dir.string()},
          {"GUILDHALL_LISTEN", "127.0.0.1:0"},
          {"GUILDHALL_DOMAIN", "guild.test"},
          {"GUILDHALL_HTTP_THREADS", "2"},
          {"GUILDHALL_DATABASE_POOL_SIZE", "4"}};
}

struct Server {
  fs::path dir;
  std::map<std::string, std::string> env;
  std::unique_ptr<Process> process;
  std::uint16_t port = 0;

  // loopback_origin: the public origin is the server's own http://127.0.0.1:PORT, so the
  // absolute URLs it sends (Link headers) work for clients that follow them.
  Server(const std::string& name, bool password_grant, bool loopback_origin = false) {
    dir = fs::temp_directory_path() /
          ("guildhall-client-api-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    env = base_env(dir);
    env["GUILDHALL_OAUTH_PASSWORD_GRANT"] = password_grant ? "true" : "false";
    if (loopback_origin) {
      const std::string host = "127.0.0.1:" + std::to_string(free_loopback_port());
      env["GUILDHALL_LISTEN"] = host;
      env["GUILDHALL_DOMAIN"] = host;
      env["GUILDHALL_FEDERATION_ALLOW_HTTP"] = "true";
    }
  }
  ~Server() {
    if (process)
      process->stop(SIGTERM, 30s);
    fs::remove_all(dir);
  }

  void admin(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"admin"};
    argv.insert(argv.end(), args.begin(), args.end());
    Process p(guildhall_binary(), argv, env);
    ASSERT_EQ(p.wait(60s), 0) << p.output();
  }
  void create_user(const std::string& handle) {
    admin({"user", "create", handle, "--password", kPassword, "--email", handle + "@guild.test"});
  }

  void start() {
    process = std::make_unique<Process>(guildhall_binary(), std::vector<std::string>{"serve"}, env);
    auto line = process->wait_for_line("listening on http://", 60s);
    ASSERT_TRUE(line) << process->output();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(*line, m, std::regex(R"(http://127\.0\.0\.1:(\d+))")));
    port = static_cast<std::uint16_t>(std::stoi(m[1]));
  }

  HttpResponse call(const std::string& method, const std::string& target,
                    const std::string& body = "", std::map<std::string, std::string> headers = {},
                    const std::string& token = "") const {
    if (!token.empty())
      headers["Authorization"] = "Bearer " + token;
    if (!body.empty() && !headers.contains("Content-Type"))
      headers["Content-Type"] =
          body.front() == '{' ? "application/json" : "application/x-www-form-urlencoded";
    return http_request(kHost, port, method, target, body, headers);
  }
};

struct App {
  std::string client_id;
  std::string client_secret;
};

class ClientApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server("shared", true);
    server_->create_user("alice");
    server_->create_user("bob");
    server_->create_user("carol");
    server_->create_user("erin");
    server_->create_user("frank");
    // The lists-by-id and profile-pin tests' own people.
    server_->create_user("lena");
    server_->create_user("pia");
    // The visibility test's own people, so its posts change nobody else's lists.
    for (const char* handle : {"walt", "xena", "yuri"})
      server_->create_user(handle);
    server_->admin({"user", "create", "vera", "--password", kPassword, "--email", "vera@guild.test",
                    "--admin"});
    server_->admin({"group", "create", "eng", "--owner", "carol", "--title", "Engineering"});
    server_->admin({"act", "carol", "community-create", "design", "Design", "join=approval"});
    // Join decisions and reports: people no other test uses.
    for (const char* name : {"gina", "hank", "ivan", "mona"})
      server_->create_user(name);
    server_->admin({"user", "create", "olga", "--password", kPassword, "--admin"});
    server_->admin({"act", "mona", "community-create", "review", "Review", "join=approval"});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (server_->port == 0)
      GTEST_FAIL() << "server did not start";
  }

  Server& s() { return *server_; }

  App register_app(const std::string& scopes = "read write follow push",
                   const std::string& redirect = kOob) {
    auto res = s().call("POST", "/api/v1/apps",
                        json{{"client_name", "test app"},
                             {"redirect_uris", redirect},
                             {"scopes", scopes},
                             {"website", "https://app.example"}}
                            .dump());
    EXPECT_EQ(res.status, 200) << res.body;
    auto body = json::parse(res.body);
    return {body.value("client_id", ""), body.value("client_secret", "")};
  }

  std::string password_token(const App& app, const std::string& user = "alice",
                             const std::string& scope = "read write follow") {
    auto res = s().call("POST", "/oauth/token",
                        form({{"grant_type", "password"},
                              {"client_id", app.client_id},
                              {"client_secret", app.client_secret},
                              {"username", user},
                              {"password", kPassword},
                              {"scope", scope}}));
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body).value("access_token", "");
  }

  // POST /web/session: the cookie to send back ("guildhall_session=...") and the session document.
  struct Session {
    std::string cookie;
    std::string token;
    json document;
  };
  Session sign_in(const std::string& user = "alice") {
    auto res =
        s().call("POST", "/web/session", json{{"username", user}, {"password", kPassword}}.dump());
    EXPECT_EQ(res.status, 200) << res.body;
    const std::string set_cookie = res.headers["set-cookie"];
    const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
    return {cookie, cookie.substr(cookie.find('=') + 1), json::parse(res.body, nullptr, false)};
  }

  // Signs alice in, GETs the consent page, POSTs the form: returns the response to the POST.
  HttpResponse consent(const App& app, const std::string& redirect, const std::string& extra) {
    const Session session = sign_in("alice");
    auto page = s().call("GET",
                         "/oauth/authorize?response_type=code&client_id=" + app.client_id +
                             "&redirect_uri=" + url_encode(redirect) +
                             "&scope=read+write&state=xyz" + extra,
                         "", {{"Cookie", session.cookie}});
    EXPECT_EQ(page.status, 200) << page.body;
    const std::string csrf_cookie =
        page.headers["set-cookie"].substr(0, page.headers["set-cookie"].find(';'));
    std::vector<std::pair<std::string, std::string>> fields;
    for (const char* name : {"csrf_token", "client_id", "redirect_uri", "response_type", "scope",
                             "state", "code_challenge", "code_challenge_method"})
      fields.emplace_back(name, hidden_field(page.body, name));
    fields.emplace_back("decision", "approve");
    return s().call("POST", "/oauth/authorize", form(fields),
                    {{"Cookie", session.cookie + "; " + csrf_cookie}});
  }

  std::string code_from(const HttpResponse& redirect) {
    std::smatch m;
    const std::string location =
        redirect.headers.count("location") ? redirect.headers.at("location") : "";
    if (std::regex_search(location, m, std::regex("[?&]code=([^&]+)")))
      return m[1];
    return "";
  }

  json get_json(const std::string& target, const std::string& token, int expected = 200) {
    auto res = s().call("GET", target, "", {}, token);
    EXPECT_EQ(res.status, expected) << target << ": " << res.body;
    return json::parse(res.body, nullptr, false);
  }

  json post_status(const std::string& token, const std::string& text,
                   const std::string& extra_json_fields = "") {
    json body{{"status", text}};
    if (!extra_json_fields.empty())
      body.update(json::parse(extra_json_fields));
    auto res = s().call("POST", "/api/v1/statuses", body.dump(), {}, token);
    EXPECT_EQ(res.status, 200) << res.body;
    return json::parse(res.body, nullptr, false);
  }

  static Server* server_;
};

Server* ClientApi::server_ = nullptr;

// ---------------------------------------------------------------------------------------------
// OAuth

TEST_F(ClientApi, AppRegistrationAcceptsFormAndNewlineSeparatedRedirects) {
  auto res = s().call("POST", "/api/v1/apps",
                      form({{"client_name", "Mastodon.py style"},
                            {"redirect_uris", std::string(kOob) + "\nhttps://app.example/cb"},
                            {"scopes", "read write follow push"}}));
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = json::parse(res.body);
  EXPECT_EQ(body["redirect_uris"], json({kOob, "https://app.example/cb"}));
  EXPECT_EQ(body["scopes"], json({"read", "write", "follow", "push"}));
  EXPECT_EQ(body["client_secret_expires_at"], 0);
  EXPECT_FALSE(body["client_secret"].get<std::string>().empty());
  EXPECT_EQ(res.headers["access-control-allow-origin"], "*");

  auto bad =
      s().call("POST", "/api/v1/apps", json{{"client_name", "x"}, {"scopes", "read"}}.dump());
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_TRUE(bad.headers["content-type"].starts_with("application/json"));
  auto script =
      s().call("POST", "/api/v1/apps",
               json{{"client_name", "x"}, {"redirect_uris", "javascript:alert(1)"}}.dump());
  EXPECT_EQ(script.status, 422) << script.body;
  auto bad_scope = s().call(
      "POST", "/api/v1/apps",
      json{{"client_name", "x"}, {"redirect_uris", kOob}, {"scopes", "read everything"}}.dump());
  EXPECT_EQ(bad_scope.status, 422) << bad_scope.body;
}

TEST_F(ClientApi, MetadataAdvertisesPkceS256) {
  auto meta = get_json("/.well-known/oauth-authorization-server", "");
  EXPECT_EQ(meta["code_challenge_methods_supported"], json({"S256"}));
  EXPECT_EQ(meta["token_endpoint"], "https://guild.test/oauth/token");
  EXPECT_NE(meta["grant_types_supported"].dump().find("password"), std::string::npos);
}

TEST_F(ClientApi, CodeFlowWithPkceIssuesAWorkingTokenOnceOnly) {
  const App app = register_app("read write", "https://app.example/cb");
  const std::string verifier = "verifier-0123456789-0123456789-0123456789-abcdef";
  auto redirect = consent(app, "https://app.example/cb",
                          "&code_challenge=" + pkce_s256(verifier) + "&code_challenge_method=S256");
  ASSERT_EQ(redirect.status, 302) << redirect.body;
  EXPECT_TRUE(redirect.headers["location"].starts_with("https://app.example/cb?code="));
  EXPECT_NE(redirect.headers["location"].find("state=xyz"), std::string::npos);
  const std::string code = code_from(redirect);
  ASSERT_FALSE(code.empty());

  const auto token_request = [&](const std::string& code_verifier, const std::string& uri) {
    json body{{"grant_type", "authorization_code"},
              {"code", code},
              {"client_id", app.client_id},
              {"client_secret", app.client_secret},
              {"redirect_uri", uri}};
    if (!code_verifier.empty())
      body["code_verifier"] = code_verifier;
    return s().call("POST", "/oauth/token", body.dump());
  };
  // PKCE misuse and a different redirect URI are refused, and leave the code usable.
  auto no_verifier = token_request("", "https://app.example/cb");
  EXPECT_EQ(no_verifier.status, 400);
  EXPECT_EQ(json::parse(no_verifier.body)["error"], "invalid_grant");
  auto wrong_verifier =
      token_request("another-verifier-0123456789-0123456789-012345", "https://app.example/cb");
  EXPECT_EQ(wrong_verifier.status, 400);
  auto wrong_redirect = token_request(verifier, "https://evil.example/cb");
  EXPECT_EQ(wrong_redirect.status, 400);

  auto granted = token_request(verifier, "https://app.example/cb");
  ASSERT_EQ(granted.status, 200) << granted.body;
  auto token = json::parse(granted.body);
  EXPECT_EQ(token["token_type"], "Bearer");
  EXPECT_EQ(token["scope"], "read write");
  EXPECT_TRUE(token["created_at"].is_number_integer());
  EXPECT_FALSE(token.contains("expires_in"));
  const std::string access = token["access_token"];
  EXPECT_EQ(get_json("/api/v1/accounts/verify_credentials", access)["username"], "alice");

  // Replaying the code fails and revokes what it issued.
  auto replay = token_request(verifier, "https://app.example/cb");
  EXPECT_EQ(replay.status, 400);
  EXPECT_EQ(json::parse(replay.body)["error"], "invalid_grant");
  EXPECT_EQ(s().call("GET", "/api/v1/accounts/verify_credentials", "", {}, access).status, 401);
}

TEST_F(ClientApi, AuthorizeRefusesMismatchedRedirectPlainPkceAndExtraScopes) {
  const App app = register_app("read", "https://app.example/cb");
  auto mismatch = s().call("GET", "/oauth/authorize?response_type=code&client_id=" + app.client_id +
                                      "&redirect_uri=" + url_encode("https://evil.example/cb"));
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_FALSE(mismatch.headers.contains("location"));
  EXPECT_NE(mismatch.body.find("redirect_uri"), std::string::npos);
  auto plain = s().call("GET", "/oauth/authorize/?response_type=code&client_id=" + app.client_id +
                                   "&redirect_uri=" + url_encode("https://app.example/cb") +
                                   "&code_challenge=abc&code_challenge_method=plain");
  EXPECT_EQ(plain.status, 400);
  auto scopes = s().call("GET", "/oauth/authorize?response_type=code&client_id=" + app.client_id +
                                    "&redirect_uri=" + url_encode("https://app.example/cb") +
                                    "&scope=read+write");
  EXPECT_EQ(scopes.status, 400);
  auto unknown = s().call(
      "GET", "/oauth/authorize?response_type=code&client_id=nope&redirect_uri=" + url_encode(kOob));
  EXPECT_EQ(unknown.status, 400);
}

TEST_F(ClientApi, AuthorizeSendsStrangersToSignInAndConsentNeedsTheSessionAndCsrfCookie) {
  const App app = register_app("read write");
  const std::string target = "/oauth/authorize?response_type=code&client_id=" + app.client_id +
                             "&redirect_uri=" + url_encode(kOob) + "&scope=read";
  auto stranger = s().call("GET", target);
  EXPECT_EQ(stranger.status, 302);
  EXPECT_EQ(stranger.headers["location"], "/sign-in?next=" + url_encode(target));

  const Session session = sign_in("alice");
  auto page = s().call("GET", target, "", {{"Cookie", session.cookie}});
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers["x-frame-options"], "DENY");
  EXPECT_NE(page.headers["set-cookie"].find("HttpOnly"), std::string::npos);
  EXPECT_NE(page.body.find("@alice"), std::string::npos);
  EXPECT_EQ(page.body.find("type=\"password\""), std::string::npos) << "no second password";
  const std::string csrf_cookie =
      page.headers["set-cookie"].substr(0, page.headers["set-cookie"].find(';'));
  const std::string fields = form({{"csrf_token", hidden_field(page.body, "csrf_token")},
                                   {"client_id", app.client_id},
                                   {"redirect_uri", kOob},
                                   {"scope", "read"},
                                   {"decision", "approve"}});
  auto no_csrf_cookie = s().call("POST", "/oauth/authorize", fields, {{"Cookie", session.cookie}});
  EXPECT_EQ(no_csrf_cookie.status, 403);
  EXPECT_EQ(no_csrf_cookie.body.find("<code id=\"code\">"), std::string::npos);
  auto no_session = s().call("POST", "/oauth/authorize", fields, {{"Cookie", csrf_cookie}});
  EXPECT_EQ(no_session.status, 401);
  EXPECT_EQ(no_session.body.find("<code id=\"code\">"), std::string::npos);

  // Out of band: the code is shown on the page.
  auto shown = s().call("POST", "/oauth/authorize", fields,
                        {{"Cookie", session.cookie + "; " + csrf_cookie}});
  ASSERT_EQ(shown.status, 200) << shown.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(shown.body, m, std::regex("<code id=\"code\">([^<]+)</code>")));
  auto token = s().call("POST", "/oauth/token",
                        form({{"grant_type", "authorization_code"},
                              {"code", m[1]},
                              {"client_id", app.client_id},
                              {"client_secret", app.client_secret},
                              {"redirect_uri", kOob}}));
  EXPECT_EQ(token.status, 200) << token.body;
}

// ---------------------------------------------------------------------------------------------
// Web app sessions (/web/session)

TEST_F(ClientApi, WebSessionSignInSetsAnHttpOnlyCookieAndAnswersTheSessionDocument) {
  auto res =
      s().call("POST", "/web/session", json{{"username", "alice"}, {"password", kPassword}}.dump());
  ASSERT_EQ(res.status, 200) << res.body;
  const std::string set_cookie = res.headers["set-cookie"];
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(set_cookie, m, std::regex("^guildhall_session=([A-Za-z0-9_-]{43});")))
      << set_cookie;
  const std::string token = m[1];
  for (const char* attribute : {"Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=2592000"})
    EXPECT_NE(set_cookie.find(attribute), std::string::npos) << attribute;
  EXPECT_NE(set_cookie.find("; Secure"), std::string::npos) << "the public origin is https here";
  EXPECT_FALSE(res.headers.contains("access-control-allow-origin"));
  const json doc = json::parse(res.body);
  EXPECT_EQ(doc["account"]["username"], "alice");
  EXPECT_TRUE(doc["account"].contains("source")) << "a CredentialAccount";
  EXPECT_EQ(doc["csrf_token"], pkce_s256("guildhall-csrf:" + token));
  EXPECT_EQ(doc["roles"], (json{{"admin", false}, {"manager", false}}));
  EXPECT_TRUE(doc["locale"].is_null());
  EXPECT_EQ(res.body.find(token), std::string::npos) << "the token stays in the cookie";

  // carol owns the community eng: a manager.
  EXPECT_EQ(sign_in("carol").document["roles"]["manager"], true);
  // GET answers the same document for the cookie.
  auto again = s().call("GET", "/web/session", "", {{"Cookie", "guildhall_session=" + token}});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body)["csrf_token"], doc["csrf_token"]);
}

TEST_F(ClientApi, WebSessionRefusesFormsMalformedBodiesAndWrongCredentialsAlike) {
  auto as_form =
      s().call("POST", "/web/session", form({{"username", "alice"}, {"password", kPassword}}));
  EXPECT_EQ(as_form.status, 415);
  EXPECT_FALSE(as_form.headers.contains("set-cookie"));
  auto malformed =
      s().call("POST", "/web/session", "{\"username\": ", {{"Content-Type", "application/json"}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(json::parse(malformed.body).contains("error"), true);
  auto wrong =
      s().call("POST", "/web/session", json{{"username", "alice"}, {"password", "wrong"}}.dump());
  auto unknown =
      s().call("POST", "/web/session", json{{"username", "nobody"}, {"password", "wrong"}}.dump());
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(json::parse(wrong.body)["error"], "Invalid username or password");
  EXPECT_FALSE(wrong.headers.contains("set-cookie"));

  auto none = s().call("GET", "/web/session");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(json::parse(none.body)["error"], "Not signed in");
  EXPECT_FALSE(none.headers.contains("set-cookie"));
  auto stale = s().call("GET", "/web/session", "", {{"Cookie", "guildhall_session=forged"}});
  EXPECT_EQ(stale.status, 401);
  EXPECT_NE(stale.headers["set-cookie"].find("guildhall_session=; Max-Age=0"), std::string::npos);
}

TEST_F(ClientApi, WebSessionFailedSignInsAreRateLimitedPerLogin) {
  const std::string attempt = json{{"username", "dave"}, {"password", "guess"}}.dump();
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(s().call("POST", "/web/session", attempt).status, 401) << i;
  auto limited = s().call("POST", "/web/session", attempt);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(json::parse(limited.body)["error"], "Too many requests");
  // Other logins from the same address still work.
  EXPECT_FALSE(sign_in("bob").cookie.empty());
}

TEST_F(ClientApi, WebSessionLocaleIsStoredWithTheAccountAndWritesNeedTheCsrfToken) {
  const Session session = sign_in("bob");
  const std::string csrf = session.document["csrf_token"];
  const auto patch = [&](const std::string& body, const std::string& token) {
    std::map<std::string, std::string> headers{{"Cookie", session.cookie}};
    if (!token.empty())
      headers["X-CSRF-Token"] = token;
    return s().call("PATCH", "/web/session", body, headers);
  };
  EXPECT_EQ(patch(R"({"locale": "de"})", "").status, 403);
  EXPECT_EQ(patch(R"({"locale": "de"})", "wrong").status, 403);
  EXPECT_TRUE(
      json::parse(s().call("GET", "/web/session", "", {{"Cookie", session.cookie}}).body)["locale"]
          .is_null())
      << "a refused write changed nothing";
  auto bad = patch(R"({"locale": "not a tag!"})", csrf);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(patch(R"({"locale": "abcdefghi-x"})", csrf).status, 422);
  auto de = patch(R"({"locale": "de-CH"})", csrf);
  ASSERT_EQ(de.status, 200) << de.body;
  EXPECT_EQ(json::parse(de.body)["locale"], "de-CH");
  // The locale follows the person to a new session (another browser).
  EXPECT_EQ(sign_in("bob").document["locale"], "de-CH");
  auto cleared = patch(R"({"locale": null})", csrf);
  ASSERT_EQ(cleared.status, 200);
  EXPECT_TRUE(json::parse(cleared.body)["locale"].is_null());
}

TEST_F(ClientApi, WebSessionSignOutRevokesAndSigningInAgainReplacesTheSession) {
  const Session first = sign_in("alice");
  // Signing in with a cookie already set revokes that session (no fixation).
  auto second =
      s().call("POST", "/web/session", json{{"username", "alice"}, {"password", kPassword}}.dump(),
               {{"Cookie", first.cookie}});
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(s().call("GET", "/web/session", "", {{"Cookie", first.cookie}}).status, 401);
  const std::string cookie =
      second.headers["set-cookie"].substr(0, second.headers["set-cookie"].find(';'));
  EXPECT_NE(cookie, first.cookie);
  const std::string csrf = json::parse(second.body)["csrf_token"];

  EXPECT_EQ(s().call("DELETE", "/web/session", "", {{"Cookie", cookie}}).status, 403);
  EXPECT_EQ(s().call("GET", "/web/session", "", {{"Cookie", cookie}}).status, 200)
      << "a refused sign-out keeps the session";
  auto out = s().call("DELETE", "/web/session", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(out.headers["set-cookie"],
            "guildhall_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(s().call("GET", "/web/session", "", {{"Cookie", cookie}}).status, 401);
  auto api = s().call("GET", "/api/v1/accounts/verify_credentials", "", {{"Cookie", cookie}});
  EXPECT_EQ(api.status, 401) << "a revoked cookie is refused like a revoked token";
}

TEST_F(ClientApi, SessionCookieAuthenticatesTheApiWithCsrfOnWritesAndBearerWins) {
  const Session session = sign_in("alice");
  const std::string csrf = session.document["csrf_token"];
  auto me =
      s().call("GET", "/api/v1/accounts/verify_credentials", "", {{"Cookie", session.cookie}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(json::parse(me.body)["username"], "alice");

  const std::string body = json{{"status", "posted from the web app"}}.dump();
  const auto count_posts = [&] {
    return get_json("/api/v1/accounts/" + json::parse(me.body)["id"].get<std::string>(),
                    "")["statuses_count"]
        .get<int>();
  };
  const int before = count_posts();
  auto no_csrf = s().call("POST", "/api/v1/statuses", body, {{"Cookie", session.cookie}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(json::parse(no_csrf.body)["error"], "CSRF token missing or invalid");
  auto wrong_csrf = s().call("POST", "/api/v1/statuses", body,
                             {{"Cookie", session.cookie}, {"X-CSRF-Token", csrf + "x"}});
  EXPECT_EQ(wrong_csrf.status, 403);
  EXPECT_EQ(count_posts(), before) << "refused writes store nothing";
  auto posted = s().call("POST", "/api/v1/statuses", body,
                         {{"Cookie", session.cookie}, {"X-CSRF-Token", csrf}});
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(count_posts(), before + 1);

  // A bearer token wins over the cookie, an invalid one too.
  const App app = register_app();
  const std::string bob = password_token(app, "bob");
  auto as_bob =
      s().call("GET", "/api/v1/accounts/verify_credentials", "", {{"Cookie", session.cookie}}, bob);
  EXPECT_EQ(json::parse(as_bob.body)["username"], "bob");
  auto bad_bearer = s().call("GET", "/api/v1/accounts/verify_credentials", "",
                             {{"Cookie", session.cookie}}, "not-a-token");
  EXPECT_EQ(bad_bearer.status, 401);
  // The cookie is for the client API only: OAuth endpoints ignore it.
  auto token_endpoint = s().call("POST", "/oauth/token", form({{"grant_type", "password"}}),
                                 {{"Cookie", session.cookie}});
  EXPECT_NE(token_endpoint.status, 403);
}

TEST_F(ClientApi, PasswordChangeNeedsTheCurrentPasswordAndEndsEveryOtherSession) {
  const Session session = sign_in("erin");
  const Session other_browser = sign_in("erin");
  const std::string app_token = password_token(register_app(), "erin");
  const std::string csrf = session.document["csrf_token"];
  const auto change = [&](const json& body, bool with_csrf = true) {
    std::map<std::string, std::string> headers{{"Cookie", session.cookie}};
    if (with_csrf)
      headers["X-CSRF-Token"] = csrf;
    return s().call("POST", "/api/guildhall/v1/account/password", body.dump(), headers);
  };
  const std::string next = "a much longer passphrase";
  EXPECT_EQ(change({{"current_password", kPassword}, {"new_password", next}}, false).status, 403);
  auto wrong = change({{"current_password", "not it"}, {"new_password", next}});
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(json::parse(wrong.body)["error"], "The current password is wrong");
  auto short_one = change({{"current_password", kPassword}, {"new_password", "short"}});
  EXPECT_EQ(short_one.status, 422);
  EXPECT_EQ(json::parse(short_one.body)["error"], "password must be at least 8 characters");
  EXPECT_EQ(change({{"current_password", kPassword}}).status, 422);
  EXPECT_EQ(s().call("GET", "/web/session", "", {{"Cookie", other_browser.cookie}}).status, 200)
      << "refused changes end nothing";
  EXPECT_EQ(s().call("POST", "/web/session", json{{"username", "erin"}, {"password", next}}.dump())
                .status,
            401);

  auto changed = change({{"current_password", kPassword}, {"new_password", next}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(json::parse(changed.body)["revoked_sessions"], 2);
  EXPECT_EQ(s().call("GET", "/web/session", "", {{"Cookie", session.cookie}}).status, 200)
      << "the session that changed it stays";
  EXPECT_EQ(s().call("GET", "/web/session", "", {{"Cookie", other_browser.cookie}}).status, 401);
  EXPECT_EQ(s().call("GET", "/api/v1/accounts/verify_credentials", "", {}, app_token).status, 401);
  EXPECT_EQ(
      s().call("POST", "/web/session", json{{"username", "erin"}, {"password", kPassword}}.dump())
          .status,
      401);
  EXPECT_EQ(s().call("POST", "/web/session", json{{"username", "erin"}, {"password", next}}.dump())
                .status,
            200);
}

TEST_F(ClientApi, NotificationPreferencesDecideWhichNotificationsArrive) {
  const App app = register_app();
  const std::string frank = password_token(app, "frank");
  const std::string bob = password_token(app, "bob");
  const std::string prefs = "/api/guildhall/v1/account/notification_preferences";
  EXPECT_EQ(get_json(prefs, frank), (json{{"mention", true},
                                          {"reply", true},
                                          {"reaction", true},
                                          {"boost", true},
                                          {"follow", true},
                                          {"membership", true},
                                          {"report", true}}));
  auto post = post_status(frank, "tell me things");
  const std::string post_id = post["id"];
  post_status(bob, "a reply", R"({"in_reply_to_id": ")" + post_id + R"("})");
  ASSERT_EQ(s().call("POST", "/api/v1/statuses/" + post_id + "/favourite", "", {}, bob).status,
            200);
  ASSERT_EQ(get_json("/api/v1/notifications", frank).size(), 2u);

  const auto patch = [&](const std::string& body) {
    return s().call("PATCH", prefs, body, {}, frank);
  };
  EXPECT_EQ(patch(R"({"reply": "no"})").status, 422);
  auto unknown = patch(R"({"email": false})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(json::parse(unknown.body)["error"], "unknown notification category: email");
  EXPECT_EQ(get_json(prefs, frank)["reply"], true) << "a refused change stores nothing";
  auto off = patch(R"({"reply": false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(json::parse(off.body)["reply"], false);
  EXPECT_EQ(json::parse(off.body)["reaction"], true);
  auto left = get_json("/api/v1/notifications", frank);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["type"], "favourite");
  EXPECT_EQ(get_json("/api/v1/notifications/unread_count", frank)["count"], 1);
  // Another change keeps what it does not name.
  ASSERT_EQ(patch(R"({"boost": false})").status, 200);
  EXPECT_EQ(get_json(prefs, frank)["reply"], false);
  ASSERT_EQ(patch(R"({"reply": true, "boost": true})").status, 200);
  EXPECT_EQ(get_json("/api/v1/notifications", frank).size(), 2u);
  EXPECT_EQ(s().call("GET", prefs).status, 401);
}

TEST_F(ClientApi, TokenEndpointChecksTheClient) {
  const App app = register_app();
  auto wrong_secret = s().call("POST", "/oauth/token",
                               form({{"grant_type", "client_credentials"},
                                     {"client_id", app.client_id},
                                     {"client_secret", "nope"}}));
  EXPECT_EQ(wrong_secret.status, 401);
  EXPECT_EQ(json::parse(wrong_secret.body)["error"], "invalid_client");
  auto too_broad = s().call("POST", "/oauth/token",
                            form({{"grant_type", "client_credentials"},
                                  {"client_id", app.client_id},
                                  {"client_secret", app.client_secret},
                                  {"scope", "admin:write"}}));
  EXPECT_EQ(too_broad.status, 400);
  EXPECT_EQ(json::parse(too_broad.body)["error"], "invalid_scope");
  auto bad_password = s().call("POST", "/oauth/token",
                               form({{"grant_type", "password"},
                                     {"client_id", app.client_id},
                                     {"client_secret", app.client_secret},
                                     {"username", "alice"},
                                     {"password", "wrong"}}));
  EXPECT_EQ(bad_password.status, 400);
  EXPECT_EQ(json::parse(bad_password.body)["error"], "invalid_grant");

  // HTTP Basic client authentication; an app-only token.
  std::string pair = app.client_id + ":" + app.client_secret;
  std::string basic(4 * ((pair.size() + 2) / 3) + 1, '\0');
  basic.resize(static_cast<std::size_t>(EVP_EncodeBlock(
      reinterpret_cast<unsigned char*>(basic.data()),
      reinterpret_cast<const unsigned char*>(pair.data()), static_cast<int>(pair.size()))));
  auto app_token = s().call("POST", "/oauth/token", form({{"grant_type", "client_credentials"}}),
                            {{"Authorization", "Basic " + basic}});
  ASSERT_EQ(app_token.status, 200) << app_token.body;
  const std::string token = json::parse(app_token.body)["access_token"];
  EXPECT_EQ(get_json("/api/v1/apps/verify_credentials", token)["name"], "test app");
  EXPECT_EQ(s().call("GET", "/api/v1/accounts/verify_credentials", "", {}, token).status, 422);
}

TEST_F(ClientApi, WrongRevokedAndUnderScopedTokensAreRefusedAndChangeNothing) {
  const App app = register_app();
  const std::string writer = password_token(app);
  const std::string reader = password_token(app, "alice", "read");
  const auto before = get_json("/api/v1/timelines/public?local=true&limit=40", "").size();

  auto missing = s().call("POST", "/api/v1/statuses", json{{"status", "no token"}}.dump());
  EXPECT_EQ(missing.status, 401);
  EXPECT_NE(missing.headers["www-authenticate"].find("Bearer"), std::string::npos);
  EXPECT_TRUE(json::parse(missing.body).contains("error"));
  auto wrong =
      s().call("POST", "/api/v1/statuses", json{{"status", "x"}}.dump(), {}, "not-a-token");
  EXPECT_EQ(wrong.status, 401);
  auto scoped = s().call("POST", "/api/v1/statuses", json{{"status", "x"}}.dump(), {}, reader);
  EXPECT_EQ(scoped.status, 403) << scoped.body;
  EXPECT_NE(scoped.headers["www-authenticate"].find("insufficient_scope"), std::string::npos);
  EXPECT_EQ(get_json("/api/v1/accounts/verify_credentials", reader)["username"], "alice");

  auto revoke = s().call(
      "POST", "/oauth/revoke",
      form(
          {{"client_id", app.client_id}, {"client_secret", app.client_secret}, {"token", writer}}));
  EXPECT_EQ(revoke.status, 200);
  auto revoked = s().call("POST", "/api/v1/statuses", json{{"status", "x"}}.dump(), {}, writer);
  EXPECT_EQ(revoked.status, 401);
  // RFC 7009: unknown tokens revoke fine; a bad client does not.
  EXPECT_EQ(s().call("POST", "/oauth/revoke",
                     form({{"client_id", app.client_id},
                           {"client_secret", app.client_secret},
                           {"token", "unknown"}}))
                .status,
            200);
  EXPECT_EQ(
      s().call("POST", "/oauth/revoke",
               form({{"client_id", app.client_id}, {"client_secret", "x"}, {"token", reader}}))
          .status,
      401);
  EXPECT_EQ(get_json("/api/v1/timelines/public?local=true&limit=40", "").size(), before);
}

// ---------------------------------------------------------------------------------------------
// conventions and instance

TEST_F(ClientApi, InstanceDocumentsAndTrailingSlash) {
  auto v1 = get_json("/api/v1/instance/", "");
  EXPECT_TRUE(v1["version"].get<std::string>().starts_with("4.2.0 (compatible; Guildhall "));
  EXPECT_EQ(v1["uri"], "guild.test");
  EXPECT_EQ(v1["urls"]["streaming_api"], "wss://guild.test");
  EXPECT_TRUE(v1["configuration"]["statuses"].contains("max_characters"));
  auto v2 = get_json("/api/v2/instance", "");
  EXPECT_EQ(v2["domain"], "guild.test");
  EXPECT_EQ(v2["api_versions"]["mastodon"], 1);
  EXPECT_TRUE(v2["configuration"]["accounts"].contains("max_featured_tags"));
}

TEST_F(ClientApi, CorsPreflightAndRateLimits) {
  auto preflight =
      s().call("OPTIONS", "/api/v1/timelines/home", "",
               {{"Origin", "https://elk.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.headers["access-control-allow-origin"], "*");
  EXPECT_NE(preflight.headers["access-control-allow-headers"].find("Authorization"),
            std::string::npos);

  const App app = register_app();
  const std::string token = password_token(app);
  HttpResponse last;
  int admitted = 0;
  for (int i = 0; i < 301; ++i) {
    last = s().call("GET", "/api/v1/custom_emojis", "", {}, token);
    if (last.status == 200)
      ++admitted;
    else
      break;
  }
  EXPECT_EQ(admitted, 300);
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(json::parse(last.body)["error"], "Too many requests");
  EXPECT_EQ(last.headers["x-ratelimit-remaining"], "0");
  EXPECT_FALSE(last.headers["x-ratelimit-reset"].empty());
  EXPECT_NE(last.headers["access-control-expose-headers"].find("Link"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// statuses, timelines, accounts

TEST_F(ClientApi, StatusesLifecycle) {
  const App app = register_app();
  const std::string token = password_token(app);

  // Form and multipart bodies as well as JSON; Idempotency-Key replays the same status.
  auto by_form = s().call("POST", "/api/v1/statuses",
                          form({{"status", "Hello #Guildhall"}, {"sensitive", "False"}}),
                          {{"Idempotency-Key", "key-1"}}, token);
  ASSERT_EQ(by_form.status, 200) << by_form.body;
  auto status = json::parse(by_form.body);
  EXPECT_EQ(status["sensitive"], false);
  EXPECT_EQ(status["visibility"], "public");
  EXPECT_EQ(status["account"]["acct"], "alice");
  EXPECT_EQ(status["tags"],
            json::parse(R"([{"name":"guildhall","url":"https://guild.test/tags/guildhall"}])"));
  EXPECT_NE(status["content"].get<std::string>().find(
                "class=\"mention hashtag\" rel=\"tag\">#<span>Guildhall</span></a>"),
            std::string::npos)
      << status["content"];
  EXPECT_TRUE(std::regex_match(status["created_at"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  auto replay = s().call("POST", "/api/v1/statuses", form({{"status", "Hello #Guildhall"}}),
                         {{"Idempotency-Key", "key-1"}}, token);
  EXPECT_EQ(json::parse(replay.body)["id"], status["id"]);

  const std::string boundary = "XyZ";
  const std::string multipart =
      "--XyZ\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\n"
      "a reply\r\n--XyZ\r\nContent-Disposition: form-data; "
      "name=\"in_reply_to_id\"\r\n\r\n" +
      status["id"].get<std::string>() + "\r\n--XyZ--\r\n";
  auto reply_res = s().call("POST", "/api/v1/statuses", multipart,
                            {{"Content-Type", "multipart/form-data; boundary=XyZ"}}, token);
  ASSERT_EQ(reply_res.status, 200) << reply_res.body;
  auto reply = json::parse(reply_res.body);
  EXPECT_EQ(reply["in_reply_to_id"], status["id"]);
  EXPECT_EQ(reply["in_reply_to_account_id"], status["account"]["id"]);

  const std::string id = status["id"];
  auto context = get_json("/api/v1/statuses/" + id + "/context", token);
  ASSERT_EQ(context["descendants"].size(), 1u);
  EXPECT_EQ(context["descendants"][0]["id"], reply["id"]);
  auto reply_context =
      get_json("/api/v1/statuses/" + reply["id"].get<std::string>() + "/context", token);
  ASSERT_EQ(reply_context["ancestors"].size(), 1u);
  EXPECT_EQ(get_json("/api/v1/statuses/" + id, token)["replies_count"], 1);

  // Edit: history and source.
  auto edited = s().call("PUT", "/api/v1/statuses/" + id,
                         json{{"status", "Hello again"}, {"spoiler_text", "cw"}}.dump(), {}, token);
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_FALSE(json::parse(edited.body)["edited_at"].is_null());
  EXPECT_EQ(json::parse(edited.body)["spoiler_text"], "cw");
  auto history = get_json("/api/v1/statuses/" + id + "/history", token);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_NE(history[0]["content"].get<std::string>().find("Hello"), std::string::npos);
  EXPECT_NE(history[1]["content"].get<std::string>().find("again"), std::string::npos);
  auto source = get_json("/api/v1/statuses/" + id + "/source", token);
  EXPECT_EQ(source["text"], "Hello again");
  EXPECT_EQ(source["spoiler_text"], "cw");

  // Favourite, bookmark.
  auto fav = s().call("POST", "/api/v1/statuses/" + id + "/favourite", "", {}, token);
  ASSERT_EQ(fav.status, 200) << fav.body;
  EXPECT_EQ(json::parse(fav.body)["favourited"], true);
  EXPECT_EQ(json::parse(fav.body)["favourites_count"], 1);
  auto by = get_json("/api/v1/statuses/" + id + "/favourited_by", token);
  ASSERT_EQ(by.size(), 1u);
  EXPECT_EQ(by[0]["username"], "alice");
  auto favourites = get_json("/api/v1/favourites", token);
  ASSERT_EQ(favourites.size(), 1u);
  EXPECT_EQ(favourites[0]["id"], id);
  auto unfav = s().call("POST", "/api/v1/statuses/" + id + "/unfavourite", "", {}, token);
  EXPECT_EQ(json::parse(unfav.body)["favourites_count"], 0);
  EXPECT_EQ(get_json("/api/v1/favourites", token), json::array());
  auto mark = s().call("POST", "/api/v1/statuses/" + id + "/bookmark", "", {}, token);
  EXPECT_EQ(json::parse(mark.body)["bookmarked"], true);
  auto marks = get_json("/api/v1/bookmarks", token);
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0]["id"], id);

  // Someone else cannot delete it; the author can, and gets the text back.
  const std::string bob = password_token(app, "bob");
  EXPECT_EQ(s().call("DELETE", "/api/v1/statuses/" + id, "", {}, bob).status, 404);
  auto deleted = s().call("DELETE", "/api/v1/statuses/" + id, "", {}, token);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(json::parse(deleted.body)["text"], "Hello again");
  EXPECT_EQ(s().call("GET", "/api/v1/statuses/" + id, "", {}, token).status, 404);

  // Unknown parts are refused, not dropped.
  EXPECT_EQ(s().call("POST", "/api/v1/statuses",
                     json{{"status", "secret"}, {"visibility", "limited"}}.dump(), {}, token)
                .status,
            422);
  EXPECT_EQ(s().call("POST", "/api/v1/statuses", json{{"status", ""}}.dump(), {}, token).status,
            422);
}

TEST_F(ClientApi, PollsAreCreatedShownAndVotedOnAndBadPollsAndVotesAreRefused) {
  const App app = register_app();
  const std::string frank = password_token(app, "frank");
  const std::string bob = password_token(app, "bob");
  const std::string erin = password_token(app, "erin");

  // JSON, form and multipart bodies all carry poll[...].
  auto status = post_status(frank, "Tea or coffee?",
                            R"({"poll":{"options":["Tea","Coffee"],"expires_in":3600}})");
  ASSERT_TRUE(status["poll"].is_object()) << status;
  const json& poll = status["poll"];
  EXPECT_EQ(poll["id"], status["id"]);
  EXPECT_EQ(poll["multiple"], false);
  EXPECT_EQ(poll["expired"], false);
  EXPECT_EQ(poll["votes_count"], 0);
  EXPECT_EQ(poll["options"], json::parse(R"([{"title":"Tea","votes_count":0},
                                            {"title":"Coffee","votes_count":0}])"));
  EXPECT_EQ(poll["emojis"], json::array());
  EXPECT_EQ(poll["voted"], true) << "the author counts as having voted";
  EXPECT_EQ(poll["own_votes"], json::array());
  EXPECT_TRUE(std::regex_match(poll["expires_at"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  auto by_form = s().call("POST", "/api/v1/statuses",
                          form({{"status", "Which days?"},
                                {"poll[options][]", "Mon"},
                                {"poll[options][]", "Tue"},
                                {"poll[options][]", "Wed"},
                                {"poll[expires_in]", "600"},
                                {"poll[multiple]", "true"},
                                {"poll[hide_totals]", "1"}}),
                          {}, frank);
  ASSERT_EQ(by_form.status, 200) << by_form.body;
  const json days = json::parse(by_form.body);
  EXPECT_EQ(days["poll"]["multiple"], true);
  EXPECT_EQ(days["poll"]["options"].size(), 3u);
  const std::string multipart =
      "--XyZ\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nUp?\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"poll[options][]\"\r\n\r\nYes\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"poll[options][]\"\r\n\r\nNo\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"poll[expires_in]\"\r\n\r\n300\r\n"
      "--XyZ--\r\n";
  auto by_multipart = s().call("POST", "/api/v1/statuses", multipart,
                               {{"Content-Type", "multipart/form-data; boundary=XyZ"}}, frank);
  ASSERT_EQ(by_multipart.status, 200) << by_multipart.body;
  EXPECT_EQ(json::parse(by_multipart.body)["poll"]["options"][1]["title"], "No");

  // Outside the limits /api/v1/instance advertises: 422 with a JSON error, nothing stored.
  const json limits = get_json("/api/v1/instance", frank)["configuration"]["polls"];
  EXPECT_EQ(limits["max_options"], 20);
  EXPECT_EQ(limits["max_characters_per_option"], 50);
  EXPECT_EQ(limits["min_expiration"], 300);
  const std::string frank_id = status["account"]["id"];
  const auto statuses_of_frank = [&] {
    return get_json("/api/v1/accounts/" + frank_id + "/statuses?limit=40", frank).size();
  };
  const std::size_t before = statuses_of_frank();
  json many = json::array();
  for (int i = 0; i < 21; ++i)
    many.push_back("option " + std::to_string(i));
  for (const json& bad : {
           json{{"options", {"only"}}, {"expires_in", 3600}},
           json{{"options", many}, {"expires_in", 3600}},
           json{{"options", {std::string(51, 'x'), "y"}}, {"expires_in", 3600}},
           json{{"options", {"a", ""}}, {"expires_in", 3600}},
           json{{"options", {"a", "a"}}, {"expires_in", 3600}},
           json{{"options", {"a", "b"}}, {"expires_in", 10}},
           json{{"options", {"a", "b"}}, {"expires_in", 99999999}},
           json{{"options", {"a", "b"}}, {"expires_in", "soon"}},
           json{{"options", {"a", "b"}}},
           json("a poll"),
       }) {
    auto refused = s().call("POST", "/api/v1/statuses",
                            json{{"status", "bad poll"}, {"poll", bad}}.dump(), {}, frank);
    EXPECT_EQ(refused.status, 422) << bad << ": " << refused.body;
    EXPECT_TRUE(json::parse(refused.body, nullptr, false).contains("error")) << refused.body;
  }
  auto with_media = s().call("POST", "/api/v1/statuses",
                             json{{"status", "poll and media"},
                                  {"media_ids", {"1"}},
                                  {"poll", {{"options", {"a", "b"}}, {"expires_in", 600}}}}
                                 .dump(),
                             {}, frank);
  EXPECT_EQ(with_media.status, 422) << with_media.body;
  EXPECT_EQ(statuses_of_frank(), before);

  // Votes: indexes into the options; the tallies, voted and own_votes follow.
  const std::string poll_path = "/api/v1/polls/" + poll["id"].get<std::string>();
  EXPECT_EQ(get_json(poll_path, bob)["voted"], false);
  EXPECT_FALSE(get_json(poll_path, "").contains("voted")) << "no reader, no voted";
  auto voted = s().call("POST", poll_path + "/votes", form({{"choices[]", "1"}}), {}, bob);
  ASSERT_EQ(voted.status, 200) << voted.body;
  const json counted = json::parse(voted.body);
  EXPECT_EQ(counted["options"][1]["votes_count"], 1);
  EXPECT_EQ(counted["votes_count"], 1);
  EXPECT_EQ(counted["voters_count"], 1);
  EXPECT_EQ(counted["voted"], true);
  EXPECT_EQ(counted["own_votes"], json::array({1}));
  EXPECT_EQ(
      get_json("/api/v1/statuses/" + status["id"].get<std::string>(), bob)["poll"]["own_votes"],
      json::array({1}));

  // Refusals (422): a second ballot, a choice out of range or not a number, two choices in a
  // one-choice poll, none at all. Unknown polls are 404; a read-only token may not vote.
  for (const auto& [token, body] : std::vector<std::pair<std::string, std::string>>{
           {bob, form({{"choices[]", "0"}})},
           {erin, form({{"choices[]", "2"}})},
           {erin, form({{"choices[]", "-1"}})},
           {erin, form({{"choices[]", "first"}})},
           {erin, form({{"choices[]", "0"}, {"choices[]", "1"}})},
           {erin, ""}}) {
    auto refused = s().call("POST", poll_path + "/votes", body, {}, token);
    EXPECT_EQ(refused.status, 422) << body << ": " << refused.body;
    EXPECT_TRUE(json::parse(refused.body, nullptr, false).contains("error")) << refused.body;
  }
  EXPECT_EQ(get_json(poll_path, frank)["votes_count"], 1);
  EXPECT_EQ(
      s().call("POST", "/api/v1/polls/12345/votes", form({{"choices[]", "0"}}), {}, erin).status,
      404);
  EXPECT_EQ(s().call("GET", "/api/v1/polls/" + frank_id, "", {}, erin).status, 404);
  const std::string reader = password_token(app, "erin", "read");
  EXPECT_EQ(s().call("POST", poll_path + "/votes", form({{"choices[]", "0"}}), {}, reader).status,
            403);

  // Several choices in a multiple-choice poll; hidden totals until it ends, except for the
  // author.
  const std::string days_path = "/api/v1/polls/" + days["id"].get<std::string>();
  auto both = s().call("POST", days_path + "/votes", json{{"choices", {0, 2}}}.dump(), {}, erin);
  ASSERT_EQ(both.status, 200) << both.body;
  EXPECT_EQ(json::parse(both.body)["own_votes"], json::array({0, 2}));
  EXPECT_TRUE(json::parse(both.body)["options"][0]["votes_count"].is_null());
  EXPECT_EQ(get_json(days_path, frank)["options"][0]["votes_count"], 1);
  EXPECT_EQ(get_json(days_path, frank)["voters_count"], 1);

  // An edit keeps the poll (sent back unchanged); changing it is refused.
  const std::string status_path = "/api/v1/statuses/" + status["id"].get<std::string>();
  auto kept = s().call("PUT", status_path,
                       json{{"status", "Tea or coffee??"},
                            {"poll", {{"options", {"Tea", "Coffee"}}, {"expires_in", 3600}}}}
                           .dump(),
                       {}, frank);
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(json::parse(kept.body)["poll"]["options"][1]["votes_count"], 1);
  auto changed = s().call(
      "PUT", status_path,
      json{{"status", "Tea?"}, {"poll", {{"options", {"Tea", "Milk"}}, {"expires_in", 3600}}}}
          .dump(),
      {}, frank);
  EXPECT_EQ(changed.status, 422) << changed.body;
}

// A poll that has ended: votes are refused, and the housekeeping closes it within seconds, which
// notifies its author and its voters. The ended poll is written into the server's database
// directly (the API only makes polls that end in the future).
TEST_F(ClientApi, AnEndedPollRefusesVotesAndNotifiesItsAuthorAndVoters) {
  const App app = register_app();
  const std::string frank = password_token(app, "frank");
  const std::string erin = password_token(app, "erin");
  const std::string bob = password_token(app, "bob");
  const json status = post_status(frank, "Which was best?");
  const std::string id = status["id"];
  guildhall::storage::Id post_id = 0, erin_id = 0;
  ASSERT_TRUE(guildhall::core::parse_id(id, post_id));
  ASSERT_TRUE(guildhall::core::parse_id(
      get_json("/api/v1/accounts/verify_credentials", erin)["id"].get<std::string>(), erin_id));
  {
    auto db =
        guildhall::storage::open_database("sqlite:" + (s().dir / "guildhall.db").string()).value();
    auto made = db->transact([&](guildhall::storage::Tx& tx) -> guildhall::core::Result<void> {
      auto poll = tx.polls().create({.post_id = post_id,
                                     .end_time = tx.now() - std::chrono::minutes(1),
                                     .options = {"Mon", "Tue"}});
      if (!poll)
        return std::move(poll).error();
      auto vote = tx.polls().add_vote(post_id, 1, erin_id, std::nullopt);
      if (!vote)
        return std::move(vote).error();
      return {};
    });
    ASSERT_TRUE(made.ok()) << made.error().message;
  }
  const json poll = get_json("/api/v1/polls/" + id, bob);
  EXPECT_EQ(poll["expired"], true);
  auto refused =
      s().call("POST", "/api/v1/polls/" + id + "/votes", form({{"choices[]", "0"}}), {}, bob);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("ended"), std::string::npos) << refused.body;

  const auto poll_notification = [&](const std::string& token) {
    auto list = get_json("/api/v1/notifications?types[]=poll", token);
    for (const auto& n : list)
      if (n["type"] == "poll" && n["status"]["id"] == id)
        return true;
    return false;
  };
  EXPECT_TRUE(guildhall::testrig::instances::eventually([&] { return poll_notification(frank); }))
      << "the author";
  EXPECT_TRUE(poll_notification(erin)) << "a voter";
  EXPECT_FALSE(poll_notification(bob)) << "neither author nor voter";
  for (const auto& n : get_json("/api/v1/notifications?exclude_types[]=poll", frank))
    EXPECT_NE(n["type"], "poll") << n;
}

// A status with a poll that mentions a group is a poll thread of its community, voted on through
// the same Mastodon routes (the community's own rules count the vote).
TEST_F(ClientApi, APollIntoACommunityIsAPollThreadVotedOnThroughTheMastodonApi) {
  const App app = register_app();
  const std::string erin = password_token(app, "erin");
  const std::string bob = password_token(app, "bob");
  const std::string eng_id = get_json("/api/v1/accounts/lookup?acct=eng", "")["id"];
  for (const auto* token : {&erin, &bob})
    ASSERT_EQ(s().call("POST", "/api/v1/accounts/" + eng_id + "/follow", "", {}, *token).status,
              200);
  const json poll = R"({"options":["Pizza","Soup"],"expires_in":3600})"_json;
  const json thread = post_status(erin, "@eng Lunch?\nPick one", json{{"poll", poll}}.dump());
  ASSERT_TRUE(thread["poll"].is_object()) << thread;
  auto community_thread =
      get_json("/api/guildhall/v1/threads/" + thread["id"].get<std::string>(), erin);
  EXPECT_EQ(community_thread["poll"]["options"][1]["name"], "Soup") << community_thread;

  const std::string votes = "/api/v1/polls/" + thread["id"].get<std::string>() + "/votes";
  auto voted = s().call("POST", votes, form({{"choices[]", "1"}}), {}, bob);
  ASSERT_EQ(voted.status, 200) << voted.body;
  EXPECT_EQ(json::parse(voted.body)["options"][1]["votes_count"], 1);
  EXPECT_EQ(s().call("POST", votes, form({{"choices[]", "0"}}), {}, bob).status, 422);

  // A community's poll shows its totals; a comment cannot be a poll.
  json hidden = poll;
  hidden["hide_totals"] = true;
  auto refused = s().call("POST", "/api/v1/statuses",
                          json{{"status", "@eng Secret?\nx"}, {"poll", hidden}}.dump(), {}, erin);
  EXPECT_EQ(refused.status, 422) << refused.body;
  auto comment = s().call(
      "POST", "/api/v1/statuses",
      json{{"status", "Also?"}, {"in_reply_to_id", thread["id"]}, {"poll", poll}}.dump(), {}, bob);
  EXPECT_EQ(comment.status, 422) << comment.body;
}

TEST_F(ClientApi, AccountStatusesTaggedFiltersByHashtag) {
  const App app = register_app();
  const std::string erin = password_token(app, "erin");
  const json cats = post_status(erin, "I like #Cats a lot");
  post_status(erin, "I like dogs, not #catsup");
  const std::string id = cats["account"]["id"];
  for (const char* tag : {"cats", "CATS", "%23cats"}) {
    auto tagged = get_json("/api/v1/accounts/" + id + "/statuses?tagged=" + tag, erin);
    ASSERT_EQ(tagged.size(), 1u) << tag << ": " << tagged;
    EXPECT_EQ(tagged[0]["id"], cats["id"]);
  }
  EXPECT_EQ(get_json("/api/v1/accounts/" + id + "/statuses?tagged=birds", erin), json::array());
  EXPECT_GE(get_json("/api/v1/accounts/" + id + "/statuses", erin).size(), 2u);
}

// ---------------------------------------------------------------------------------------------
// media

TEST_F(ClientApi, MediaUploadDescribeAttachAndServe) {
  const App app = register_app();
  const std::string token = password_token(app);
  const std::string bobs = password_token(register_app(), "bob");

  auto instance = get_json("/api/v2/instance", "");
  EXPECT_EQ(instance["configuration"]["statuses"]["max_media_attachments"], 4);
  EXPECT_NE(instance["configuration"]["media_attachments"]["supported_mime_types"].dump().find(
                "image/png"),
            std::string::npos);

  // The client's Content-Type is ignored: the bytes are a PNG.
  const Multipart up = multipart({{"description", "a gradient"}, {"focus", "0.5,-0.25"}}, "file",
                                 png_file(120, 80), "application/octet-stream");
  auto res = s().call("POST", "/api/v2/media", up.body, up.headers, token);
  ASSERT_EQ(res.status, 200) << res.body;
  const json media = json::parse(res.body);
  const std::string id = media["id"];
  EXPECT_EQ(media["type"], "image");
  EXPECT_EQ(media["description"], "a gradient");
  EXPECT_EQ(media["meta"]["original"]["width"], 120);
  EXPECT_EQ(media["meta"]["original"]["height"], 80);
  EXPECT_EQ(media["meta"]["focus"]["x"], 0.5);
  EXPECT_EQ(media["meta"]["focus"]["y"], -0.25);
  EXPECT_TRUE(media["blurhash"].is_string());
  const std::string url = media["url"];
  ASSERT_TRUE(url.starts_with("https://guild.test/media/")) << url;
  ASSERT_TRUE(media["preview_url"].is_string());
  EXPECT_TRUE(media["remote_url"].is_null());

  // Only its owner sees and describes it.
  EXPECT_EQ(get_json("/api/v1/media/" + id, token)["id"], id);
  get_json("/api/v1/media/" + id, bobs, 404);
  auto described = s().call("PUT", "/api/v1/media/" + id,
                            json{{"description", "a colour gradient"}}.dump(), {}, token);
  ASSERT_EQ(described.status, 200) << described.body;
  EXPECT_EQ(json::parse(described.body)["description"], "a colour gradient");
  EXPECT_EQ(s().call("PUT", "/api/v1/media/" + id, json{{"focus", "3,0"}}.dump(), {}, token).status,
            422);

  // Nobody else can attach it; its owner can, once.
  EXPECT_EQ(s().call("POST", "/api/v1/statuses",
                     json{{"status", "stolen"}, {"media_ids", {id}}}.dump(), {}, bobs)
                .status,
            422);
  const json status = post_status(token, "", json{{"media_ids", {id}}}.dump());
  ASSERT_EQ(status["media_attachments"].size(), 1u) << status.dump();
  EXPECT_EQ(status["media_attachments"][0]["id"], id);
  EXPECT_EQ(status["media_attachments"][0]["url"], url);
  EXPECT_EQ(status["media_attachments"][0]["description"], "a colour gradient");
  EXPECT_EQ(s().call("POST", "/api/v1/statuses",
                     json{{"status", "again"}, {"media_ids", {id}}}.dump(), {}, token)
                .status,
            422);
  // only_media keeps the posts with attachments, and Link paging goes past what it leaves out.
  post_status(token, "words only #gallery");
  for (const std::string& path : {std::string("/api/v1/timelines/public?only_media=true&limit=1"),
                                  "/api/v1/accounts/" + status["account"]["id"].get<std::string>() +
                                      "/statuses?only_media=true&limit=1"}) {
    SCOPED_TRACE(path);
    auto first = s().call("GET", path, "", {}, token);
    ASSERT_EQ(first.status, 200);
    EXPECT_TRUE(json::parse(first.body).empty()) << "the newest post has no media";
    ASSERT_NE(first.headers["link"].find("rel=\"next\""), std::string::npos);
    bool found = false;
    std::string next = first.headers["link"];
    for (int i = 0; i < 20 && !found && !next.empty(); ++i) {
      const auto start = next.find('<') + 1;
      const std::string url = next.substr(start, next.find('>') - start);
      auto page =
          s().call("GET", url.substr(std::string("https://guild.test").size()), "", {}, token);
      for (const auto& st : json::parse(page.body))
        found = found || st["id"] == status["id"];
      next = page.headers["link"].find("rel=\"next\"") == std::string::npos ? ""
                                                                            : page.headers["link"];
    }
    EXPECT_TRUE(found);
  }
  // Hashtag timelines narrow down with all[] and none[].
  const json both = post_status(token, "#gallery #Extra");
  const auto tagged = [&](const std::string& query) {
    std::vector<std::string> ids;
    for (const auto& st : get_json("/api/v1/timelines/tag/gallery" + query, token))
      ids.push_back(st["id"]);
    return ids;
  };
  EXPECT_EQ(tagged("").size(), 2u);
  EXPECT_EQ(tagged("?all[]=extra"), std::vector<std::string>{both["id"]});
  EXPECT_EQ(tagged("?none[]=%23extra").size(), 1u);
  EXPECT_NE(tagged("?none[]=%23extra").front(), both["id"]);
  const json other = post_status(token, "#Elsewhere only");
  const auto widened = tagged("?any[]=elsewhere");
  EXPECT_EQ(widened.size(), 3u);
  EXPECT_EQ(widened.front(), other["id"]);
  // Attached: described through an edit of the post, as on Mastodon.
  EXPECT_EQ(
      s().call("PUT", "/api/v1/media/" + id, json{{"description", "x"}}.dump(), {}, token).status,
      404);
  EXPECT_EQ(
      s().call("POST", "/api/v1/statuses",
               json{{"status", "five"}, {"media_ids", {id, id, id, id, id}}}.dump(), {}, token)
          .status,
      422);

  // The file: its type, never sniffed, cached for a year.
  const std::string path = url.substr(std::string("https://guild.test").size());
  auto file = s().call("GET", path);
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.headers["content-type"], "image/png");
  EXPECT_EQ(file.headers["x-content-type-options"], "nosniff");
  EXPECT_NE(file.headers["cache-control"].find("max-age=31536000"), std::string::npos);
  EXPECT_TRUE(file.body.starts_with("\x89PNG"));
  EXPECT_EQ(s().call("GET", "/media/../guildhall.db").status, 404);
  EXPECT_EQ(s().call("GET", "/media/aaaaaaaaaaaaaaaaaaaaaaaaaa.png").status, 404);

  // An edit without media_ids keeps the attachment; an empty list removes it.
  auto kept = s().call("PUT", "/api/v1/statuses/" + std::string(status["id"]),
                       json{{"status", "edited"}}.dump(), {}, token);
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(json::parse(kept.body)["media_attachments"].size(), 1u);
  auto emptied =
      s().call("PUT", "/api/v1/statuses/" + std::string(status["id"]),
               json{{"status", "edited"}, {"media_ids", json::array()}}.dump(), {}, token);
  ASSERT_EQ(emptied.status, 200) << emptied.body;
  EXPECT_TRUE(json::parse(emptied.body)["media_attachments"].empty());
}

TEST_F(ClientApi, MediaRefusedLeavesNothingStored) {
  const std::string token = password_token(register_app());
  const fs::path media_dir = s().dir / "media";
  const std::size_t before = files_in(media_dir);
  const auto refused = [&](const std::string& file, const std::string& why) {
    const Multipart up = multipart({}, "file", file);
    auto res = s().call("POST", "/api/v2/media", up.body, up.headers, token);
    EXPECT_EQ(res.status, 422) << why << ": " << res.body;
    EXPECT_TRUE(json::parse(res.body, nullptr, false).contains("error")) << res.body;
  };
  refused("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "svg");
  refused("<!DOCTYPE html><html></html>", "html");
  // The header claims 100000 x 100000 pixels: refused before anything is decoded.
  refused(png_file(8, 8, 100000, 100000), "bomb");
  std::string truncated = png_file(64, 64);
  truncated.resize(truncated.size() / 2);
  refused(truncated, "truncated");
  const Multipart none = multipart({{"description", "no file"}});
  EXPECT_EQ(s().call("POST", "/api/v2/media", none.body, none.headers, token).status, 422);
  EXPECT_EQ(files_in(media_dir), before);
}

TEST_F(ClientApi, AvatarAndHeaderUploads) {
  const std::string token = password_token(register_app(), "carol");
  Multipart up = multipart({{"display_name", "Carol"}}, "avatar", png_file(300, 200));
  // Two files in one body: the avatar and the header.
  const std::string header_part =
      "Content-Disposition: form-data; name=\"header\"; filename=\"h.png\"\r\n\r\n" +
      png_file(600, 100) + "\r\n";
  const std::string last = "--GuildhallTestBoundary7MA4YWxk--\r\n";
  up.body = up.body.substr(0, up.body.size() - last.size()) +
            "--GuildhallTestBoundary7MA4YWxk\r\n" + header_part + last;
  auto res = s().call("PATCH", "/api/v1/accounts/update_credentials", up.body, up.headers, token);
  ASSERT_EQ(res.status, 200) << res.body;
  const json account = json::parse(res.body);
  EXPECT_EQ(account["display_name"], "Carol");
  const std::string avatar = account["avatar"];
  const std::string header = account["header"];
  ASSERT_TRUE(avatar.starts_with("https://guild.test/media/")) << avatar;
  ASSERT_TRUE(header.starts_with("https://guild.test/media/")) << header;
  auto file = s().call("GET", avatar.substr(std::string("https://guild.test").size()));
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.body.substr(16, 8), std::string("\0\0\x01\x90\0\0\x01\x90", 8));  // 400x400
  // The actor document carries them as icon and image.
  auto actor = s().call("GET", "/users/carol", "", {{"Accept", "application/activity+json"}});
  ASSERT_EQ(actor.status, 200);
  const json doc = json::parse(actor.body);
  EXPECT_EQ(doc["icon"]["url"], avatar);
  EXPECT_EQ(doc["image"]["url"], header);
  // Removing the header (Mastodon's DELETE /api/v1/profile/header) keeps the avatar.
  auto removed = s().call("DELETE", "/api/v1/profile/header", "", {}, token);
  ASSERT_EQ(removed.status, 200) << removed.body;
  const json without = json::parse(removed.body);
  EXPECT_EQ(without["avatar"], avatar);
  EXPECT_TRUE(without["header"].get<std::string>().ends_with("/headers/original/missing.png"))
      << without;
  auto plain = s().call("GET", "/users/carol", "", {{"Accept", "application/activity+json"}});
  EXPECT_FALSE(json::parse(plain.body).contains("image")) << plain.body;
  EXPECT_EQ(s().call("DELETE", "/api/v1/profile/avatar").status, 401);
  // A PDF is no avatar.
  const Multipart pdf = multipart({}, "avatar", "%PDF-1.7\n");
  EXPECT_EQ(
      s().call("PATCH", "/api/v1/accounts/update_credentials", pdf.body, pdf.headers, token).status,
      422);
}

TEST_F(ClientApi, HomeTimelinePaginatesWithLinkHeaders) {
  const App app = register_app();
  const std::string token = password_token(app, "bob");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i)
    ids.push_back(post_status(token, "bob says " + std::to_string(i))["id"]);
  auto first = s().call("GET", "/api/v1/timelines/home?limit=2", "", {}, token);
  ASSERT_EQ(first.status, 200);
  auto page = json::parse(first.body);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0]["id"], ids[2]);
  EXPECT_EQ(page[1]["id"], ids[1]);
  const std::string link = first.headers["link"];
  EXPECT_TRUE(link.starts_with(
      "<https://guild.test/api/v1/timelines/home?limit=2&max_id=" + ids[1] + ">; rel=\"next\""))
      << link;
  EXPECT_NE(link.find("min_id=" + ids[2] + ">; rel=\"prev\""), std::string::npos) << link;

  auto second = get_json("/api/v1/timelines/home?limit=2&max_id=" + ids[1], token);
  ASSERT_GE(second.size(), 1u);
  EXPECT_EQ(second[0]["id"], ids[0]);
  auto newer = get_json("/api/v1/timelines/home?min_id=" + ids[0] + "&limit=1", token);
  ASSERT_EQ(newer.size(), 1u);
  EXPECT_EQ(newer[0]["id"], ids[1]);

  auto empty = s().call("GET", "/api/v1/timelines/home?since_id=" + ids[2], "", {}, token);
  EXPECT_EQ(empty.body, "[]");
  EXPECT_FALSE(empty.headers.contains("link"));

  auto tagged = post_status(token, "about #cpp20");
  auto tag = get_json("/api/v1/timelines/tag/CPP20", "");
  ASSERT_EQ(tag.size(), 1u);
  EXPECT_EQ(tag[0]["id"], tagged["id"]);
  EXPECT_EQ(get_json("/api/v1/timelines/tag/cpp", "").size(), 0u);
  auto local = get_json("/api/v1/timelines/public?local=1&limit=1", "");
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(local[0]["id"], tagged["id"]);
  EXPECT_FALSE(local[0].contains("favourited")) << "no viewer, no viewer state";
}

TEST_F(ClientApi, AccountsFollowLookupAndSearch) {
  const App app = register_app();
  const std::string alice = password_token(app, "alice");
  auto me = get_json("/api/v1/accounts/verify_credentials", alice);
  for (const char* field : {"id", "username", "acct", "display_name", "locked", "bot", "group",
                            "created_at", "note", "url", "avatar", "header", "followers_count",
                            "following_count", "statuses_count", "emojis", "fields", "source"})
    EXPECT_TRUE(me.contains(field)) << field;
  EXPECT_EQ(me["group"], false);

  auto updated = s().call("PATCH", "/api/v1/accounts/update_credentials",
                          form({{"display_name", "Alice A."}, {"note", "I <3 C++"}}), {}, alice);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::parse(updated.body)["display_name"], "Alice A.");
  EXPECT_EQ(json::parse(updated.body)["note"], "<p>I &lt;3 C++</p>");
  EXPECT_EQ(json::parse(updated.body)["source"]["note"], "I <3 C++");

  auto bob = get_json("/api/v1/accounts/lookup?acct=bob", "");
  ASSERT_EQ(bob["acct"], "bob");
  const std::string bob_id = bob["id"];
  EXPECT_EQ(get_json("/api/v1/accounts/lookup?acct=bob@guild.test", "")["id"], bob_id);
  EXPECT_EQ(s().call("GET", "/api/v1/accounts/lookup?acct=nobody").status, 404);
  EXPECT_EQ(get_json("/api/v1/accounts/" + bob_id, "")["username"], "bob");

  auto follow = s().call("POST", "/api/v1/accounts/" + bob_id + "/follow", "", {}, alice);
  ASSERT_EQ(follow.status, 200) << follow.body;
  EXPECT_EQ(json::parse(follow.body)["following"], true);
  auto rels = get_json("/api/v1/accounts/relationships?id[]=" + bob_id, alice);
  ASSERT_EQ(rels.size(), 1u);
  EXPECT_EQ(rels[0]["following"], true);
  auto followers = get_json("/api/v1/accounts/" + bob_id + "/followers", "");
  ASSERT_EQ(followers.size(), 1u);
  EXPECT_EQ(followers[0]["username"], "alice");
  EXPECT_EQ(get_json("/api/v1/accounts/" + bob_id, "")["followers_count"], 1);

  // Bob's posts reach Alice's home timeline.
  const std::string bob_token = password_token(app, "bob");
  auto posted = post_status(bob_token, "for my followers");
  auto home = get_json("/api/v1/timelines/home", alice);
  ASSERT_FALSE(home.empty());
  EXPECT_EQ(home[0]["id"], posted["id"]);

  auto unfollow = s().call("POST", "/api/v1/accounts/" + bob_id + "/unfollow", "", {}, alice);
  EXPECT_EQ(json::parse(unfollow.body)["following"], false);

  auto search = get_json("/api/v2/search?q=bo&resolve=1", alice);
  ASSERT_EQ(search["accounts"].size(), 1u);
  EXPECT_EQ(search["accounts"][0]["acct"], "bob");
  auto autocomplete = get_json("/api/v1/accounts/search?q=ali", alice);
  ASSERT_EQ(autocomplete.size(), 1u);

  auto statuses = get_json("/api/v1/accounts/" + bob_id + "/statuses?limit=1", "");
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0]["id"], posted["id"]);
}

TEST_F(ClientApi, MarkersAndHonestEmptyLists) {
  const App app = register_app();
  const std::string token = password_token(app, "alice", "read write follow push");
  auto saved =
      s().call("POST", "/api/v1/markers", form({{"home[last_read_id]", "12345"}}), {}, token);
  ASSERT_EQ(saved.status, 200) << saved.body;
  auto markers = get_json("/api/v1/markers?timeline[]=home&timeline[]=notifications", token);
  EXPECT_EQ(markers["home"]["last_read_id"], "12345");
  EXPECT_EQ(markers["home"]["version"], 1);
  EXPECT_TRUE(markers["home"].contains("updated_at"));
  for (const char* path : {"/api/v1/custom_emojis", "/api/v2/filters", "/api/v1/lists"})
    EXPECT_EQ(get_json(path, token), json::array()) << path;
  EXPECT_EQ(get_json("/api/v1/preferences", token)["posting:default:visibility"], "public");
  EXPECT_EQ(s().call("GET", "/api/v1/push/subscription", "", {}, token).status, 404);
}

TEST_F(ClientApi, ListsByIdTagsSearchAndFamiliarFollowers) {
  const App app = register_app();
  const std::string lena = password_token(app, "lena");
  const std::string frank = password_token(app, "frank");
  auto kept = post_status(lena, "Sourdough starters need #BreadCraft and patience");
  auto gone = post_status(lena, "a loaf nobody will see");
  ASSERT_EQ(
      s().call("DELETE", "/api/v1/statuses/" + gone["id"].get<std::string>(), "", {}, lena).status,
      200);
  const std::string lena_id = kept["account"]["id"];

  // Several statuses or accounts by id: in the order asked, unknown and deleted ones left out.
  auto statuses = get_json("/api/v1/statuses?id[]=" + gone["id"].get<std::string>() +
                               "&id[]=" + kept["id"].get<std::string>() + "&id[]=12345&id[]=x",
                           "");
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0]["id"], kept["id"]);
  const std::string frank_id = get_json("/api/v1/accounts/lookup?acct=frank", "")["id"];
  auto accounts = get_json("/api/v1/accounts?id[]=" + frank_id + "&id[]=1&id[]=" + lena_id, "");
  ASSERT_EQ(accounts.size(), 2u);
  EXPECT_EQ(accounts[0]["username"], "frank");
  EXPECT_EQ(accounts[1]["username"], "lena");
  std::string many = "/api/v1/accounts?";
  for (int i = 0; i < 41; ++i)
    many += "id[]=" + std::to_string(i + 1) + "&";
  EXPECT_EQ(s().call("GET", many).status, 422);

  // Tags: the entity for any valid name; search finds a tag only when a post carries it.
  auto tag = get_json("/api/v1/tags/BreadCraft", "");
  EXPECT_EQ(tag["name"], "breadcraft");
  EXPECT_EQ(tag["url"], "https://guild.test/tags/breadcraft");
  EXPECT_EQ(tag["history"], json::array());
  EXPECT_EQ(s().call("GET", "/api/v1/tags/no%20tag").status, 404);
  auto found = get_json("/api/v2/search?q=%23breadcraft", frank);
  ASSERT_EQ(found["hashtags"].size(), 1u);
  EXPECT_EQ(found["hashtags"][0]["name"], "breadcraft");
  EXPECT_TRUE(get_json("/api/v2/search?q=%23croissantcraft", frank)["hashtags"].empty());

  // Statuses by their text; `offset` skips.
  auto text = get_json("/api/v2/search?q=sourdough&type=statuses", frank);
  ASSERT_EQ(text["statuses"].size(), 1u);
  EXPECT_EQ(text["statuses"][0]["id"], kept["id"]);
  EXPECT_TRUE(text["accounts"].empty());
  EXPECT_TRUE(
      get_json("/api/v2/search?q=sourdough&type=statuses&offset=1", frank)["statuses"].empty());
  EXPECT_TRUE(get_json("/api/v2/search?q=nobody%20will%20see", frank)["statuses"].empty());

  // Familiar followers: the people I follow who follow the account.
  const std::string bob = password_token(app, "bob");
  ASSERT_EQ(s().call("POST", "/api/v1/accounts/" + lena_id + "/follow", "", {}, frank).status, 200);
  auto familiar = get_json("/api/v1/accounts/familiar_followers?id[]=" + lena_id, bob);
  ASSERT_EQ(familiar.size(), 1u);
  EXPECT_EQ(familiar[0]["id"], lena_id);
  EXPECT_TRUE(familiar[0]["accounts"].empty());
  ASSERT_EQ(s().call("POST", "/api/v1/accounts/" + frank_id + "/follow", "", {}, bob).status, 200);
  familiar = get_json("/api/v1/accounts/familiar_followers?id[]=" + lena_id, bob);
  ASSERT_EQ(familiar[0]["accounts"].size(), 1u);
  EXPECT_EQ(familiar[0]["accounts"][0]["username"], "frank");

  // The instance's long description, and honest empty answers.
  auto about = get_json("/api/v1/instance/extended_description", "");
  EXPECT_TRUE(about.contains("updated_at"));
  EXPECT_TRUE(about["content"].is_string());
  EXPECT_EQ(get_json("/api/v1/instance/translation_languages", ""), json::object());
  for (const std::string& path : std::vector<std::string>{
           "/api/v1/featured_tags", "/api/v1/endorsements", "/api/v1/suggestions",
           "/api/v2/suggestions", "/api/v1/accounts/" + lena_id + "/featured_tags",
           "/api/v1/accounts/" + lena_id + "/lists"})
    EXPECT_EQ(get_json(path, frank), json::array()) << path;
}

TEST_F(ClientApi, PeoplePinTheirOwnPostsToTheirProfile) {
  const App app = register_app();
  const std::string pia = password_token(app, "pia");
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i)
    ids.push_back(post_status(pia, "pin candidate " + std::to_string(i))["id"]);
  const std::string pia_id = get_json("/api/v1/accounts/lookup?acct=pia", "")["id"];
  const auto pin = [&](const std::string& id, const std::string& token,
                       const std::string& action = "pin") {
    return s().call("POST", "/api/v1/statuses/" + id + "/" + action, "", {}, token);
  };
  const auto pinned_ids = [&] {
    std::vector<std::string> out;
    for (const auto& st : get_json("/api/v1/accounts/" + pia_id + "/statuses?pinned=true", ""))
      out.push_back(st["id"]);
    return out;
  };

  auto first = pin(ids[0], pia);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(json::parse(first.body)["pinned"], true);
  EXPECT_EQ(pin(ids[0], pia).status, 200);  // again: nothing changes
  EXPECT_EQ(pinned_ids(), std::vector<std::string>{ids[0]});
  // Someone else's post, or without the write scope: refused.
  const std::string bob = password_token(app, "bob");
  EXPECT_EQ(pin(ids[1], bob).status, 403);
  EXPECT_EQ(pin(ids[1], password_token(app, "pia", "read")).status, 403);

  for (int i = 1; i < 5; ++i)
    ASSERT_EQ(pin(ids[i], pia).status, 200);
  auto sixth = pin(ids[5], pia);
  EXPECT_EQ(sixth.status, 422) << sixth.body;
  ASSERT_EQ(s().call("DELETE", "/api/v1/statuses/" + ids[4], "", {}, pia).status, 200);
  EXPECT_EQ(pin(ids[5], pia).status, 200);  // a deleted pin frees its place
  auto unpinned = pin(ids[0], pia, "unpin");
  ASSERT_EQ(unpinned.status, 200) << unpinned.body;
  EXPECT_EQ(json::parse(unpinned.body)["pinned"], false);
  EXPECT_EQ(pinned_ids(), (std::vector<std::string>{ids[5], ids[3], ids[2], ids[1]}));
  EXPECT_EQ(get_json("/api/v1/statuses/" + ids[5], bob)["pinned"], false);  // not bob's to pin
  EXPECT_EQ(get_json("/api/v1/statuses/" + ids[5], pia)["pinned"], true);

  // Federated as the actor's featured collection, newest pin first.
  auto featured =
      s().call("GET", "/users/pia/featured", "", {{"Accept", "application/activity+json"}});
  ASSERT_EQ(featured.status, 200) << featured.body;
  auto items = json::parse(featured.body)["orderedItems"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0], get_json("/api/v1/statuses/" + ids[5], "")["uri"]);
}

TEST_F(ClientApi, NotificationsOfRepliesFavouritesAndFollows) {
  const App app = register_app();
  const std::string carol = password_token(app, "carol");
  const std::string bob = password_token(app, "bob");
  auto post = post_status(carol, "notify me");
  const std::string post_id = post["id"];
  const std::string carol_id = post["account"]["id"];
  auto reply = post_status(bob, "a reply", R"({"in_reply_to_id": ")" + post_id + R"("})");
  ASSERT_EQ(s().call("POST", "/api/v1/statuses/" + post_id + "/favourite", "", {}, bob).status,
            200);
  ASSERT_EQ(s().call("POST", "/api/v1/accounts/" + carol_id + "/follow", "", {}, bob).status, 200);

  auto all = get_json("/api/v1/notifications", carol);
  ASSERT_EQ(all.size(), 3u) << all;
  EXPECT_EQ(all[0]["type"], "follow");
  EXPECT_EQ(all[1]["type"], "favourite");
  EXPECT_EQ(all[1]["status"]["id"], post_id);
  EXPECT_EQ(all[2]["type"], "mention");
  EXPECT_EQ(all[2]["status"]["id"], reply["id"]);
  for (const auto& n : all)
    EXPECT_EQ(n["account"]["username"], "bob");
  auto filtered =
      get_json("/api/v1/notifications?exclude_types[]=follow&exclude_types[]=mention", carol);
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0]["type"], "favourite");
  auto only = get_json("/api/v1/notifications?types[]=mention", carol);
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(get_json("/api/v1/notifications/" + all[1]["id"].get<std::string>(), carol)["type"],
            "favourite");
  EXPECT_EQ(s().call("GET", "/api/v1/notifications/" + all[1]["id"].get<std::string>(), "", {}, bob)
                .status,
            404);
  EXPECT_EQ(get_json("/api/v1/notifications/unread_count", carol)["count"], 3);
  ASSERT_EQ(s().call("POST", "/api/v1/markers",
                     form({{"notifications[last_read_id]", all[1]["id"]}}), {}, carol)
                .status,
            200);
  EXPECT_EQ(get_json("/api/v1/notifications/unread_count", carol)["count"], 1);

  // Dismiss hides one (only your own: bob's dismiss of carol's is a 404 and changes nothing);
  // clear hides the rest, and what happens afterwards shows again.
  const std::string favourite_id = all[1]["id"];
  EXPECT_EQ(
      s().call("POST", "/api/v1/notifications/" + favourite_id + "/dismiss", "", {}, bob).status,
      404);
  EXPECT_EQ(get_json("/api/v1/notifications", carol).size(), 3u);
  auto dismissed =
      s().call("POST", "/api/v1/notifications/" + favourite_id + "/dismiss", "", {}, carol);
  ASSERT_EQ(dismissed.status, 200) << dismissed.body;
  EXPECT_EQ(dismissed.body, "{}");
  auto left = get_json("/api/v1/notifications", carol);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0]["type"], "follow");
  EXPECT_EQ(left[1]["type"], "mention");
  EXPECT_EQ(s().call("GET", "/api/v1/notifications/" + favourite_id, "", {}, carol).status, 404);
  ASSERT_EQ(s().call("POST", "/api/v1/notifications/clear", "", {}, carol).status, 200);
  EXPECT_TRUE(get_json("/api/v1/notifications", carol).empty());
  post_status(bob, "after the clear", R"({"in_reply_to_id": ")" + post_id + R"("})");
  auto fresh = get_json("/api/v1/notifications", carol);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0]["type"], "mention");
  const std::string read_only = password_token(app, "carol", "read");
  EXPECT_EQ(s().call("POST", "/api/v1/notifications/clear", "", {}, read_only).status, 403);
  EXPECT_EQ(get_json("/api/v1/notifications", carol).size(), 1u);
}

TEST_F(ClientApi, FollowingAGroupAccountJoinsItsCommunityAndManagersApproveJoinRequests) {
  const App app = register_app();
  const std::string alice = password_token(app, "alice");
  const std::string bob = password_token(app, "bob");
  const std::string carol = password_token(app, "carol");
  auto eng = get_json("/api/v1/accounts/lookup?acct=eng", "");
  EXPECT_EQ(eng["group"], true);
  EXPECT_EQ(eng["locked"], false);
  EXPECT_EQ(eng["display_name"], "Engineering");
  EXPECT_EQ(eng["followers_count"], 1) << "the owner is a member";
  const std::string eng_id = eng["id"];
  auto follow = s().call("POST", "/api/v1/accounts/" + eng_id + "/follow", "", {}, alice);
  ASSERT_EQ(follow.status, 200) << follow.body;
  EXPECT_EQ(json::parse(follow.body)["following"], true);
  EXPECT_EQ(get_json("/api/v1/accounts/" + eng_id, "")["followers_count"], 2);
  auto unfollow = s().call("POST", "/api/v1/accounts/" + eng_id + "/unfollow", "", {}, alice);
  ASSERT_EQ(unfollow.status, 200) << unfollow.body;
  EXPECT_EQ(json::parse(unfollow.body)["following"], false);
  EXPECT_EQ(get_json("/api/v1/accounts/" + eng_id, "")["followers_count"], 1);

  // An approval community is a locked account: joining is a follow request to its managers.
  auto design = get_json("/api/v1/accounts/lookup?acct=design", "");
  EXPECT_EQ(design["locked"], true);
  const std::string design_id = design["id"];
  auto asked = s().call("POST", "/api/v1/accounts/" + design_id + "/follow", "", {}, alice);
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_EQ(json::parse(asked.body)["requested"], true);
  EXPECT_EQ(json::parse(asked.body)["following"], false);
  auto requests = get_json("/api/v1/follow_requests", carol);
  ASSERT_EQ(requests.size(), 1u) << requests.dump();
  EXPECT_EQ(requests[0]["username"], "alice");
  EXPECT_EQ(get_json("/api/v1/follow_requests", bob), json::array()) << "bob manages nothing";
  const std::string alice_id = requests[0]["id"];
  EXPECT_EQ(
      s().call("POST", "/api/v1/follow_requests/" + alice_id + "/authorize", "", {}, bob).status,
      404)
      << "only a manager answers";
  auto authorized =
      s().call("POST", "/api/v1/follow_requests/" + alice_id + "/authorize", "", {}, carol);
  ASSERT_EQ(authorized.status, 200) << authorized.body;
  auto relationship = get_json("/api/v1/accounts/relationships?id[]=" + design_id, alice);
  EXPECT_EQ(relationship[0]["following"], true);
  EXPECT_EQ(relationship[0]["requested"], false);
  EXPECT_EQ(get_json("/api/v1/follow_requests", carol), json::array());

  // bob asks too and is rejected.
  ASSERT_EQ(s().call("POST", "/api/v1/accounts/" + design_id + "/follow", "", {}, bob).status, 200);
  const std::string bob_id = get_json("/api/v1/follow_requests", carol)[0]["id"];
  ASSERT_EQ(s().call("POST", "/api/v1/follow_requests/" + bob_id + "/reject", "", {}, carol).status,
            200);
  auto rejected = get_json("/api/v1/accounts/relationships?id[]=" + design_id, bob);
  EXPECT_EQ(rejected[0]["following"], false);
  EXPECT_EQ(rejected[0]["requested"], false);
}

// Join decisions and reports: Guildhall's own types reach only clients that name them in types[]
// (the web app does); admins get Mastodon's admin.report with its report entity.
TEST_F(ClientApi, JoinDecisionsAndReportsNotifyAndGuildhallTypesNeedAskingFor) {
  const App app = register_app();
  const std::string gina = password_token(app, "gina");
  const std::string hank = password_token(app, "hank");
  const std::string ivan = password_token(app, "ivan");
  const std::string mona = password_token(app, "mona");
  const std::string olga = password_token(app, "olga");
  const std::string review_id = get_json("/api/v1/accounts/lookup?acct=review", "")["id"];
  for (const auto& who : {gina, hank, ivan})
    ASSERT_EQ(s().call("POST", "/api/v1/accounts/" + review_id + "/follow", "", {}, who).status,
              200);
  auto requests = get_json("/api/v1/follow_requests", mona);
  ASSERT_EQ(requests.size(), 3u) << requests.dump();
  for (const auto& r : requests) {
    const std::string verb = r["username"] == "hank" ? "reject" : "authorize";
    ASSERT_EQ(s().call("POST", "/api/v1/follow_requests/" + r["id"].get<std::string>() + "/" + verb,
                       "", {}, mona)
                  .status,
              200);
  }
  const auto types_of = [](const json& list) {
    std::vector<std::string> out;
    for (const auto& n : list)
      out.push_back(n["type"]);
    return out;
  };
  const auto has_own_type = [&](const json& list) {
    for (const auto& t : types_of(list))
      if (t.starts_with("guildhall."))
        return true;
    return false;
  };
  // A Mastodon app that names no types never meets a type it does not know.
  EXPECT_FALSE(has_own_type(get_json("/api/v1/notifications", gina)));
  EXPECT_FALSE(has_own_type(get_json("/api/v1/notifications?exclude_types[]=follow", gina)));
  EXPECT_EQ(get_json("/api/v1/notifications/unread_count", gina)["count"], 0);
  auto approved = get_json("/api/v1/notifications?types[]=guildhall.join_approved", gina);
  ASSERT_EQ(approved.size(), 1u) << approved.dump();
  EXPECT_EQ(approved[0]["type"], "guildhall.join_approved");
  EXPECT_EQ(approved[0]["account"]["acct"], "review");
  EXPECT_EQ(approved[0]["account"]["group"], true);
  EXPECT_EQ(
      get_json("/api/v1/notifications/unread_count?types[]=guildhall.join_approved", gina)["count"],
      1);
  auto rejected = get_json(
      "/api/v1/notifications?types[]=guildhall.join_approved&types[]=guildhall.join_rejected",
      hank);
  EXPECT_EQ(types_of(rejected), (std::vector<std::string>{"guildhall.join_rejected"}));
  EXPECT_EQ(get_json("/api/v1/notifications?types[]=guildhall.join_rejected&exclude_types[]="
                     "guildhall.join_rejected",
                     hank),
            json::array());
  // Dismissing works on them like on any other.
  const std::string rejected_id = rejected[0]["id"];
  ASSERT_EQ(
      s().call("POST", "/api/v1/notifications/" + rejected_id + "/dismiss", "", {}, hank).status,
      200);
  EXPECT_EQ(get_json("/api/v1/notifications?types[]=guildhall.join_rejected", hank), json::array());

  // gina posts into the community and ivan, a member too, reports it.
  auto thread = s().call("POST", "/api/guildhall/v1/communities/" + review_id + "/threads",
                         json{{"title", "Reported"}, {"body", "Buy now"}}.dump(), {}, gina);
  ASSERT_EQ(thread.status, 200) << thread.body;
  const std::string post_id = json::parse(thread.body)["id"];
  auto reported = s().call("POST", "/api/guildhall/v1/posts/" + post_id + "/report",
                           json{{"reason", "spam"}}.dump(), {}, ivan);
  ASSERT_EQ(reported.status, 200) << reported.body;

  // The admin: Mastodon's admin.report, without asking, with the report entity.
  auto admin_reports = get_json("/api/v1/notifications?types[]=admin.report", olga);
  ASSERT_EQ(admin_reports.size(), 1u) << admin_reports.dump();
  const json& report = admin_reports[0]["report"];
  EXPECT_EQ(admin_reports[0]["account"]["acct"], "ivan") << "the reporter";
  EXPECT_EQ(report["comment"], "spam");
  EXPECT_EQ(report["status_ids"], json::array({post_id}));
  EXPECT_EQ(report["target_account"]["acct"], "gina");
  EXPECT_EQ(report["action_taken"], false);
  EXPECT_EQ(report["community"]["acct"], "review");
  EXPECT_EQ(types_of(get_json("/api/v1/notifications", olga)),
            (std::vector<std::string>{"admin.report"}));
  // The community's manager: guildhall.report, only when asked for, linking the community.
  EXPECT_FALSE(has_own_type(get_json("/api/v1/notifications", mona)));
  auto managed = get_json("/api/v1/notifications?types[]=guildhall.report", mona);
  ASSERT_EQ(managed.size(), 1u) << managed.dump();
  EXPECT_EQ(managed[0]["report"]["id"], report["id"]);
  EXPECT_EQ(managed[0]["report"]["community"]["id"], review_id);
  // Neither the reporter nor the reported person is told.
  for (const auto& who : {ivan, gina})
    EXPECT_EQ(get_json("/api/v1/notifications?types[]=guildhall.report&types[]=admin.report", who),
              json::array());
}

TEST_F(ClientApi, LockedPeopleApproveFollowRequests) {
  const App app = register_app();
  const std::string alice = password_token(app, "alice");
  const std::string bob = password_token(app, "bob");
  ASSERT_EQ(
      s().call("PATCH", "/api/v1/accounts/update_credentials", form({{"locked", "true"}}), {}, bob)
          .status,
      200);
  const std::string bob_id = get_json("/api/v1/accounts/lookup?acct=bob", "")["id"];
  auto asked = s().call("POST", "/api/v1/accounts/" + bob_id + "/follow", "", {}, alice);
  EXPECT_EQ(json::parse(asked.body)["requested"], true);
  auto requests = get_json("/api/v1/follow_requests", bob);
  ASSERT_EQ(requests.size(), 1u);
  const std::string alice_id = requests[0]["id"];
  ASSERT_EQ(
      s().call("POST", "/api/v1/follow_requests/" + alice_id + "/authorize", "", {}, bob).status,
      200);
  EXPECT_EQ(get_json("/api/v1/accounts/relationships?id[]=" + bob_id, alice)[0]["following"], true);
  EXPECT_EQ(
      s().call("POST", "/api/v1/follow_requests/" + alice_id + "/authorize", "", {}, bob).status,
      404)
      << "nothing pending any more";
}

TEST_F(ClientApi, ReblogsShowInHomeAsReblogStatusesAndNotifyTheAuthor) {
  const App app = register_app();
  const std::string alice = password_token(app, "alice");
  const std::string bob = password_token(app, "bob");
  const std::string carol = password_token(app, "carol");
  const std::string id = post_status(alice, "Boost me")["id"];
  const std::string bob_id = get_json("/api/v1/accounts/lookup?acct=bob", "")["id"];
  ASSERT_EQ(s().call("POST", "/api/v1/accounts/" + bob_id + "/follow", "", {}, carol).status, 200);

  auto boosted = s().call("POST", "/api/v1/statuses/" + id + "/reblog", "", {}, bob);
  ASSERT_EQ(boosted.status, 200) << boosted.body;
  const json wrapper = json::parse(boosted.body);
  EXPECT_NE(wrapper["id"], id);
  EXPECT_EQ(wrapper["account"]["username"], "bob");
  EXPECT_EQ(wrapper["reblog"]["id"], id);
  EXPECT_EQ(wrapper["reblog"]["reblogged"], true);
  EXPECT_EQ(wrapper["reblog"]["reblogs_count"], 1);
  auto again = s().call("POST", "/api/v1/statuses/" + id + "/reblog", "", {}, bob);
  EXPECT_EQ(json::parse(again.body)["id"], wrapper["id"]) << "boosting twice is one boost";

  EXPECT_EQ(get_json("/api/v1/statuses/" + id, alice)["reblogs_count"], 1);
  EXPECT_EQ(get_json("/api/v1/statuses/" + id, bob)["reblogged"], true);
  auto by = get_json("/api/v1/statuses/" + id + "/reblogged_by", "");
  ASSERT_EQ(by.size(), 1u);
  EXPECT_EQ(by[0]["username"], "bob");

  auto home = get_json("/api/v1/timelines/home", carol);
  ASSERT_FALSE(home.empty());
  EXPECT_EQ(home[0]["id"], wrapper["id"]);
  EXPECT_EQ(home[0]["account"]["username"], "bob");
  EXPECT_EQ(home[0]["reblog"]["account"]["username"], "alice");

  auto notes = get_json("/api/v1/notifications?types[]=reblog", alice);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["type"], "reblog");
  EXPECT_EQ(notes[0]["account"]["username"], "bob");
  EXPECT_EQ(notes[0]["status"]["id"], id);

  // Acting on the reblog's id acts on the post (clients hold either).
  auto fav = s().call("POST", "/api/v1/statuses/" + wrapper["id"].get<std::string>() + "/favourite",
                      "", {}, carol);
  ASSERT_EQ(fav.status, 200) << fav.body;
  EXPECT_EQ(json::parse(fav.body)["id"], id);
  EXPECT_EQ(json::parse(fav.body)["favourites_count"], 1);

  auto undone = s().call("POST", "/api/v1/statuses/" + id + "/unreblog", "", {}, bob);
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(json::parse(undone.body)["reblogged"], false);
  EXPECT_EQ(json::parse(undone.body)["reblogs_count"], 0);
  EXPECT_EQ(get_json("/api/v1/notifications?types[]=reblog", alice), json::array());
  for (const auto& status : get_json("/api/v1/timelines/home", carol))
    EXPECT_NE(status["id"], wrapper["id"]);
  EXPECT_EQ(s().call("POST", "/api/v1/statuses/" + id + "/unreblog", "", {}, bob).status, 200)
      << "unboosting what is not boosted is fine";
}

TEST_F(ClientApi, MentionsAreLinkedListedAndNotifyThePersonMentioned) {
  const App app = register_app();
  const std::string alice = password_token(app, "alice");
  const std::string bob = password_token(app, "bob");
  const json status = post_status(alice, "Hi @bob, and @nobody@nowhere.invalid stays text");
  EXPECT_NE(status["content"].get<std::string>().find(
                "<span class=\"h-card\"><a href=\"https://guild.test/@bob\" "
                "class=\"u-url mention\">@<span>bob</span></a></span>, and"),
            std::string::npos)
      << status["content"];
  ASSERT_EQ(status["mentions"].size(), 1u);
  EXPECT_EQ(status["mentions"][0]["acct"], "bob");
  EXPECT_EQ(status["mentions"][0]["url"], "https://guild.test/@bob");
  auto notes = get_json("/api/v1/notifications?types[]=mention", bob);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["account"]["username"], "alice");
  EXPECT_EQ(notes[0]["status"]["id"], status["id"]);
  // No link previews are made: the card is an honest 404.
  EXPECT_EQ(s().call("GET", "/api/v1/statuses/" + status["id"].get<std::string>() + "/card").status,
            404);

  // An edit may add a mention: carol is linked, listed and notified; bob stays mentioned.
  const std::string carol = password_token(app, "carol");
  auto edited = s().call("PUT", "/api/v1/statuses/" + status["id"].get<std::string>(),
                         json{{"status", "Hi @bob and @carol"}}.dump(), {}, alice);
  ASSERT_EQ(edited.status, 200) << edited.body;
  const json after = json::parse(edited.body);
  ASSERT_EQ(after["mentions"].size(), 2u) << after;
  EXPECT_NE(after["content"].get<std::string>().find(">@<span>carol</span></a>"), std::string::npos)
      << after["content"];
  auto carols = get_json("/api/v1/notifications?types[]=mention", carol);
  ASSERT_EQ(carols.size(), 1u);
  EXPECT_EQ(carols[0]["status"]["id"], status["id"]);
  EXPECT_EQ(get_json("/api/v1/notifications?types[]=mention", bob).size(), 1u);
}

TEST_F(ClientApi, AStatusMentioningAGroupPostsIntoItsCommunityAndShowsAsItsReblog) {
  const App app = register_app();
  const std::string alice = password_token(app, "alice");
  const std::string bob = password_token(app, "bob");
  const std::string carol = password_token(app, "carol");
  const std::string eng_id = get_json("/api/v1/accounts/lookup?acct=eng", "")["id"];
  for (const auto* token : {&alice, &bob})
    ASSERT_EQ(s().call("POST", "/api/v1/accounts/" + eng_id + "/follow", "", {}, *token).status,
              200);

  const json thread = post_status(alice, "@eng Release notes for 2.0\nWe shipped **it**.");
  ASSERT_TRUE(thread.contains("id")) << thread.dump();
  EXPECT_NE(thread["content"].get<std::string>().find("<strong>Release notes for 2.0</strong>"),
            std::string::npos)
      << thread["content"];
  EXPECT_NE(thread["content"].get<std::string>().find("We shipped"), std::string::npos);
  const std::string thread_id = thread["id"];

  // bob's home: the community's distribution, as a reblog by the group account.
  auto home = get_json("/api/v1/timelines/home", bob);
  ASSERT_FALSE(home.empty());
  EXPECT_EQ(home[0]["account"]["username"], "eng");
  EXPECT_EQ(home[0]["account"]["group"], true);
  EXPECT_EQ(home[0]["reblog"]["id"], thread_id);
  EXPECT_EQ(home[0]["reblog"]["account"]["username"], "alice");
  EXPECT_EQ(get_json("/api/v1/notifications?types[]=reblog", alice), json::array())
      << "no reblog notifications for a group's distribution";
  auto group_feed = get_json("/api/v1/accounts/" + eng_id + "/statuses", "");
  ASSERT_FALSE(group_feed.empty()) << "a group's profile lists its threads";
  EXPECT_EQ(group_feed[0]["id"], thread_id);

  // A reply inside the thread is a comment in the community.
  const json comment =
      post_status(bob, "Congratulations!", json{{"in_reply_to_id", thread_id}}.dump());
  ASSERT_TRUE(comment.contains("id")) << comment.dump();
  auto context = get_json("/api/v1/statuses/" + thread_id + "/context", carol);
  ASSERT_EQ(context["descendants"].size(), 1u);
  EXPECT_EQ(context["descendants"][0]["id"], comment["id"]);

  // Without a title there is nothing to post.
  auto untitled = s().call("POST", "/api/v1/statuses", json{{"status", "@eng"}}.dump(), {}, alice);
  EXPECT_EQ(untitled.status, 422) << untitled.body;
  // Not a member: the community refuses, nothing is stored.
  const std::string design_id = get_json("/api/v1/accounts/lookup?acct=design", "")["id"];
  auto refused =
      s().call("POST", "/api/v1/statuses", json{{"status", "@design Hello"}}.dump(), {}, bob);
  EXPECT_GE(refused.status, 400) << refused.body;
  EXPECT_LT(refused.status, 500) << refused.body;
}

TEST_F(ClientApi, VisibilityDecidesWhoReadsAStatusEverywhere) {
  const App app = register_app();
  const std::string walt = password_token(app, "walt");
  const std::string xena = password_token(app, "xena");  // follows walt
  const std::string yuri = password_token(app, "yuri");  // a stranger, named in the direct post
  const std::string vera = password_token(app, "vera");  // an instance admin
  const std::string walt_id = get_json("/api/v1/accounts/lookup?acct=walt", "")["id"];
  ASSERT_EQ(s().call("POST", "/api/v1/accounts/" + walt_id + "/follow", "", {}, xena).status, 200);

  const json root = post_status(walt, "An open question #vistest");
  const json followers =
      post_status(walt, "For my followers #vistest", json{{"visibility", "private"}}.dump());
  const json quiet = post_status(walt, "Quietly #vistest", json{{"visibility", "unlisted"}}.dump());
  const json dm =
      post_status(walt, "@yuri just between us #vistest", json{{"visibility", "direct"}}.dump());
  const json private_reply =
      post_status(walt, "A followers-only answer",
                  json{{"visibility", "private"}, {"in_reply_to_id", root["id"]}}.dump());
  EXPECT_EQ(followers["visibility"], "private");
  EXPECT_EQ(quiet["visibility"], "unlisted");
  EXPECT_EQ(dm["visibility"], "direct");
  const auto status_of = [&](const json& post, const std::string& token) {
    return s()
        .call("GET", "/api/v1/statuses/" + post["id"].get<std::string>(), "", {}, token)
        .status;
  };
  EXPECT_EQ(status_of(followers, xena), 200);
  EXPECT_EQ(status_of(followers, walt), 200);
  EXPECT_EQ(status_of(followers, yuri), 404);
  EXPECT_EQ(status_of(followers, ""), 404);
  EXPECT_EQ(status_of(followers, vera), 404) << "admins do not read followers-only posts";
  EXPECT_EQ(status_of(dm, yuri), 200);
  EXPECT_EQ(status_of(dm, xena), 404);
  EXPECT_EQ(status_of(dm, vera), 404);
  EXPECT_EQ(status_of(quiet, ""), 200);

  const auto ids = [](const json& statuses) {
    std::set<std::string> out;
    for (const auto& st : statuses)
      out.insert(st.contains("reblog") && st["reblog"].is_object() ? st["reblog"]["id"] : st["id"]);
    return out;
  };
  // Public and tag timelines list public posts only, whoever asks.
  for (const std::string& token : {std::string(), xena, vera}) {
    const auto listed = ids(get_json("/api/v1/timelines/public?limit=40", token));
    EXPECT_TRUE(listed.contains(root["id"]));
    for (const json* hidden : {&followers, &quiet, &dm, &private_reply})
      EXPECT_FALSE(listed.contains((*hidden)["id"])) << (*hidden)["visibility"];
    EXPECT_EQ(ids(get_json("/api/v1/timelines/tag/vistest", token)),
              (std::set<std::string>{root["id"]}));
  }
  const auto home = ids(get_json("/api/v1/timelines/home?limit=40", xena));
  EXPECT_TRUE(home.contains(followers["id"]));
  EXPECT_TRUE(home.contains(quiet["id"]));
  EXPECT_FALSE(home.contains(dm["id"]));
  const std::string profile = "/api/v1/accounts/" + walt_id + "/statuses?limit=40";
  EXPECT_EQ(ids(get_json(profile, "")), (std::set<std::string>{root["id"], quiet["id"]}));
  EXPECT_EQ(ids(get_json(profile, yuri)),
            (std::set<std::string>{root["id"], quiet["id"], dm["id"]}));
  EXPECT_EQ(ids(get_json(profile, vera)), (std::set<std::string>{root["id"], quiet["id"]}));
  // The thread shows the followers-only answer to followers only.
  const std::string context = "/api/v1/statuses/" + root["id"].get<std::string>() + "/context";
  EXPECT_EQ(get_json(context, xena)["descendants"].size(), 1u);
  EXPECT_EQ(get_json(context, yuri)["descendants"].size(), 0u);
  EXPECT_EQ(get_json(context, "")["descendants"].size(), 0u);
  // Search by URL finds it only for those who may read it.
  const std::string by_url = "/api/v2/search?resolve=false&q=" + url_encode(followers["uri"]);
  EXPECT_EQ(get_json(by_url, xena)["statuses"].size(), 1u);
  EXPECT_EQ(get_json(by_url, yuri)["statuses"].size(), 0u);
  EXPECT_EQ(get_json(by_url, vera)["statuses"].size(), 0u);

  // Boosting what not everyone may read is refused; so is an unknown visibility.
  EXPECT_EQ(s().call("POST", "/api/v1/statuses/" + followers["id"].get<std::string>() + "/reblog",
                     "", {}, xena)
                .status,
            422);
  EXPECT_EQ(
      s().call("POST", "/api/v1/statuses/" + dm["id"].get<std::string>() + "/reblog", "", {}, yuri)
          .status,
      422);
  EXPECT_EQ(s().call("POST", "/api/v1/statuses",
                     json{{"status", "x"}, {"visibility", "secret"}}.dump(), {}, walt)
                .status,
            422);
  // A post into a community is read by the community: no followers-only or direct one there.
  const auto before = get_json(profile, walt).size();
  auto into_group = s().call(
      "POST", "/api/v1/statuses",
      json{{"status", "@eng Secret plans\nbody"}, {"visibility", "direct"}}.dump(), {}, walt);
  EXPECT_EQ(into_group.status, 422) << into_group.body;
  EXPECT_NE(json::parse(into_group.body).value("error", "").find("community"), std::string::npos);
  EXPECT_EQ(get_json(profile, walt).size(), before) << "nothing stored";

  // The person named is told, and the direct thread is a conversation on both sides.
  auto mentions = get_json("/api/v1/notifications?types[]=mention", yuri);
  ASSERT_EQ(mentions.size(), 1u);
  EXPECT_EQ(mentions[0]["status"]["id"], dm["id"]);
  EXPECT_TRUE(get_json("/api/v1/notifications", xena).is_array());
  auto conversations = get_json("/api/v1/conversations", yuri);
  ASSERT_EQ(conversations.size(), 1u) << conversations;
  EXPECT_EQ(conversations[0]["unread"], true);
  EXPECT_EQ(conversations[0]["last_status"]["id"], dm["id"]);
  ASSERT_EQ(conversations[0]["accounts"].size(), 1u);
  EXPECT_EQ(conversations[0]["accounts"][0]["username"], "walt");
  const std::string conversation = conversations[0]["id"];
  auto walts = get_json("/api/v1/conversations", walt);
  ASSERT_EQ(walts.size(), 1u);
  EXPECT_EQ(walts[0]["unread"], false);
  EXPECT_EQ(walts[0]["accounts"][0]["username"], "yuri");
  EXPECT_EQ(get_json("/api/v1/conversations", xena), json::array());
  // Scopes as Mastodon's: reading needs read:statuses, changing write:conversations.
  const std::string read_only = password_token(register_app("read"), "yuri", "read");
  EXPECT_EQ(
      s().call("POST", "/api/v1/conversations/" + conversation + "/read", "", {}, read_only).status,
      403);
  auto read = s().call("POST", "/api/v1/conversations/" + conversation + "/read", "", {}, yuri);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(json::parse(read.body)["unread"], false);
  EXPECT_EQ(get_json("/api/v1/conversations", yuri)[0]["unread"], false);
  EXPECT_EQ(
      s().call("POST", "/api/v1/conversations/" + conversation + "/read", "", {}, xena).status,
      404);
  EXPECT_EQ(s().call("DELETE", "/api/v1/conversations/" + conversation, "", {}, yuri).status, 200);
  EXPECT_EQ(get_json("/api/v1/conversations", yuri), json::array());
  // An answer brings it back, unread for walt.
  post_status(yuri, "@walt sure",
              json{{"visibility", "direct"}, {"in_reply_to_id", dm["id"]}}.dump());
  EXPECT_EQ(get_json("/api/v1/conversations", yuri).size(), 1u);
  EXPECT_EQ(get_json("/api/v1/conversations", walt)[0]["unread"], true);

  // An edit keeps the visibility: the same one may be sent back, another is refused.
  const std::string edit = "/api/v1/statuses/" + followers["id"].get<std::string>();
  auto same = s().call("PUT", edit,
                       json{{"status", "Still for my followers"}, {"visibility", "private"}}.dump(),
                       {}, walt);
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(json::parse(same.body)["visibility"], "private");
  EXPECT_EQ(s().call("PUT", edit, json{{"status", "For all now"}, {"visibility", "public"}}.dump(),
                     {}, walt)
                .status,
            422);
  EXPECT_EQ(get_json(edit, walt)["content"].get<std::string>().find("For all now"),
            std::string::npos);

  // Defaults stay public.
  EXPECT_EQ(get_json("/api/v1/preferences", walt)["posting:default:visibility"], "public");
  EXPECT_EQ(get_json("/api/v1/accounts/verify_credentials", walt)["source"]["privacy"], "public");
}

TEST_F(ClientApi, BoostAndFollowRequestRoutesRefuseBadTokensAndCookieWritesWithoutCsrf) {
  const App app = register_app();
  const std::string writer = password_token(app, "alice");
  const std::string reader = password_token(app, "alice", "read");
  const std::string revoked = password_token(app, "alice");
  ASSERT_EQ(s().call("POST", "/oauth/revoke",
                     form({{"client_id", app.client_id},
                           {"client_secret", app.client_secret},
                           {"token", revoked}}))
                .status,
            200);
  const std::string id = post_status(password_token(app, "bob"), "Not to be boosted")["id"];
  const std::string bob_id = get_json("/api/v1/accounts/lookup?acct=bob", "")["id"];
  for (const std::string& target :
       {"/api/v1/statuses/" + id + "/reblog", "/api/v1/statuses/" + id + "/unreblog",
        "/api/v1/follow_requests/" + bob_id + "/authorize",
        "/api/v1/follow_requests/" + bob_id + "/reject"}) {
    EXPECT_EQ(s().call("POST", target).status, 401) << target;
    EXPECT_EQ(s().call("POST", target, "", {}, "not-a-token").status, 401) << target;
    EXPECT_EQ(s().call("POST", target, "", {}, revoked).status, 401) << target;
    auto under = s().call("POST", target, "", {}, reader);
    EXPECT_EQ(under.status, 403) << target;
    EXPECT_NE(under.headers["www-authenticate"].find("insufficient_scope"), std::string::npos);
  }
  const Session session = sign_in("alice");
  auto no_csrf =
      s().call("POST", "/api/v1/statuses/" + id + "/reblog", "", {{"Cookie", session.cookie}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(get_json("/api/v1/statuses/" + id, writer)["reblogs_count"], 0)
      << "nothing refused was stored";
  auto with_csrf =
      s().call("POST", "/api/v1/statuses/" + id + "/reblog", "",
               {{"Cookie", session.cookie}, {"X-CSRF-Token", session.document["csrf_token"]}});
  EXPECT_EQ(with_csrf.status, 200) << with_csrf.body;
}

TEST(ClientApiConfig, PasswordGrantIsOffByDefault) {
  Server server("nopassword", false);
  server.create_user("carol");
  server.start();
  ASSERT_NE(server.port, 0);
  auto app = server.call("POST", "/api/v1/apps",
                         json{{"client_name", "x"}, {"redirect_uris", kOob}}.dump());
  ASSERT_EQ(app.status, 200);
  auto body = json::parse(app.body);
  auto res = server.call("POST", "/oauth/token",
                         form({{"grant_type", "password"},
                               {"client_id", body["client_id"]},
                               {"client_secret", body["client_secret"]},
                               {"username", "carol"},
                               {"password", kPassword}}));
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(json::parse(res.body)["error"], "unsupported_grant_type");
}

// The real Mastodon.py (Debian python3-mastodon, run with Debian's python) against a server.
void expect_mastodon_py_works(Server& server, const std::string& user) {
  server.create_user(user);
  server.start();
  ASSERT_NE(server.port, 0);
  Process client("/usr/bin/python3",
                 {std::string(GUILDHALL_SOURCE_DIR) + "/tests/integration/mastodon_py_client.py",
                  "http://127.0.0.1:" + std::to_string(server.port), user, kPassword});
  EXPECT_EQ(client.wait(180s), 0) << client.output() << "\nserver:\n" << server.process->output();
  EXPECT_NE(client.output().find("OK"), std::string::npos) << client.output();
}

TEST(ClientApiRealClients, MastodonPy) {
  Server server("mastodonpy", true, true);  // http origin: the session cookie is not Secure
  expect_mastodon_py_works(server, "pyuser");
}

// The same on PostgreSQL: a fresh database on the ctest fixture's throwaway cluster.
TEST(ClientApiRealClients, MastodonPyOnPostgres) {
  guildhall::storage::testing::PostgresBackend database;  // dropped after the server stops
  std::string reason;
  const std::string url = database.create(reason);
  ASSERT_FALSE(url.empty()) << reason;
  Server server("mastodonpy-pg", true, true);
  server.env["GUILDHALL_DATABASE_URL"] = url;
  expect_mastodon_py_works(server, "pguser");
}

// The real masto.js 7 on Node 20, installed from the committed lockfile
// (tests/integration/masto_js).
TEST(ClientApiRealClients, MastoJs) {
  Server server("mastojs", true, true);
  server.create_user("jsuser");
  server.start();
  ASSERT_NE(server.port, 0);
  Process client("/bin/bash",
                 {std::string(GUILDHALL_SOURCE_DIR) + "/tests/integration/masto_js/run.sh",
                  std::string(GUILDHALL_TEST_BINARY_DIR) + "/masto_js", "client.mjs",
                  "http://127.0.0.1:" + std::to_string(server.port), "jsuser", kPassword});
  EXPECT_EQ(client.wait(300s), 0) << client.output() << "\nserver:\n" << server.process->output();
  EXPECT_NE(client.output().find("OK"), std::string::npos) << client.output();
}

}  // namespace

// Two instances on loopback: alice and carol on A, bob and the community `guild` on B, both
// started with the password grant on.
struct TwoInstances {
  std::unique_ptr<guildhall::testrig::instances::Instance> a, b;
  static constexpr const char* kPassword = "long enough pw";

  ::testing::AssertionResult start(const std::string& suite) {
    namespace inst = guildhall::testrig::instances;
    a = inst::Instance::make(suite, "a");
    b = inst::Instance::make(suite, "b");
    for (auto* i : {a.get(), b.get()}) {
      i->env["GUILDHALL_OAUTH_PASSWORD_GRANT"] = "true";
      if (auto started = i->start(); !started)
        return started;
    }
    for (const auto& [instance, args] :
         std::vector<std::pair<inst::Instance*, std::vector<std::string>>>{
             {a.get(), {"admin", "user", "create", "alice", "--password", kPassword}},
             {a.get(), {"admin", "user", "create", "carol", "--password", kPassword}},
             {b.get(), {"admin", "user", "create", "bob", "--password", kPassword}},
             {b.get(), {"admin", "act", "bob", "community-create", "guild", "Guild"}}})
      if (auto [rc, text] = instance->cli(args); rc != 0)
        return ::testing::AssertionFailure() << text;
    return ::testing::AssertionSuccess();
  }
  void expect_client_ok(Process& client) {
    EXPECT_EQ(client.wait(300s), 0) << client.output() << "\nA:\n"
                                    << a->output() << "\nB:\n"
                                    << b->output();
    EXPECT_NE(client.output().find("OK"), std::string::npos) << client.output();
    EXPECT_TRUE(a->stop());
    EXPECT_TRUE(b->stop());
  }
};

// Mastodon.py on both sides follows a person and joins a community on the other instance by
// name@host, posts into it, boosts, favourites and mentions across, sees the notifications
// arrive, and votes on a poll of the other instance (the counts update on both).
TEST(ClientApiCrossInstance, MastodonPyFollowsJoinsPostsBoostsAndIsNotifiedAcrossInstances) {
  TwoInstances two;
  ASSERT_TRUE(two.start("client-cross-py"));
  Process client("/usr/bin/python3", {std::string(GUILDHALL_SOURCE_DIR) +
                                          "/tests/integration/mastodon_py_cross_instance.py",
                                      two.a->origin(), two.b->origin(), TwoInstances::kPassword});
  two.expect_client_ok(client);
}

// Followers-only and direct posts across instances with Mastodon.py: a direct message reaches
// only the person it names (conversations, notifications), a followers-only post only followers,
// and neither shows in a public timeline or to an unsigned fetch on either instance.
TEST(ClientApiCrossInstance, MastodonPyDirectAndFollowersOnlyPostsReachOnlyTheirReaders) {
  TwoInstances two;
  ASSERT_TRUE(two.start("client-cross-vis"));
  Process client("/usr/bin/python3", {std::string(GUILDHALL_SOURCE_DIR) +
                                          "/tests/integration/mastodon_py_visibility.py",
                                      two.a->origin(), two.b->origin(), TwoInstances::kPassword});
  two.expect_client_ok(client);
}

// The same with masto.js.
TEST(ClientApiCrossInstance, MastoJsFollowsJoinsPostsBoostsAndIsNotifiedAcrossInstances) {
  TwoInstances two;
  ASSERT_TRUE(two.start("client-cross-js"));
  Process client("/bin/bash",
                 {std::string(GUILDHALL_SOURCE_DIR) + "/tests/integration/masto_js/run.sh",
                  std::string(GUILDHALL_TEST_BINARY_DIR) + "/masto_js", "cross_instance.mjs",
                  two.a->origin(), two.b->origin(), TwoInstances::kPassword});
  two.expect_client_ok(client);
}
