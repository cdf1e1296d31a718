// Inbox benchmark: distinct, validly signed Create(Note) POSTs accepted per second by the real
// `guildhall serve` (verify, parse, persist), on SQLite or PostgreSQL (performance-limits rows
// 11-13; target >= 2,500/s on 2 cores). Prints figures and ratios; asserts nothing.
//
//   inbox_bench --guildhall PATH [--database URL] [--count 20000] [--connections 64]
//               [--threads 2] [--path /users/alice/inbox]
//
// The remote sender (https://remote.example/users/sender, a fresh RSA-2048 key) is stored as a
// known remote actor through the storage API before the load, as if its key had been fetched
// once: the key resolver then finds it in storage and memory, and no request leaves the box. Every
// POST is a distinct activity, signed ahead of time (draft-cavage rsa-sha256 over
// (request-target) host date digest content-type, Host = the instance's domain as behind a
// proxy) and sent once: keep-alive, closed loop, --connections at a time. Default database:
// SQLite in a fresh temporary data directory.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "guildhall/core/clock.hpp"
#include "guildhall/federation/signatures/keys.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/storage/database.hpp"

#include "bench_util.hpp"
#include "load.hpp"

namespace fs = std::filesystem;
namespace sig = guildhall::federation::signatures;
using namespace guildhall::bench;

namespace {

struct Options {
  std::string guildhall;
  std::string database;
  std::string path = "/users/alice/inbox";
  int count = 20000;
  int connections = 64;
  int threads = 2;
};

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

// About 2.6 KB, like crypto_bench's and performance-limits' Create(Note).
std::string create_note(const std::string& actor, const std::string& recipient, int n) {
  const std::string id = actor + "/statuses/" + std::to_string(1000000 + n);
  std::string content = "<p>";
  while (content.size() < 1500)
    content += "Inbox benchmark note number " + std::to_string(n) +
               ": distinct, signed, and persisted before the 202. ";
  content += "</p>";
  return R"({"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1"],"id":")" +
         id + R"(/activity","type":"Create","actor":")" + actor +
         R"(","published":"2026-11-23T20:00:00Z","to":["https://www.w3.org/ns/activitystreams#Public"],"cc":[")" +
         actor + R"(/followers",")" + recipient + R"("],"object":{"id":")" + id +
         R"(","type":"Note","attributedTo":")" + actor +
         R"(","inReplyTo":null,"published":"2026-11-23T20:00:00Z","url":")" + id +
         R"(","to":["https://www.w3.org/ns/activitystreams#Public"],"cc":[")" + actor +
         R"(/followers",")" + recipient + R"("],"sensitive":false,"summary":null,"content":")" +
         content + R"(","tag":[{"type":"Mention","href":")" + recipient +
         R"(","name":"@alice@bench.test"}],"attachment":[]}})";
}

