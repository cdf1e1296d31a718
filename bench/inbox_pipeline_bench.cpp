// Inbox pipeline benchmark, without HTTP: federation::inbox::Inbox::receive (size, content type,
// recipient, HTTP signature, policy, parse, signer == actor, origins, dedupe + persist in one
// transaction) called from N threads, as the server's blocking pool does, with distinct
// pre-signed Create(Note) activities, on SQLite or PostgreSQL. The accept rate it prints is an
// upper bound for inbox_bench (which adds HTTP and the hop to the pool); compared with the
// 2,500/s target (performance-limits rows 12, 13). Asserts nothing.
//
//   inbox_pipeline_bench [--database URL] [--count 20000] [--threads 8]
//
// The sender's key comes from an InMemoryKeyResolver (a cached key; the production resolver
// answers from memory too after the first request). Handlers (InboxProcessor) do not run: this is
// the accept path only. Default database: SQLite in a fresh temporary directory.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "guildhall/core/clock.hpp"
#include "guildhall/federation/inbox/inbox.hpp"
#include "guildhall/federation/policy.hpp"
#include "guildhall/federation/signatures/keys.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/federation/signatures/verify.hpp"
#include "guildhall/federation/urls.hpp"
#include "guildhall/storage/database.hpp"

#include "bench_util.hpp"

namespace fs = std::filesystem;
namespace federation = guildhall::federation;
namespace sig = guildhall::federation::signatures;
namespace storage = guildhall::storage;
using namespace guildhall::bench;

