// Operational endpoints: health for load balancers and supervisors, metrics for Prometheus.
// (`/` belongs to the web app: routes/web.cpp.)
#include <nlohmann/json.hpp>

#include "../app_context.hpp"

namespace guildhall::server::routes {

using http::Request;
using http::Response;
namespace asio = boost::asio;

void register_operations(http::Router& router, AppContext& app) {
  router.get(
      "/health",
      [&app](Request&) -> asio::awaitable<Response> {
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
}

}  // namespace guildhall::server::routes
