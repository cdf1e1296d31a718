// End-to-end: the real `guildhall serve` process on an ephemeral loopback port.
#include <filesystem>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include "guildhall/testrig/http_client.hpp"
#include "guildhall/testrig/process.hpp"

using namespace guildhall::testrig;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr auto kStartupTimeout = 60s;

struct RunningServer {
  std::unique_ptr<Process> process;
  std::uint16_t port = 0;
};

fs::path fresh_dir(const std::string& name) {
  auto dir = fs::temp_directory_path() / ("guildhall-serve-" + std::to_string(::getpid()) + name);
  fs::remove_all(dir);
  return dir;
}

// Starts `guildhall serve` on port 0 and reads the bound port from its startup line.
RunningServer start(const std::map<std::string, std::string>& env) {
  RunningServer s;
  s.process = std::make_unique<Process>(guildhall_binary(), std::vector<std::string>{"serve"}, env);
  auto line = s.process->wait_for_line("listening on http://", kStartupTimeout);
  if (!line) {
    ADD_FAILURE() << "server did not start:\n" << s.process->output();
    return s;
  }
  std::smatch m;
  std::regex port_re(R"(http://127\.0\.0\.1:(\d+))");
  if (std::regex_search(*line, m, port_re))
    s.port = static_cast<std::uint16_t>(std::stoi(m[1]));
  return s;
}

std::map<std::string, std::string> sqlite_env(const fs::path& dir) {
  return {{"GUILDHALL_DATA_DIR", dir.string()},
          {"GUILDHALL_LISTEN", "127.0.0.1:0"},
          {"GUILDHALL_DOMAIN", "guild.test"},
          {"GUILDHALL_HTTP_THREADS", "2"}};
}

void expect_serves_health_and_stops_cleanly(const std::map<std::string, std::string>& env) {
  auto server = start(env);
  ASSERT_NE(server.port, 0) << server.process->output();

  auto health = http_request("127.0.0.1", server.port, "GET", "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  auto body = nlohmann::json::parse(health.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["database"], "ok");
  EXPECT_TRUE(health.headers["content-type"].starts_with("application/json"));

  auto missing = http_request("127.0.0.1", server.port, "GET", "/no/such/route");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(nlohmann::json::parse(missing.body).contains("error")) << missing.body;

  // A request is counted once its response has been written, which can be a moment after the
  // client has read it: ask again until the /health request shows up (bounded).
  HttpResponse metrics;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    metrics = http_request("127.0.0.1", server.port, "GET", "/metrics");
  } while (metrics.body.find("route=\"health\"") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("guildhall_http_requests_total{"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("route=\"health\""), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("guildhall_delivery_queue_depth 0"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("guildhall_deliveries_delivered_total 0"), std::string::npos);

  EXPECT_EQ(server.process->stop(SIGTERM, 30s), 0) << server.process->output();
}

}  // namespace

TEST(Serve, SqliteHealthMetricsAndGracefulShutdown) {
  const auto dir = fresh_dir("sqlite");
  expect_serves_health_and_stops_cleanly(sqlite_env(dir));
  EXPECT_TRUE(fs::exists(dir / "guildhall.db"));
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::others_all, fs::perms::none);
  fs::remove_all(dir);
}

TEST(Serve, PostgresHealth) {
  const char* url = std::getenv("GUILDHALL_TEST_POSTGRES_URL");
  if (!url) {
    if (std::getenv("CI"))
      FAIL() << "GUILDHALL_TEST_POSTGRES_URL is not set under CI";
    GTEST_SKIP() << "GUILDHALL_TEST_POSTGRES_URL not set (ctest sets it via the postgres fixture)";
  }
  const auto dir = fresh_dir("pg");
  auto env = sqlite_env(dir);
  env["GUILDHALL_DATABASE_URL"] = url;
  expect_serves_health_and_stops_cleanly(env);
  EXPECT_FALSE(fs::exists(dir / "guildhall.db"));
  fs::remove_all(dir);
}

TEST(Serve, SigintAlsoStopsCleanly) {
  const auto dir = fresh_dir("sigint");
  auto server = start(sqlite_env(dir));
  ASSERT_NE(server.port, 0);
  EXPECT_EQ(server.process->stop(SIGINT, 30s), 0) << server.process->output();
  fs::remove_all(dir);
}

TEST(Serve, BadConfigurationStopsStartupWithAClearMessage) {
  const auto dir = fresh_dir("badconfig");
  auto env = sqlite_env(dir);
  env["GUILDHALL_FEDERATION_ALLOW_HTTP"] = "perhaps";
  Process p(guildhall_binary(), {"serve"}, env);
  EXPECT_EQ(p.wait(30s), 1);
  EXPECT_NE(p.output().find("GUILDHALL_FEDERATION_ALLOW_HTTP"), std::string::npos) << p.output();
  EXPECT_FALSE(fs::exists(dir)) << "nothing is created when the configuration is invalid";
}

TEST(Serve, PrintsHowToCreateTheFirstAdmin) {
  const auto dir = fresh_dir("firstadmin");
  auto server = start(sqlite_env(dir));
  ASSERT_NE(server.port, 0);
  EXPECT_TRUE(server.process->wait_for_line("admin user create", 5s)) << server.process->output();
  EXPECT_EQ(server.process->stop(SIGTERM, 30s), 0);
  fs::remove_all(dir);
}

TEST(Serve, PortInUseIsAClearError) {
  const auto dir = fresh_dir("portinuse");
  auto first = start(sqlite_env(dir));
  ASSERT_NE(first.port, 0);
  auto env = sqlite_env(dir.string() + "-second");
  env["GUILDHALL_LISTEN"] = "127.0.0.1:" + std::to_string(first.port);
  Process second(guildhall_binary(), {"serve"}, env);
  EXPECT_EQ(second.wait(30s), 1);
  EXPECT_NE(second.output().find("cannot listen on 127.0.0.1:" + std::to_string(first.port)),
            std::string::npos)
      << second.output();
  EXPECT_EQ(first.process->stop(SIGTERM, 30s), 0);
  fs::remove_all(dir);
  fs::remove_all(dir.string() + "-second");
}