namespace {

constexpr char kActor[] = "https://remote.example/users/sender";
constexpr char kKeyId[] = "https://remote.example/users/sender#main-key";
constexpr char kDomain[] = "bench.test";

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

// About 2.6 KB, as in inbox_bench.
std::string create_note(const std::string& recipient, int n) {
  const std::string actor = kActor;
  const std::string id = actor + "/statuses/" + std::to_string(1000000 + n);
  std::string content = "<p>";
  while (content.size() < 1500)
    content += "Inbox pipeline note number " + std::to_string(n) +
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

int run(const std::string& database, int count, int threads) {
  char dir_template[] = "/tmp/guildhall-pipeline-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr)
    return 1;
  const fs::path dir = dir_template;
  const TempDirGuard cleanup(dir);
  const std::string url = database.empty() ? "sqlite:" + (dir / "bench.db").string() : database;
  const std::string backend = url.rfind("sqlite:", 0) == 0 ? "SQLite" : "PostgreSQL";
  std::cout << "== inbox_pipeline_bench (" << backend << "): Inbox::receive on " << threads
            << " threads, " << count
            << " distinct signed Create(Note) activities, no HTTP; load average " << load_average()
            << std::endl;

  storage::DatabaseOptions db_options;
  db_options.pool_size = static_cast<std::size_t>(threads);
  auto opened = storage::open_database(url, db_options);
  if (!opened) {
    std::cerr << "open_database: " << opened.error().message << "\n";
    return 1;
  }
  auto db = std::move(*opened);
  if (auto migrated = db->migrate(); !migrated) {
    std::cerr << "migrate: " << migrated.error().message << "\n";
    return 1;
  }
  const federation::Urls urls(std::string("https://") + kDomain);
  auto [private_pem, public_pem] = generate_rsa_pem();
  storage::NewUser user;
  user.actor.handle = "alice";
  user.actor.ap_id = urls.user("alice");
  user.actor.inbox_url = federation::Urls::inbox(user.actor.ap_id);
  user.actor.public_key_id = federation::Urls::key_id(user.actor.ap_id);
  user.actor.public_key_pem = public_pem;
  user.actor.private_key_pem = private_pem;
  user.password_hash = "x";
  if (auto created = db->transact([&](storage::Tx& tx) { return tx.users().create(user); });
      !created) {
    std::cerr << "create user: " << created.error().message << "\n";
    return 1;
  }

  auto key = sig::PrivateKey::from_pem(private_pem);
  if (!key) {
    std::cerr << "key: " << key.error().message << "\n";
    return 1;
  }
  sig::InMemoryKeyResolver resolver;
  resolver.add(kKeyId, kActor, key->public_key());
  federation::PeerPolicy policy(federation::FederationMode::open);
  federation::inbox::Inbox inbox(*db, resolver, policy, urls,
                                 guildhall::core::SystemClock::instance());

  // Pre-sign (2 threads).
  const std::string recipient = urls.user("alice");
  const std::string target = "/users/alice/inbox";
  std::vector<federation::inbox::InboxRequest> requests(static_cast<std::size_t>(count));
  std::atomic<int> next{0};
  std::atomic<int> sign_failures{0};
  auto signer = [&] {
    for (int i = next++; i < count; i = next++) {
      federation::inbox::InboxRequest r;
      r.method = "POST";
      r.target = target;
      r.body = create_note(recipient, i);
      r.recipient = recipient;
      const sig::SignRequestInput input{.method = "POST",
                                        .target = target,
                                        .host = kDomain,
                                        .headers = {{"Content-Type", "application/activity+json"}},
                                        .body = r.body,
                                        .key_id = kKeyId,
                                        .key = *key};
      auto headers = sig::sign_request(input, guildhall::core::SystemClock::instance());
      if (!headers) {
        ++sign_failures;
        continue;
      }
      r.headers.add("Host", kDomain);
      r.headers.add("Content-Type", "application/activity+json");
      r.headers.add("Content-Length", std::to_string(r.body.size()));
      for (const auto& [name, value] : *headers)
        r.headers.add(name, value);
      requests[static_cast<std::size_t>(i)] = std::move(r);
    }
  };
  {
    std::thread helper(signer);
    signer();
    helper.join();
  }
  if (sign_failures != 0) {
    std::cerr << sign_failures << " activities could not be signed\n";
    return 1;
  }

  // Receive from `threads` threads.
  std::atomic<int> cursor{0};
  std::atomic<std::uint64_t> accepted{0}, duplicates{0};
  std::mutex errors_mutex;
  std::map<std::string, std::uint64_t> errors;
  const double cpu_before = proc_cpu_seconds(::getpid());
  auto start = Clock::now();
  auto worker = [&] {
    for (int i = cursor++; i < count; i = cursor++) {
      auto receipt = inbox.receive(requests[static_cast<std::size_t>(i)]);
      if (receipt) {
        if (receipt->duplicate)
          ++duplicates;
        else
          ++accepted;
      } else {
        std::lock_guard lock(errors_mutex);
        ++errors[federation::inbox::reason_code(receipt.error()) + " (" +
                 std::to_string(federation::inbox::http_status(receipt.error())) + ")"];
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back(worker);
  for (auto& t : pool)
    t.join();
  const double seconds = seconds_since(start);
  const double cpu = proc_cpu_seconds(::getpid()) - cpu_before;
  const double rate = static_cast<double>(accepted) / seconds;

  std::string error_summary;
  for (const auto& [reason, n] : errors)
    error_summary.append(error_summary.empty() ? "" : ", ")
        .append(reason)
        .append(" x")
        .append(std::to_string(n));
  std::cout
      << "\n| backend | threads | accepted | accepted/s | accepted per CPU-s | target | ratio "
         "to target | rejected |\n|---|---|---|---|---|---|---|---|\n"
      << "| " << backend << " | " << threads << " | " << accepted << " | " << thousands(rate)
      << " | " << thousands(cpu > 0 ? static_cast<double>(accepted) / cpu : 0) << " | >= 2,500/s | "
      << fixed(rate / 2500.0, 2) << "x | " << (error_summary.empty() ? "none" : error_summary)
      << " |" << std::endl;
  std::cout << "load average at the end: " << load_average() << std::endl;
  db.reset();
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string database;
  int count = 20000;
  int threads = 8;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--database")
      database = value;
    else if (flag == "--count")
      count = std::clamp(std::stoi(value), 1, 200000);
    else if (flag == "--threads")
      threads = std::clamp(std::stoi(value), 1, 64);
    else {
      std::cerr << "usage: inbox_pipeline_bench [--database URL] [--count N] [--threads N]\n";
      return 2;
    }
  }
  return run(database, count, threads);
}
