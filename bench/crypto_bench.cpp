// HTTP-signature benchmark: our draft-cavage signer and verifier (signatures::sign_request /
// verify_request, Digest over a 2.6 KB Create(Note) included) against raw OpenSSL EVP sign and
// verify of a signing string of the same size, measured in the same run, on 1 and 2 threads, for
// RSA-2048 and Ed25519 (performance-limits rows 1-3 and 6). Prints rates and ratios (ours / raw);
// asserts nothing.
//
//   crypto_bench [--seconds 2]   (per case; 2 key types x 4 cases x 2 thread counts)
#include <atomic>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "guildhall/core/clock.hpp"
#include "guildhall/federation/signatures/headers.hpp"
#include "guildhall/federation/signatures/keys.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/federation/signatures/verify.hpp"

#include "bench_util.hpp"

namespace sig = guildhall::federation::signatures;
using namespace guildhall::bench;

namespace {

constexpr char kKeyId[] = "https://origin.example/users/alice#main-key";
constexpr char kActor[] = "https://origin.example/users/alice";
constexpr char kHost[] = "remote.example";
constexpr char kTarget[] = "/users/bob/inbox";

// A Create(Note) of about 2.6 KB, the size performance-limits.md used.
std::string create_note_body() {
  std::string content = "<p>";
  while (content.size() < 1500)
    content +=
        "Guilds meet on Thursdays; bring your questions about the build, the release "
        "train and the federation tests. ";
  content += "</p>";
  std::string body =
      R"({"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1"],)"
      R"("id":"https://origin.example/users/alice/statuses/110000000000000001/activity",)"
      R"("type":"Create","actor":"https://origin.example/users/alice",)"
      R"("published":"2026-11-23T20:00:00Z",)"
      R"("to":["https://www.w3.org/ns/activitystreams#Public"],)"
      R"("cc":["https://origin.example/users/alice/followers","https://remote.example/users/bob"],)"
      R"("object":{"id":"https://origin.example/users/alice/statuses/110000000000000001",)"
      R"("type":"Note","attributedTo":"https://origin.example/users/alice",)"
      R"("inReplyTo":null,"published":"2026-11-23T20:00:00Z",)"
      R"("url":"https://origin.example/@alice/110000000000000001",)"
      R"("to":["https://www.w3.org/ns/activitystreams#Public"],)"
      R"("cc":["https://origin.example/users/alice/followers","https://remote.example/users/bob"],)"
      R"("sensitive":false,"summary":null,"content":")" +
      content +
      R"(","tag":[{"type":"Mention","href":"https://remote.example/users/bob","name":"@bob@remote.example"}],)"
      R"("attachment":[],"replies":{"id":"https://origin.example/users/alice/statuses/110000000000000001/replies",)"
      R"("type":"Collection","first":{"type":"CollectionPage","items":[]}}}})";
  return body;
}

struct Keys {
  std::shared_ptr<EVP_PKEY> raw;
  sig::PrivateKey ours;
};

Keys make_keys(const char* type, std::size_t bits) {
  EVP_PKEY* pkey = bits != 0 ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, bits)
                             : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  if (pkey == nullptr) {
    std::cerr << "key generation failed for " << type << "\n";
    std::exit(1);
  }
  std::shared_ptr<EVP_PKEY> raw(pkey, EVP_PKEY_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  auto ours = sig::PrivateKey::from_pem(std::string_view(data, static_cast<std::size_t>(size)));
  if (!ours) {
    std::cerr << "PrivateKey::from_pem failed: " << ours.error().message << "\n";
    std::exit(1);
  }
  return {raw, *ours};
}

// Runs `op` on `threads` threads for `seconds`; returns operations per second (all threads).
double rate(int threads, double seconds, const std::function<bool()>& op) {
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> total{0};
  std::atomic<std::uint64_t> failures{0};
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      std::uint64_t n = 0, bad = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!op())
          ++bad;
        ++n;
      }
      total += n;
      failures += bad;
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : pool)
    t.join();
  double elapsed = seconds_since(start);
  if (failures != 0)
    std::cerr << "  (" << failures << " operations failed)\n";
  return static_cast<double>(total) / elapsed;
}

// A resolver without InMemoryKeyResolver's mutex and map: shows what the shared lock costs.
class FixedResolver final : public sig::KeyResolver {
 public:
  explicit FixedResolver(sig::PublicKey key) : key_(std::move(key)) {}
  guildhall::core::Result<sig::ResolvedKey> resolve(std::string_view, bool) override {
    return sig::ResolvedKey{kKeyId, kActor, key_, true};
  }

 private:
  sig::PublicKey key_;
};

bool raw_sign(EVP_PKEY* key, bool rsa, const std::string& data, std::string& out) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestSignInit(ctx.get(), nullptr, rsa ? EVP_sha256() : nullptr, nullptr, key) != 1)
    return false;
  std::size_t len = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, bytes, data.size()) != 1)
    return false;
  out.resize(len);
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, bytes,
                     data.size()) != 1)
    return false;
  out.resize(len);
  return true;
}

