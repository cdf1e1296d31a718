// Fan-out benchmark: the DeliveryWorker over the persistent queue, signing every request
// (draft-cavage RSA-2048 with Digest) and POSTing it through the EgressClient to loopback sinks
// (beast_hello processes). Many peer host names map to one sink through the egress
// StaticResolver, so per-host limits, FIFO and the connection pool behave as with real peers.
// Prints figures next to the targets (performance-limits rows 17-19); asserts nothing.
//
//   fanout_bench --sink PATH [--database URL] [--inboxes 1000] [--rounds 3] [--slow 500]
//                [--delay-ms 300] [--io-threads 2] [--transport production|bench]
//
// Cases:
//   1. one activity to --inboxes distinct shared inboxes on as many hosts (peerNNNN.test/inbox),
//      --rounds times (the first round opens every connection, later ones reuse the pool);
//   2. one activity to --inboxes personal inboxes on 20 hosts (50 per host);
//   3. --slow activities, one after the other in the queue, to one peer whose every response takes
//      --delay-ms (a 300 ms round trip): throughput to one distant peer.
// Default database: SQLite in a fresh temporary directory.
//
// Transport: the production fetch::SignedDeliveryTransport (with an open PeerPolicy consulted on
// every delivery) by default; `--transport bench` uses the bench's own minimal one (sign_request +
// EgressClient, the key parsed once per actor, no policy), to see what the production one adds.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "guildhall/core/clock.hpp"
#include "guildhall/federation/delivery/transport.hpp"
#include "guildhall/federation/delivery/worker.hpp"
#include "guildhall/federation/egress/client.hpp"
#include "guildhall/federation/egress/resolver.hpp"
#include "guildhall/federation/fetch/transport.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/signatures/keys.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/storage/database.hpp"
#include "guildhall/storage/federation_queue.hpp"

#include "bench_util.hpp"

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace core = guildhall::core;
namespace storage = guildhall::storage;
namespace delivery = guildhall::federation::delivery;
namespace egress = guildhall::federation::egress;
namespace sig = guildhall::federation::signatures;
using namespace guildhall::bench;

