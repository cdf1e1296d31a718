// Throughput check for the delivery fan-out budget (~7,000 signs/s on 2 cores): signs and
// verifies draft-cavage POSTs with one parsed RSA-2048 key on N threads and prints the rates.
// Run by hand on a Release build: federation_signatures_rate [threads] [seconds]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/federation/signatures/sign.hpp"
#include "guildhall/federation/signatures/verify.hpp"

#include "test_keys.hpp"

using namespace guildhall;
using namespace guildhall::federation::signatures;

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
  const auto key = *PrivateKey::from_pem(testing::k_alice_private);
  const std::string key_id = "https://a.example/users/alice#main-key";
  const std::string body(1500, 'x');  // a typical Create(Note)
  core::ManualClock clock(core::TimePoint(std::chrono::seconds(1772366400)));
  InMemoryKeyResolver resolver;
  resolver.add(key_id, "https://a.example/users/alice", key.public_key());

  const auto run = [&](bool verify) {
    std::atomic<long> count{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        long n = 0;
        SignRequestInput in{"POST",      "/users/u" + std::to_string(t) + "/inbox",
                            "b.example", {{"Content-Type", "application/activity+json"}},
                            body,        key_id,
                            key};
        VerifyInput vin{"POST",
                        in.target,
                        {{"Host", "b.example"}, {"Content-Type", "application/activity+json"}},
                        body};
        const auto added = sign_request(in, clock);
        for (const auto& [k, v] : *added)
          vin.headers.add(k, v);
        while (!stop.load(std::memory_order_relaxed)) {
          if (verify) {
            if (!verify_request(vin, resolver, clock).ok())
              std::abort();
          } else if (!sign_request(in, clock).ok()) {
            std::abort();
          }
          ++n;
        }
        count += n;
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : pool)
      th.join();
    return static_cast<double>(count.load()) / seconds;
  };
  std::printf("threads=%d sign/s=%.0f\n", threads, run(false));
  std::printf("threads=%d verify/s=%.0f\n", threads, run(true));
  return 0;
}
