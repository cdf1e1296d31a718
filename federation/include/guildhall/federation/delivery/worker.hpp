#pragma once

// The delivery worker: drains the persistent delivery queue (storage::DeliveryQueueRepo) through a
// DeliveryTransport.
//
//   DeliveryWorker worker(db, transport, clock, {});
//   worker.start();
//   ...
//   db.transact([&](storage::Tx& tx) { ...change...; return tx.delivery_queue().enqueue(a,
//   inboxes); }); worker.notify();  // after the commit: deliver now instead of at the next poll
//   ...
//   worker.stop();    // stop claiming, let in-flight deliveries finish, hand back the leases
//
// One thread per worker runs every database call (claims, results, maintenance); the transport
// runs the network side wherever it likes and reports back through its callback. Several workers
// (in one process or several sharing a PostgreSQL database) may run at once: each needs its own
// owner id, and a delivery is only ever leased to one of them.
//
// Guarantees: at-least-once per (activity, inbox) while the delivery lives; dispatch in enqueue
// order per host (FIFO, with up to max_in_flight_per_host requests outstanding); a host that fails
// is paused by its circuit breaker and never holds up another host.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "guildhall/core/clock.hpp"
#include "guildhall/core/result.hpp"
#include "guildhall/federation/delivery/schedule.hpp"
#include "guildhall/federation/delivery/transport.hpp"
#include "guildhall/storage/database.hpp"

namespace guildhall::federation::delivery {

struct DeliveryOptions {
  // Unique among the workers sharing the database. Empty: "<hostname>:<pid>:<random>".
  std::string owner;
  std::size_t max_in_flight = 256;
  // Requests outstanding to one host (all owners together). 48 sustain ~150 activities/s to one
  // peer at 300 ms round trip, headroom over the 100/s target (performance-limits row 18; 32 gave
  // 98-102/s in bench/fanout_bench). A host with a failure streak gets 1.
  std::size_t max_in_flight_per_host = 48;
  std::size_t claim_batch = 128;
  // How long a claimed delivery stays ours without a result. Longer than the transport's total
  // timeout; after a crash the delivery is retried this much later.
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  // Real time between looks at the queue when nothing wakes the worker (due retries, other
  // processes' enqueues). notify() wakes it at once.
  std::chrono::milliseconds poll_interval{std::chrono::seconds(2)};
  RetrySchedule retry{};
  storage::CircuitPolicy circuit{};
  // A dead peer's backlog is kept this long, then dropped (state failed, "expired").
  std::chrono::hours retention{24 * 7};
  // Clock time between retention sweeps (expire and prune).
  std::chrono::minutes maintenance_interval{10};
  // Real time stop() waits for in-flight deliveries before handing their leases back.
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(10)};
  // A host reported alive by peer_alive() is looked up in the peers table at most this often
  // (clock time), so a busy peer costs one read per interval, not one per inbound request.
  std::chrono::seconds alive_check_interval{10};
  // Jitter source seed; 0: random.
  std::uint64_t seed = 0;
};

struct DeliveryStats {
  std::uint64_t delivered = 0;
  std::uint64_t retries_scheduled = 0;   // transient failures that will be retried
  std::uint64_t failed_permanently = 0;  // permanent outcomes
  std::uint64_t given_up = 0;            // transient failures past the last attempt
  std::uint64_t expired = 0;             // dropped by the retention sweep
  std::uint64_t peers_revived = 0;       // failing hosts made due at once by peer_alive()
  std::uint64_t claimed = 0;
  std::uint64_t database_errors = 0;
  std::size_t in_flight = 0;
  std::string last_database_error;
};

class DeliveryWorker {
 public:
  // db, transport and clock must outlive the worker.
  DeliveryWorker(storage::Database& db, DeliveryTransport& transport, const core::Clock& clock,
                 DeliveryOptions options = {});
  ~DeliveryWorker();  // stop()
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void start();
  // Something was enqueued (or the clock moved): look at the queue now. Cheap, any thread.
  void notify();
  // Evidence that `host` (lowercase host[:port]) is up: it just sent us a validly signed request.
  // If we were backing off from it (failure streak or open circuit), its pending deliveries become
  // due now (storage retry_host_now) instead of after their backoff. Cheap, any thread: the check
  // runs on the worker thread.
  void peer_alive(std::string host);
  // Stops claiming, waits up to drain_timeout for in-flight deliveries, records their results and
  // gives back the leases of those still outstanding (their late results are ignored; the next
  // claimer resends them). Idempotent.
  void stop();

  // Blocks until the worker has nothing in flight and found nothing due since the last notify()
  // (tests, `admin` flush). False on timeout.
  bool wait_idle(std::chrono::milliseconds timeout);

  DeliveryStats stats() const;
  const std::string& owner() const noexcept { return options_.owner; }
  // Queue depth for metrics (a read transaction: call it off the I/O threads).
  core::Result<storage::QueueDepth> depth();

 private:
  struct Shared;
  struct Completed;
  void run();
  void record(std::vector<Completed>& done);
  std::size_t claim_and_dispatch();
  void maintain();
  void revive_peers();

  storage::Database& db_;
  DeliveryTransport& transport_;
  const core::Clock& clock_;
  DeliveryOptions options_;
  std::shared_ptr<Shared> shared_;  // outlives the worker while transports hold callbacks
  std::thread thread_;
};

}  // namespace guildhall::federation::delivery
