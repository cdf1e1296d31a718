#include "guildhall/server/app.hpp"

#include <csignal>
#include <ostream>

#include <boost/asio/signal_set.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "guildhall/server/admin.hpp"
#include "guildhall/server/http/blocking_pool.hpp"
#include "guildhall/server/http/metrics.hpp"
#include "guildhall/server/http/router.hpp"
#include "guildhall/server/http/server.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::server {

namespace {

namespace asio = boost::asio;
using http::Request;
using http::Response;

// What the route handlers share. Built once in serve_forever; outlives the server.
struct AppContext {
  const Config& config;
  storage::Database& db;
  http::BlockingPool& pool;
  http::Metrics& metrics;
};

void register_routes(http::Router& router, AppContext& app) {
  router.get(
      "/health",
      [&app](Request&) -> asio::awaitable<Response> {
        // The ping runs on the database pool, like every database call.
        auto ping = co_await app.pool.run([&] { return app.db.ping(); });
        nlohmann::json body{{"status", ping.ok() ? "ok" : "unavailable"},
                            {"database", ping.ok() ? "ok" : ping.error().message},
                            {"backend", storage::to_string(app.db.backend())},
                            {"version", GUILDHALL_VERSION}};
        co_return Response::json(ping.ok() ? 200 : 503, body);
      },
      "health");
  router.get(
      "/metrics",
      [&app](Request&) -> asio::awaitable<Response> {
        co_return Response::text(200, app.metrics.render(),
                                 std::string(http::Metrics::kContentType));
      },
      "metrics");
  router.get(
      "/",
      [&app](Request&) -> asio::awaitable<Response> {
        co_return Response::json(200, {{"name", app.config.instance.name},
                                       {"software", "guildhall"},
                                       {"version", GUILDHALL_VERSION}});
      },
      "root");
}

void configure_logging(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
}

}  // namespace

int serve_forever(const Config& config, std::ostream& out, std::ostream& err) {
  configure_logging(config.log_level);
  auto db = open_configured_database(config);
  if (!db) {
    err << "error: " << db.error().message << "\n";
    return 1;
  }
  Admin admin(**db, config);
  if (auto actor = admin.ensure_instance_actor(); !actor) {
    err << "error: " << actor.error().message << "\n";
    return 1;
  }

  http::Metrics metrics;
  http::BlockingPool pool(static_cast<std::size_t>(config.database.pool_size));
  AppContext app{config, **db, pool, metrics};
  http::Router router;
  register_routes(router, app);

  http::ServerOptions options;
  options.address = config.listen_address();
  options.port = config.listen_port();
  options.threads = static_cast<unsigned>(config.http.threads);
  options.body_limit = static_cast<std::size_t>(config.http.body_limit);
  options.header_limit = static_cast<std::size_t>(config.http.header_limit);
  options.header_timeout = std::chrono::seconds(config.http.request_timeout_seconds);
  options.body_timeout = std::chrono::seconds(config.http.request_timeout_seconds);
  options.idle_timeout = std::chrono::seconds(config.http.idle_timeout_seconds);
  options.drain_timeout = std::chrono::seconds(config.http.shutdown_drain_seconds);
  http::Server server(options, router, metrics);
  try {
    server.start();
  } catch (const std::system_error& e) {
    err << "error: cannot listen on " << config.listen << ": " << e.what() << "\n";
    return 1;
  }

  // Handle SIGINT/SIGTERM before announcing readiness: a supervisor may signal as soon as it reads
  // the "listening" line, and the default action would kill us without draining.
  asio::signal_set signals(server.executor(), SIGINT, SIGTERM);
  signals.async_wait([&server](const boost::system::error_code& ec, int) {
    if (!ec)
      server.stop();
  });
  out << "Guildhall " << GUILDHALL_VERSION << " listening on " << server.url() << " ("
      << storage::to_string((*db)->backend()) << ", public origin " << config.public_origin()
      << ")\n"
      << "Create the first admin: guildhall admin user create NAME --password-stdin --admin\n"
      << "Stop with Ctrl-C (SIGINT) or SIGTERM." << std::endl;

  server.wait();
  pool.join();
  out << "Guildhall stopped." << std::endl;
  return 0;
}

}  // namespace guildhall::server
