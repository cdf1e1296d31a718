#include "guildhall/server/app.hpp"

#include <condition_variable>
#include <csignal>
#include <mutex>
#include <ostream>
#include <stop_token>
#include <thread>

#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "guildhall/federation/inbox/backfill.hpp"
#include "guildhall/federation/outbox/people.hpp"
#include "guildhall/server/admin.hpp"
#include "guildhall/server/http/server.hpp"
#include "guildhall/storage/database.hpp"

#include "app_context.hpp"
#include "media_store.hpp"

namespace guildhall::server {

namespace {

namespace asio = boost::asio;

// How often changes made by `guildhall admin federation ...` (another process) are picked up.
constexpr auto kPolicyReloadInterval = std::chrono::seconds(5);

// Uploads nobody uses are kept this long (a post being written), then deleted; checked this often.
constexpr auto kUnusedMediaAge = std::chrono::hours(24);
constexpr auto kMediaCleanupInterval = std::chrono::hours(1);

void remove_unused_media(storage::Database& db, const MediaStore& media) {
  auto removed = media.remove_unused(db, std::chrono::system_clock::now() - kUnusedMediaAge);
  if (!removed)
    spdlog::warn("media cleanup failed: {}", removed.error().message);
  else if (*removed > 0)
    spdlog::info("media cleanup: {} unused uploads deleted", *removed);
}

// Polls that ended get their `poll` notifications and, a local person's, the final tallies.
void close_ended_polls(federation::outbox::People& people) {
  auto closed = people.close_ended_polls();
  if (!closed)
    spdlog::warn("closing ended polls failed: {}", closed.error().message);
}

// Periodic blocking work (database reads) on its own thread, never on the HTTP I/O threads.
std::jthread start_housekeeping(storage::Database& db, federation::PeerPolicy& peers,
                                FederationRuntime& runtime, const MediaStore& media,
                                federation::outbox::People& people) {
  return std::jthread([&db, &peers, &runtime, &media, &people](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    auto next_media_cleanup = std::chrono::steady_clock::now();
    for (;;) {
      if (std::chrono::steady_clock::now() >= next_media_cleanup) {
        remove_unused_media(db, media);
        next_media_cleanup = std::chrono::steady_clock::now() + kMediaCleanupInterval;
      }
      wake.wait_for(lock, stop, kPolicyReloadInterval, [] { return false; });
      if (stop.stop_requested())
        return;
      if (auto r = peers.reload(db); !r)
        spdlog::warn("federation policy reload failed: {}", r.error().message);
      runtime.sample_queue_depth();
      close_ended_polls(people);
    }
  });
}

void register_federation_metrics(http::Metrics& metrics, FederationRuntime& federation) {
  metrics.add_gauge("guildhall_delivery_queue_depth",
                    "Deliveries waiting or in flight (sampled every few seconds)",
                    [&federation] { return static_cast<double>(federation.queue_depth()); });
  metrics.add_gauge("guildhall_deliveries_in_flight", "Deliveries being sent now", [&federation] {
    return static_cast<double>(federation.worker().stats().in_flight);
  });
  metrics.add_counter(
      "guildhall_deliveries_delivered_total", "Deliveries accepted by peers",
      [&federation] { return static_cast<double>(federation.worker().stats().delivered); });
  metrics.add_counter("guildhall_deliveries_failed_total",
                      "Deliveries refused permanently or given up after the last retry",
                      [&federation] {
                        const auto s = federation.worker().stats();
                        return static_cast<double>(s.failed_permanently + s.given_up);
                      });
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

  federation::FederationMode mode = federation::FederationMode::open;
  federation::parse(config.federation.mode, mode);  // validated with the configuration
  federation::PeerPolicy peers(mode);
  if (auto loaded = peers.reload(**db); !loaded) {
    err << "error: " << loaded.error().message << "\n";
    return 1;
  }
  auto runtime = FederationRuntime::create(config, **db, peers);
  if (!runtime) {
    err << "error: " << runtime.error().message << "\n";
    return 1;
  }
  FederationRuntime& fed = **runtime;
  fed.worker().start();
  const MediaStore media(config);
  federation::outbox::People poll_closer(**db, federation::Urls(config.public_origin()),
                                         [&fed] { fed.worker().notify(); });
  auto housekeeping = start_housekeeping(**db, peers, fed, media, poll_closer);

  http::Metrics metrics;
  register_federation_metrics(metrics, fed);
  http::BlockingPool pool(static_cast<std::size_t>(config.database.pool_size));
  AppContext app{.config = config,
                 .db = **db,
                 .pool = pool,
                 .metrics = metrics,
                 .urls = federation::Urls(config.public_origin()),
                 .peers = peers,
                 .federation = fed};
  // Inbound: the inbox verifies and persists (202), the processor runs the handlers afterwards.
  const auto& clock = core::SystemClock::instance();
  federation::inbox::ProcessorOptions processing;
  processing.on_enqueued = [&fed] { fed.worker().notify(); };
  processing.actors = &fed.actor_source();
  // Remote communities: announced objects fetched from their origin; the latest threads
  // backfilled when a local person's join is accepted (on the processor's thread).
  processing.objects = &fed.object_source();
  federation::inbox::CommunityBackfill backfill(**db, app.urls, clock, fed.object_source(),
                                                &fed.actor_source());
  processing.on_joined = [&backfill](storage::Id community) { (void)backfill.run(community); };
  processing.on_orphan_reply = [&backfill](storage::Id community,
                                           const activitystreams::Object& reply) {
    (void)backfill.thread_of(community, reply);
  };
  federation::inbox::InboxProcessor processor(**db, app.urls, clock, processing);
  federation::inbox::InboxOptions receiving;
  receiving.on_accepted = [&processor] { processor.notify(); };
  // Development and loopback tests sign with http:// (and IP-literal) key ids.
  receiving.verify.allow_http_key_id = config.federation.allow_http;
  receiving.on_signer_verified = [&fed](const std::string& host) { fed.worker().peer_alive(host); };
  federation::inbox::Inbox inbox(**db, fed.keys(), peers, app.urls, clock, receiving);
  processor.start();

  http::Router router;
  routes::register_operations(router, app);
  routes::register_activitypub(router, app);
  routes::register_activities(router, app);
  routes::register_inbox(router, app, inbox);
  routes::register_web(router, app);
  routes::register_client_api(router, app);

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
  } catch (const std::exception& e) {  // boost::system::system_error on bind failure
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
  processor.stop();
  housekeeping.request_stop();
  housekeeping.join();
  fed.stop();  // no new deliveries; in-flight ones recorded, the rest stay queued
  pool.join();
  out << "Guildhall stopped." << std::endl;
  return 0;
}

}  // namespace guildhall::server