namespace {

constexpr char kActor[] = "https://bench.test/users/alice";

struct Options {
  std::string sink;
  std::string database;
  int inboxes = 1000;
  int rounds = 3;
  int slow = 500;
  int delay_ms = 300;
  int io_threads = 2;
  bool production_transport = true;
};

// RSA-2048 key pair as (private PKCS#8 PEM, public SPKI PEM).
std::pair<std::string, std::string> generate_rsa_pem() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
  std::unique_ptr<BIO, decltype(&BIO_free)> priv(BIO_new(BIO_s_mem()), BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> pub(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(priv.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_bio_PUBKEY(pub.get(), pkey);
  EVP_PKEY_free(pkey);
  char* data = nullptr;
  long size = BIO_get_mem_data(priv.get(), &data);
  std::string private_pem(data, static_cast<std::size_t>(size));
  size = BIO_get_mem_data(pub.get(), &data);
  std::string public_pem(data, static_cast<std::size_t>(size));
  return {private_pem, public_pem};
}

// sign_request + EgressClient, as the production transport does it.
class BenchTransport final : public delivery::DeliveryTransport {
 public:
  BenchTransport(asio::any_io_executor executor, egress::EgressClient& client)
      : executor_(std::move(executor)), client_(client) {}

  void deliver(const storage::DeliveryJob& job, Done done) override;

  egress::EgressClient& client() { return client_; }

  std::optional<sig::PrivateKey> key_for(const storage::DeliveryJob& job) {
    if (!job.key_id || !job.private_key_pem)
      return std::nullopt;
    std::lock_guard lock(mutex_);
    auto it = keys_.find(*job.key_id);
    if (it != keys_.end())
      return it->second;
    auto parsed = sig::PrivateKey::from_pem(*job.private_key_pem);
    if (!parsed)
      return std::nullopt;
    keys_.emplace(*job.key_id, *parsed);
    return *parsed;
  }

 private:
  asio::any_io_executor executor_;
  egress::EgressClient& client_;
  std::mutex mutex_;
  std::map<std::string, sig::PrivateKey> keys_;
};

asio::awaitable<void> send_one(BenchTransport* transport, storage::DeliveryJob job,
                               delivery::DeliveryTransport::Done done) {
  std::optional<sig::PrivateKey> key = transport->key_for(job);
  if (!key) {
    done(delivery::DeliveryOutcome::permanent_error("no signing key"));
    co_return;
  }
  egress::EgressRequest request;
  request.method = egress::Method::post;
  request.url = job.inbox_url;
  request.headers = {{"Content-Type", "application/activity+json"}};
  request.body = job.payload;
  request.follow_redirects = false;
  std::string key_id = *job.key_id;
  sig::PrivateKey signing_key = *key;
  request.sign = [key_id, signing_key](const egress::OutgoingRequest& out,
                                       egress::Headers& headers) -> core::Result<void> {
    const sig::SignRequestInput input{.method = "POST",
                                      .target = out.url.target,
                                      .host = out.url.authority(),
                                      .headers = {{"Content-Type", "application/activity+json"}},
                                      .body = out.body,
                                      .key_id = key_id,
                                      .key = signing_key};
    auto signed_headers = sig::sign_request(input, core::SystemClock::instance());
    if (!signed_headers)
      return signed_headers.error();
    for (auto& header : *signed_headers)
      headers.push_back(std::move(header));
    return {};
  };
  auto response = co_await transport->client().request(std::move(request));
  if (!response) {
    if (egress::is_transient(response.error()))
      done(delivery::DeliveryOutcome::transient_error(response.error().message));
    else
      done(delivery::DeliveryOutcome::permanent_error(response.error().message));
    co_return;
  }
  done(delivery::DeliveryOutcome::from_status(response->status));
}

void BenchTransport::deliver(const storage::DeliveryJob& job, Done done) {
  asio::co_spawn(executor_, send_one(this, job, std::move(done)), asio::detached);
}

// A ~1.5 KB Create(Note) payload.
std::string payload(const std::string& id) {
  std::string content;
  while (content.size() < 1000)
    content += "Fan-out benchmark note: one post, many inboxes, every request signed. ";
  return R"({"@context":"https://www.w3.org/ns/activitystreams","id":")" + id +
         R"(","type":"Create","actor":")" + kActor +
         R"(","to":["https://www.w3.org/ns/activitystreams#Public"],"object":{"id":")" + id +
         R"(/object","type":"Note","attributedTo":")" + kActor + R"(","content":")" + content +
         R"("}})";
}

struct Outcome {
  double enqueue_ms = 0;
  double deliver_s = 0;
  std::uint64_t delivered = 0;
  std::uint64_t failed = 0;
};

// Enqueues `activities` activities to `inboxes` each (one transaction per activity), wakes the
// worker and waits until every delivery is done (bounded by `limit`).
Outcome run_case(storage::Database& db, delivery::DeliveryWorker& worker, storage::Id actor,
                 const std::string& prefix, int activities, const std::vector<std::string>& inboxes,
                 std::chrono::seconds limit) {
  Outcome outcome;
  const auto before = worker.stats();
  const auto expected =
      static_cast<std::uint64_t>(activities) * static_cast<std::uint64_t>(inboxes.size());
  auto start = Clock::now();
  for (int a = 0; a < activities; ++a) {
    const std::string id = "https://bench.test/activities/" + prefix + "-" + std::to_string(a);
    auto queued = db.transact([&](storage::Tx& tx) {
      return tx.delivery_queue().enqueue({.ap_id = id, .actor_id = actor, .payload = payload(id)},
                                         inboxes);
    });
    if (!queued) {
      std::cerr << "enqueue failed: " << queued.error().message << "\n";
      return outcome;
    }
    if (activities > 1)
      worker.notify();  // deliveries start while later activities are still being queued
  }
  outcome.enqueue_ms = seconds_since(start) * 1000.0;
  worker.notify();
  auto deadline = Clock::now() + limit;
  for (;;) {
    auto now = worker.stats();
    outcome.delivered = now.delivered - before.delivered;
    outcome.failed = (now.retries_scheduled - before.retries_scheduled) +
                     (now.failed_permanently - before.failed_permanently);
    if (outcome.delivered + outcome.failed >= expected || Clock::now() >= deadline)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  outcome.deliver_s = seconds_since(start);
  return outcome;
}

std::string ratio(double value, double target) {
  return fixed(value / target, 2) + "x";
}

int run(const Options& options) {
  char dir_template[] = "/tmp/guildhall-fanout-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr)
    return 1;
  const fs::path dir = dir_template;
  const TempDirGuard cleanup(dir);
  const std::string url =
      options.database.empty() ? "sqlite:" + (dir / "bench.db").string() : options.database;
  const std::string backend = url.rfind("sqlite:", 0) == 0 ? "SQLite" : "PostgreSQL";
  std::cout << "== fanout_bench (" << backend << "): DeliveryWorker + signed POSTs (RSA-2048 "
            << "draft-cavage) via EgressClient to loopback sinks, "
            << (options.production_transport ? "fetch::SignedDeliveryTransport"
                                             : "the bench's minimal transport")
            << ", " << options.io_threads << " egress threads; load average " << load_average()
            << std::endl;

  // Sinks: one fast, one 300 ms away.
  Child sink(options.sink, {"--threads", "1", "--seconds", "300"}, {}, (dir / "sink.log").string());
  Child slow_sink(
      options.sink,
      {"--threads", "1", "--seconds", "300", "--delay-ms", std::to_string(options.delay_ms)}, {},
      (dir / "slow-sink.log").string());
  auto line = sink.wait_for_line("listening on", std::chrono::seconds(10));
  auto slow_line = slow_sink.wait_for_line("listening on", std::chrono::seconds(10));
  if (!line || !slow_line) {
    std::cerr << "sinks did not start\n";
    return 1;
  }
  const auto loopback = asio::ip::make_address("127.0.0.1");
  const std::uint16_t sink_port = port_from_line(*line);
  const std::uint16_t slow_port = port_from_line(*slow_line);

  auto db_result = storage::open_database(url, {});
  if (!db_result) {
    std::cerr << "open_database: " << db_result.error().message << "\n";
    return 1;
  }
  auto db = std::move(*db_result);
  if (auto migrated = db->migrate(); !migrated) {
    std::cerr << "migrate: " << migrated.error().message << "\n";
    return 1;
  }
  auto [private_pem, public_pem] = generate_rsa_pem();
  storage::NewUser user;
  user.actor.handle = "alice";
  user.actor.ap_id = kActor;
  user.actor.inbox_url = std::string(kActor) + "/inbox";
  user.actor.public_key_id = std::string(kActor) + "#main-key";
  user.actor.public_key_pem = public_pem;
  user.actor.private_key_pem = private_pem;
  user.password_hash = "x";
  auto created = db->transact([&](storage::Tx& tx) { return tx.users().create(user); });
  if (!created) {
    std::cerr << "create user: " << created.error().message << "\n";
    return 1;
  }
  const storage::Id actor = created->actor.id;

  // Peer names -> sinks.
  auto dns = std::make_shared<egress::StaticResolver>();
  std::vector<std::string> shared_inboxes, personal_inboxes;
  for (int i = 0; i < options.inboxes; ++i) {
    char host[32];
    std::snprintf(host, sizeof host, "peer%04d.test", i);
    dns->add(host, {loopback, sink_port});
    shared_inboxes.push_back("http://" + std::string(host) + "/inbox");
  }
  for (int i = 0; i < options.inboxes; ++i) {
    char host[32];
    std::snprintf(host, sizeof host, "instance%02d.test", i % 20);
    personal_inboxes.push_back("http://" + std::string(host) + "/users/u" + std::to_string(i) +
                               "/inbox");
  }
  for (int i = 0; i < 20; ++i) {
    char host[32];
    std::snprintf(host, sizeof host, "instance%02d.test", i);
    dns->add(host, {loopback, sink_port});
  }
  dns->add("slow.test", {loopback, slow_port});

  asio::io_context io(options.io_threads);
  auto guard = asio::make_work_guard(io);
  std::vector<std::thread> io_threads;
  for (int i = 0; i < options.io_threads; ++i)
    io_threads.emplace_back([&io] { io.run(); });

  egress::EgressOptions egress_options;
  egress_options.allow_http = true;
  egress_options.allow_private_addresses = true;
  egress_options.allow_any_port = true;
  egress_options.user_agent = "Guildhall-bench";
  std::optional<egress::EgressClient> client;
  client.emplace(io.get_executor(), egress_options, dns);
  guildhall::federation::PeerPolicy policy(guildhall::federation::FederationMode::open);
  guildhall::federation::fetch::SignedDeliveryTransport production(io.get_executor(), *client,
                                                                   &policy);
  BenchTransport minimal(io.get_executor(), *client);
  delivery::DeliveryTransport& transport =
      options.production_transport ? static_cast<delivery::DeliveryTransport&>(production)
                                   : static_cast<delivery::DeliveryTransport&>(minimal);

  delivery::DeliveryOptions worker_options;
  worker_options.owner = "bench";
  std::optional<delivery::DeliveryWorker> worker;
  worker.emplace(*db, transport, core::SystemClock::instance(), worker_options);
  worker->start();

  const double cpu_before = proc_cpu_seconds(::getpid());
  std::cout << "\n| case | deliveries | enqueue ms | time s | deliveries/s | target | ratio to "
               "target | failed |\n|---|---|---|---|---|---|---|---|"
            << std::endl;
  auto report = [](const std::string& name, const Outcome& o, double target, bool time_target) {
    double rate = o.deliver_s > 0 ? static_cast<double>(o.delivered) / o.deliver_s : 0;
    std::cout << "| " << name << " | " << o.delivered << " | " << fixed(o.enqueue_ms, 1) << " | "
              << fixed(o.deliver_s, 3) << " | " << thousands(rate) << " | ";
    if (time_target)
      std::cout << "<= 2 s (>= 1,500/s) | " << ratio(rate, target) << " | ";
    else
      std::cout << ">= " << thousands(target) << "/s | " << ratio(rate, target) << " | ";
    std::cout << o.failed << " |" << std::endl;
  };

  for (int r = 0; r < options.rounds; ++r) {
    auto o = run_case(*db, *worker, actor, "shared" + std::to_string(r), 1, shared_inboxes,
                      std::chrono::seconds(60));
    report("1 post -> " + std::to_string(options.inboxes) + " shared inboxes on " +
               std::to_string(options.inboxes) + " hosts, round " + std::to_string(r + 1) +
               (r == 0 ? " (new connections)" : " (pooled)"),
           o, 1500, true);
  }
  {
    auto o =
        run_case(*db, *worker, actor, "personal", 1, personal_inboxes, std::chrono::seconds(60));
    report("1 post -> " + std::to_string(options.inboxes) + " personal inboxes on 20 hosts", o,
           1500, true);
  }
  {
    auto o = run_case(*db, *worker, actor, "slow", options.slow, {"http://slow.test/inbox"},
                      std::chrono::seconds(60));
    report(std::to_string(options.slow) + " activities -> 1 peer, " +
               std::to_string(options.delay_ms) + " ms per response",
           o, 100, false);
  }
  const double cpu = proc_cpu_seconds(::getpid()) - cpu_before;
  const auto pool = client->stats();
  const long hwm = proc_status_kb(::getpid(), "VmHWM").value_or(0);

  worker->stop();
  worker.reset();
  client.reset();
  guard.reset();
  io.stop();
  for (auto& t : io_threads)
    t.join();

  std::cout << "\nbench process (worker + egress + " << backend << " client): CPU " << fixed(cpu, 2)
            << " s for all cases; connections opened " << pool.connections_opened
            << ", requests over pooled connections " << pool.requests_reused
            << "; peak RSS (VmHWM) " << fixed(static_cast<double>(hwm) / 1024.0, 1)
            << " MB (target <= 150 MB under load: " << ratio(static_cast<double>(hwm) / 1024.0, 150)
            << ")\nload average at the end: " << load_average() << std::endl;
  db.reset();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--sink")
      options.sink = value;
    else if (flag == "--database")
      options.database = value;
    else if (flag == "--inboxes")
      options.inboxes = std::clamp(std::stoi(value), 1, 10000);
    else if (flag == "--rounds")
      options.rounds = std::clamp(std::stoi(value), 1, 10);
    else if (flag == "--slow")
      options.slow = std::clamp(std::stoi(value), 1, 5000);
    else if (flag == "--delay-ms")
      options.delay_ms = std::clamp(std::stoi(value), 0, 5000);
    else if (flag == "--io-threads")
      options.io_threads = std::clamp(std::stoi(value), 1, 16);
    else if (flag == "--transport" && (value == "production" || value == "bench"))
      options.production_transport = value == "production";
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (options.sink.empty()) {
    std::cerr << "usage: fanout_bench --sink PATH [--database URL] [--inboxes N] [--rounds N] "
                 "[--slow N] [--delay-ms N] [--io-threads N] [--transport production|bench]\n";
    return 2;
  }
  return run(options);
}