bool raw_verify(EVP_PKEY* key, bool rsa, const std::string& data, const std::string& signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, rsa ? EVP_sha256() : nullptr, nullptr, key) != 1)
    return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

void bench_key(const std::string& label, const Keys& keys, bool rsa, double seconds) {
  const auto& clock = guildhall::core::SystemClock::instance();
  const std::string body = create_note_body();

  const sig::SignRequestInput input{.method = "POST",
                                    .target = kTarget,
                                    .host = kHost,
                                    .headers = {{"Content-Type", "application/activity+json"}},
                                    .body = body,
                                    .key_id = kKeyId,
                                    .key = keys.ours,
                                    .cavage_algorithm = rsa ? "rsa-sha256" : "hs2019"};

  auto signed_headers = sig::sign_request(input, clock);
  if (!signed_headers) {
    std::cerr << "sign_request failed: " << signed_headers.error().message << "\n";
    std::exit(1);
  }
  sig::VerifyInput verify_input;
  verify_input.method = "POST";
  verify_input.target = kTarget;
  verify_input.body = body;
  verify_input.headers.add("Host", kHost);
  verify_input.headers.add("Content-Type", "application/activity+json");
  for (const auto& [name, value] : *signed_headers)
    verify_input.headers.add(name, value);
  sig::InMemoryKeyResolver resolver;
  resolver.add(kKeyId, kActor, keys.ours.public_key());
  FixedResolver fixed_resolver(keys.ours.public_key());
  if (auto ok = sig::verify_request(verify_input, resolver, clock); !ok) {
    std::cerr << "verify_request failed: " << ok.error().message << "\n";
    std::exit(1);
  }

  // The raw operations sign and verify a draft-cavage signing string of the real size.
  std::string signing_string;
  {
    std::vector<std::string> names = {"(request-target)", "host", "date", "digest", "content-type"};
    auto s = sig::cavage_signing_string(names, "POST", kTarget, verify_input.headers, std::nullopt,
                                        std::nullopt);
    if (!s) {
      std::cerr << "cavage_signing_string failed: " << s.error().message << "\n";
      std::exit(1);
    }
    signing_string = *s;
  }
  std::string raw_signature;
  raw_sign(keys.raw.get(), rsa, signing_string, raw_signature);

  for (int threads : {1, 2}) {
    double raw_s = rate(threads, seconds, [&] {
      std::string out;
      return raw_sign(keys.raw.get(), rsa, signing_string, out);
    });
    double ours_s = rate(threads, seconds, [&] { return sig::sign_request(input, clock).ok(); });
    double raw_v = rate(threads, seconds, [&] {
      return raw_verify(keys.raw.get(), rsa, signing_string, raw_signature);
    });
    double ours_v = rate(threads, seconds,
                         [&] { return sig::verify_request(verify_input, resolver, clock).ok(); });
    double fixed_v = rate(threads, seconds, [&] {
      return sig::verify_request(verify_input, fixed_resolver, clock).ok();
    });
    std::cout << "| " << label << " sign | " << threads << " | " << thousands(raw_s) << " | "
              << thousands(ours_s) << " | " << fixed(ours_s / raw_s, 2) << "x | "
              << fixed(1e6 / ours_s * threads, 1) << " |\n"
              << "| " << label << " verify | " << threads << " | " << thousands(raw_v) << " | "
              << thousands(ours_v) << " | " << fixed(ours_v / raw_v, 2) << "x | "
              << fixed(1e6 / ours_v * threads, 1) << " |\n"
              << "| " << label << " verify, lock-free resolver | " << threads << " | "
              << thousands(raw_v) << " | " << thousands(fixed_v) << " | "
              << fixed(fixed_v / raw_v, 2) << "x | " << fixed(1e6 / fixed_v * threads, 1) << " |"
              << std::endl;
  }
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--seconds")
      seconds = std::clamp(std::atof(argv[i + 1]), 0.2, 60.0);
    else {
      std::cerr << "usage: crypto_bench [--seconds N]\n";
      return 2;
    }
  }
  std::cout << "== crypto_bench: raw OpenSSL EVP vs signatures::sign_request/verify_request "
               "(draft-cavage, Digest over a "
            << create_note_body().size() << "-byte Create(Note)), " << seconds
            << " s per case; load average " << load_average() << "\n"
            << "Target: ours >= 0.75x raw (signer overhead <= 25 %, performance-limits rows 1, "
               "6)\n\n"
            << "| operation | threads | raw EVP /s | ours /s | ratio ours/raw | ours us/op per "
               "thread |\n|---|---|---|---|---|---|"
            << std::endl;
  bench_key("RSA-2048", make_keys("RSA", 2048), true, seconds);
  bench_key("Ed25519", make_keys("ED25519", 0), false, seconds);
  std::cout << "\nload average at the end: " << load_average() << std::endl;
  return 0;
}