int run(const Options& options) {
  char dir_template[] = "/tmp/guildhall-inbox-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr)
    return 1;
  const fs::path dir = dir_template;
  const TempDirGuard cleanup(dir);
  const std::string backend = options.database.empty() || options.database.rfind("sqlite:", 0) == 0
                                  ? "SQLite"
                                  : "PostgreSQL";
  std::cout << "== inbox_bench (" << backend << "): " << options.count
            << " distinct signed Create(Note) POSTs to " << options.path << ", "
            << options.connections << " connections, " << options.threads
            << " server threads; load average " << load_average() << std::endl;

  auto [private_pem, public_pem] = generate_rsa_pem();
  const std::string actor = "https://remote.example/users/sender";
  const std::string key_id = actor + "#main-key";

  const std::string domain = "bench.test";
  std::map<std::string, std::string> env = {
      {"GUILDHALL_CONFIG", (dir / "guildhall.toml").string()},
      {"GUILDHALL_DATA_DIR", (dir / "data").string()},
      {"GUILDHALL_LISTEN", "127.0.0.1:0"},
      {"GUILDHALL_DOMAIN", domain},
      {"GUILDHALL_FEDERATION_ALLOW_HTTP", "true"},
      {"GUILDHALL_HTTP_THREADS", std::to_string(options.threads)}};
  if (!options.database.empty())
    env["GUILDHALL_DATABASE_URL"] = options.database;
  if (const char* level = std::getenv("BENCH_LOG_LEVEL"))
    env["GUILDHALL_LOG_LEVEL"] = level;
  std::ofstream(dir / "guildhall.toml") << "# inbox_bench: everything comes from GUILDHALL_*\n";

  Child server(options.guildhall, {"serve"}, env, (dir / "serve.log").string());
  auto line = server.wait_for_line("listening on http://", std::chrono::seconds(60));
  if (!line) {
    std::cerr << "guildhall serve did not start:\n" << server.log();
    return 1;
  }
  const std::uint16_t port = port_from_line(*line);
  {
    Child cli(options.guildhall,
              {"admin", "user", "create", "alice", "--password", "correct horse"}, env,
              (dir / "cli.log").string());
    if (cli.wait(std::chrono::seconds(60)) != 0) {
      std::cerr << "admin user create failed:\n" << cli.log();
      return 1;
    }
  }

  // The sender, as a remote actor whose key was fetched before.
  {
    const std::string url = options.database.empty()
                                ? "sqlite:" + (dir / "data" / "guildhall.db").string()
                                : options.database;
    auto db = guildhall::storage::open_database(url, {});
    if (!db) {
      std::cerr << "open_database: " << db.error().message << "\n";
      return 1;
    }
    guildhall::storage::RemoteActorForm form;
    form.ap_id = actor;
    form.handle = "sender";
    form.domain = "remote.example";
    form.inbox_url = actor + "/inbox";
    form.shared_inbox_url = "https://remote.example/inbox";
    form.followers_url = actor + "/followers";
    form.public_key_id = key_id;
    form.public_key_pem = public_pem;
    auto stored = (*db)->transact(
        [&](guildhall::storage::Tx& tx) { return tx.actors().upsert_remote(form); });
    if (!stored) {
      std::cerr << "storing the remote sender: " << stored.error().message << "\n";
      return 1;
    }
  }

  // Pre-sign every request (2 threads), plus one to warm the key cache.
  const std::string host = domain;
  const std::string recipient = "http://" + domain + "/users/alice";
  auto key = sig::PrivateKey::from_pem(private_pem);
  if (!key) {
    std::cerr << "key: " << key.error().message << "\n";
    return 1;
  }
  // count for the closed-loop run, count / 2 for the open-loop run at half its rate, 1 warm-up.
  const int half_count = std::max(1, options.count / 2);
  const int total = options.count + half_count + 1;
  std::vector<std::string> requests(static_cast<std::size_t>(total));
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  auto sign_start = Clock::now();
  auto signer = [&] {
    for (int i = next++; i < total; i = next++) {
      const std::string body = create_note(actor, recipient, i);
      const sig::SignRequestInput input{.method = "POST",
                                        .target = options.path,
                                        .host = host,
                                        .headers = {{"Content-Type", "application/activity+json"}},
                                        .body = body,
                                        .key_id = key_id,
                                        .key = *key};
      auto headers = sig::sign_request(input, guildhall::core::SystemClock::instance());
      if (!headers) {
        ++failures;
        continue;
      }
      std::string r = "POST " + options.path + " HTTP/1.1\r\nHost: " + host +
                      "\r\nContent-Type: application/activity+json\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\nUser-Agent: guildhall-bench\r\n";
      for (const auto& [name, value] : *headers)
        r += name + ": " + value + "\r\n";
      r += "\r\n" + body;
      requests[static_cast<std::size_t>(i)] = std::move(r);
    }
  };
  std::thread helper(signer);
  signer();
  helper.join();
  if (failures != 0) {
    std::cerr << failures << " requests could not be signed\n";
    return 1;
  }
  std::cout << "pre-signed " << total << " requests in " << fixed(seconds_since(sign_start), 1)
            << " s" << std::endl;

  // Warm-up: one request (the key fetch).
  LoadSpec warm;
  warm.port = port;
  warm.requests = {requests.front()};
  warm.single_use = true;
  warm.connections = 1;
  warm.warmup = std::chrono::milliseconds(0);
  warm.duration = std::chrono::seconds(10);
  auto warm_result = run_load(warm);
  std::cout << "warm-up request (loads the sender's key): " << warm_result.status_summary()
            << std::endl;
  requests.erase(requests.begin());
  std::vector<std::string> half_requests(std::make_move_iterator(requests.end() - half_count),
                                         std::make_move_iterator(requests.end()));
  requests.resize(requests.size() - static_cast<std::size_t>(half_count));

  const long idle_rss = proc_status_kb(server.pid(), "VmRSS").value_or(0);
  LoadSpec spec;
  spec.port = port;
  spec.requests = std::move(requests);
  spec.single_use = true;
  spec.connections = options.connections;
  spec.warmup = std::chrono::milliseconds(0);
  spec.duration = std::chrono::seconds(60);
  const double cpu_before = proc_cpu_seconds(server.pid());
  auto result = run_load(spec);
  const double cpu = proc_cpu_seconds(server.pid()) - cpu_before;
  const long peak = proc_status_kb(server.pid(), "VmHWM").value_or(0);

  auto lat = result.lat_us;
  const double accepted = result.ok_rate();
  std::cout << "\n| backend | sent | accepted (2xx) /s | p50 ms | p99 ms | accepted per "
               "server-CPU-s | target | ratio to target | statuses |\n"
               "|---|---|---|---|---|---|---|---|---|\n"
            << "| " << backend << " | " << result.responses << " | " << thousands(accepted) << " | "
            << fixed(percentile(lat, 50) / 1000.0, 2) << " | "
            << fixed(percentile(lat, 99) / 1000.0, 2) << " | "
            << thousands(cpu > 0 ? static_cast<double>(result.ok()) / cpu : 0) << " | >= 2,500/s | "
            << fixed(accepted / 2500.0, 2) << "x | " << result.status_summary() << " |\n\n"
            << "guildhall serve RSS before the load " << fixed(idle_rss / 1024.0, 1)
            << " MB, peak (VmHWM) " << fixed(peak / 1024.0, 1)
            << " MB (target <= 150 MB: " << fixed(peak / 1024.0 / 150.0, 2) << "x)\n";
  if (result.ok() == 0) {
    std::cout << "NOTE: nothing was accepted; the inbox route may not exist in this build "
                 "(federation/src/inbox), see docs/performance.md\n";
  } else {
    // Latency at half the measured maximum (limits row 20: inbox p99 <= 20 ms), open loop.
    LoadSpec half;
    half.port = port;
    half.requests = std::move(half_requests);
    half.single_use = true;
    half.connections = options.connections;
    half.warmup = std::chrono::milliseconds(0);
    half.duration = std::chrono::seconds(60);
    half.rate = accepted / 2;
    auto at_half = run_load(half);
    auto half_lat = at_half.lat_us;
    const double p99 = percentile(half_lat, 99) / 1000.0;
    std::cout << "at 50 % load (" << thousands(half.rate) << "/s open loop, " << at_half.responses
              << " POSTs): accepted " << thousands(at_half.ok_rate()) << "/s, p50 "
              << fixed(percentile(half_lat, 50) / 1000.0, 2) << " ms, p99 " << fixed(p99, 2)
              << " ms = " << fixed(p99 / 20.0, 2) << "x the 20 ms target; statuses "
              << at_half.status_summary() << "\n";
  }
  std::cout << "load average at the end: " << load_average() << std::endl;

  server.stop(SIGTERM, std::chrono::seconds(30));
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
    if (flag == "--guildhall")
      options.guildhall = value;
    else if (flag == "--database")
      options.database = value;
    else if (flag == "--path")
      options.path = value;
    else if (flag == "--count")
      options.count = std::clamp(std::stoi(value), 1, 200000);
    else if (flag == "--connections")
      options.connections = std::clamp(std::stoi(value), 1, 4096);
    else if (flag == "--threads")
      options.threads = std::clamp(std::stoi(value), 1, 64);
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (options.guildhall.empty()) {
    std::cerr << "usage: inbox_bench --guildhall PATH [--database URL] "
                 "[--count N] [--connections N] [--threads N] [--path TARGET]\n";
    return 2;
  }
  return run(options);
}
