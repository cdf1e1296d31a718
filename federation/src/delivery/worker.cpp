#include "guildhall/federation/delivery/worker.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "guildhall/core/random.hpp"

namespace guildhall::federation::delivery {

namespace {

std::string default_owner() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0)
    host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "guildhall") + ":" + std::to_string(getpid()) + ":" +
         core::random_token(6);
}

constexpr std::uint64_t kNever = ~std::uint64_t{0};

}  // namespace

struct DeliveryWorker::Completed {
  storage::Id id = 0;
  std::string host;
  int attempts = 0;  // failed attempts before this one
  DeliveryOutcome outcome;
};

// State shared with the transport's callbacks (which may fire after the worker is gone) and with
// callers of notify()/wait_idle()/stats(). Fields marked "worker thread" are touched only by run().
struct DeliveryWorker::Shared {
  std::mutex mutex;
  std::condition_variable wake_cv;
  std::condition_variable idle_cv;
  bool wake = false;
  bool stopping = false;
  bool finished = false;
  std::uint64_t generation = 0;  // bumped by notify()
  std::uint64_t idle_generation = kNever;
  std::vector<Completed> completed;
  std::set<std::string> alive_hosts;  // reported by peer_alive(), checked by the worker thread
  std::map<std::string, core::TimePoint> alive_checked;  // host -> when it was last reported
  DeliveryStats stats;

  // worker thread
  std::size_t in_flight = 0;
  std::vector<Completed> unrecorded;  // results a failed transaction could not write yet
  std::optional<core::TimePoint> next_maintenance;
  std::mt19937_64 rng;
};

DeliveryWorker::DeliveryWorker(storage::Database& db, DeliveryTransport& transport,
                               const core::Clock& clock, DeliveryOptions options)
    : db_(db),
      transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      shared_(std::make_shared<Shared>()) {
  if (options_.owner.empty())
    options_.owner = default_owner();
  options_.max_in_flight = std::max<std::size_t>(options_.max_in_flight, 1);
  options_.max_in_flight_per_host = std::max<std::size_t>(options_.max_in_flight_per_host, 1);
  options_.claim_batch = std::clamp<std::size_t>(options_.claim_batch, 1, 1000);
  std::uint64_t seed = options_.seed;
  if (seed == 0)
    core::random_bytes(&seed, sizeof seed);
  shared_->rng.seed(seed);
}

DeliveryWorker::~DeliveryWorker() {
  stop();
}

void DeliveryWorker::start() {
  std::lock_guard lock(shared_->mutex);
  if (thread_.joinable() || shared_->stopping)
    return;
  thread_ = std::thread([this] { run(); });
}

void DeliveryWorker::notify() {
  std::lock_guard lock(shared_->mutex);
  shared_->wake = true;
  ++shared_->generation;
  shared_->wake_cv.notify_all();
}

void DeliveryWorker::peer_alive(std::string host) {
  constexpr std::size_t kMaxRemembered = 10'000;  // rule 6: bounded per-host state
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(shared_->mutex);
  auto& checked = shared_->alive_checked;
  if (auto last = checked.find(host);
      last != checked.end() && now - last->second < options_.alive_check_interval)
    return;  // a busy peer costs one look per interval, not one per request
  if (checked.size() >= kMaxRemembered)
    checked.clear();
  checked[host] = now;
  shared_->alive_hosts.insert(std::move(host));
  shared_->wake = true;
  shared_->wake_cv.notify_all();
}

void DeliveryWorker::stop() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
    shared_->wake_cv.notify_all();
  }
  if (thread_.joinable())
    thread_.join();
}

bool DeliveryWorker::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(shared_->mutex);
  return shared_->idle_cv.wait_for(lock, timeout, [&] {
    return shared_->finished || shared_->idle_generation == shared_->generation;
  });
}

DeliveryStats DeliveryWorker::stats() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->stats;
}

core::Result<storage::QueueDepth> DeliveryWorker::depth() {
  const auto now = clock_.now();
  return db_.read([&](storage::Tx& tx) { return tx.delivery_queue().depth(now); });
}

void DeliveryWorker::run() {
  Shared& s = *shared_;
  std::optional<std::chrono::steady_clock::time_point> drain_deadline;
  for (;;) {
    std::vector<Completed> done;
    bool stopping = false;
    std::uint64_t generation = 0;
    {
      std::unique_lock lock(s.mutex);
      if (drain_deadline) {
        s.wake_cv.wait_until(lock, *drain_deadline, [&] { return !s.completed.empty(); });
      } else {
        s.wake_cv.wait_for(lock, options_.poll_interval,
                           [&] { return s.wake || s.stopping || !s.completed.empty(); });
      }
      s.wake = false;
      done.swap(s.completed);
      stopping = s.stopping;
      generation = s.generation;
    }
    s.in_flight -= done.size();
    if (!s.unrecorded.empty()) {
      done.insert(done.begin(), std::make_move_iterator(s.unrecorded.begin()),
                  std::make_move_iterator(s.unrecorded.end()));
      s.unrecorded.clear();
    }
    if (!done.empty())
      record(done);

    std::size_t claimed = 0;
    if (stopping) {
      if (!drain_deadline)
        drain_deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
      if ((s.in_flight == 0 && s.unrecorded.empty()) ||
          std::chrono::steady_clock::now() >= *drain_deadline)
        break;
    } else {
      maintain();
      revive_peers();
      claimed = claim_and_dispatch();
    }

    std::lock_guard lock(s.mutex);
    s.stats.in_flight = s.in_flight;
    const bool idle =
        s.in_flight == 0 && claimed == 0 && s.completed.empty() && s.unrecorded.empty();
    s.idle_generation = idle ? generation : kNever;
    if (idle)
      s.idle_cv.notify_all();
  }

  // Whatever is still out there is handed back; a late result is dropped (fail() checks the
  // lease owner) and the next claimer sends it again: at-least-once.
  auto released =
      db_.transact([&](storage::Tx& tx) { return tx.delivery_queue().release(options_.owner); });
  std::lock_guard lock(s.mutex);
  if (!released.ok()) {
    ++s.stats.database_errors;
    s.stats.last_database_error = released.error().message;
  }
  s.finished = true;
  s.idle_cv.notify_all();
}

std::size_t DeliveryWorker::claim_and_dispatch() {
  Shared& s = *shared_;
  std::size_t total = 0;
  while (s.in_flight < options_.max_in_flight) {
    const std::size_t want = std::min(options_.claim_batch, options_.max_in_flight - s.in_flight);
    storage::ClaimRequest request{.owner = options_.owner,
                                  .now = clock_.now(),
                                  .limit = want,
                                  .per_host_limit = options_.max_in_flight_per_host,
                                  .lease = options_.lease};
    auto jobs = db_.transact([&](storage::Tx& tx) { return tx.delivery_queue().claim(request); });
    if (!jobs.ok()) {
      std::lock_guard lock(s.mutex);
      ++s.stats.database_errors;
      s.stats.last_database_error = jobs.error().message;
      break;
    }
    {
      std::lock_guard lock(s.mutex);
      s.stats.claimed += jobs->size();
    }
    // In id order: per host, requests leave in the order the activities were enqueued.
    for (const auto& job : *jobs) {
      ++s.in_flight;
      auto shared = shared_;
      auto reported = std::make_shared<std::atomic<bool>>(false);
      auto done = [shared, reported, id = job.id, host = job.host,
                   attempts = job.attempts](DeliveryOutcome outcome) {
        if (reported->exchange(true))
          return;  // a transport calling twice must not corrupt the accounting
        std::lock_guard lock(shared->mutex);
        shared->completed.push_back({id, host, attempts, std::move(outcome)});
        shared->wake_cv.notify_all();
      };
      try {
        transport_.deliver(job, done);
      } catch (const std::exception& e) {
        done(DeliveryOutcome::transient_error(std::string("transport error: ") + e.what()));
      }
    }
    total += jobs->size();
    if (jobs->size() < want)
      break;
  }
  return total;
}

void DeliveryWorker::record(std::vector<Completed>& done) {
  Shared& s = *shared_;
  const core::TimePoint now = clock_.now();
  std::uniform_real_distribution<double> unit(0.0, 1.0);

  // Per host, in completion order: did it answer at all (a success or a definitive 4xx proves it
  // is up), and how many failures came after its last answer.
  struct Tally {
    bool answered = false;
    int trailing_failures = 0;
    std::optional<int> status;
    std::string error;
  };
  std::map<std::string, Tally> hosts;
  std::vector<storage::Id> delivered;
  std::vector<storage::DeliveryFailure> failures;
  DeliveryStats counts;
  for (const auto& c : done) {
    Tally& tally = hosts[c.host];
    const auto& o = c.outcome;
    switch (o.result) {
      case DeliveryResult::delivered:
        delivered.push_back(c.id);
        tally.answered = true;
        tally.trailing_failures = 0;
        ++counts.delivered;
        break;
      case DeliveryResult::permanent:
        failures.push_back({.id = c.id,
                            .owner = options_.owner,
                            .permanent = true,
                            .status = o.status,
                            .error = o.error});
        if (o.status) {
          tally.answered = true;
          tally.trailing_failures = 0;
        }
        ++counts.failed_permanently;
        break;
      case DeliveryResult::transient: {
        const int failed_attempts = c.attempts + 1;
        const auto delay = options_.retry.delay_after(failed_attempts, unit(s.rng));
        if (!delay) {
          failures.push_back({.id = c.id,
                              .owner = options_.owner,
                              .permanent = true,
                              .status = o.status,
                              .error = "gave up after " + std::to_string(failed_attempts) +
                                       " attempts: " + o.error});
          ++counts.given_up;
        } else {
          auto wait = *delay;
          if (o.retry_after)
            wait = std::max<std::chrono::milliseconds>(wait, *o.retry_after);
          failures.push_back({.id = c.id,
                              .owner = options_.owner,
                              .permanent = false,
                              .status = o.status,
                              .error = o.error,
                              .next_attempt_at = now + wait});
          ++counts.retries_scheduled;
        }
        ++tally.trailing_failures;
        tally.status = o.status;
        tally.error = o.error;
        break;
      }
    }
  }

  auto written = db_.transact([&](storage::Tx& tx) -> core::Result<void> {
    auto& queue = tx.delivery_queue();
    if (!delivered.empty()) {
      auto r = queue.complete(delivered);
      if (!r.ok())
        return std::move(r).error();
    }
    for (const auto& f : failures) {
      auto r = queue.fail(f);
      if (!r.ok())
        return std::move(r).error();
    }
    for (const auto& [host, tally] : hosts) {
      if (tally.answered) {
        auto r = queue.record_success(host, now);
        if (!r.ok())
          return std::move(r).error();
      }
      if (tally.trailing_failures > 0) {
        auto r = queue.record_failure({.host = host,
                                       .now = now,
                                       .failures = tally.trailing_failures,
                                       .status = tally.status,
                                       .error = tally.error},
                                      options_.circuit);
        if (!r.ok())
          return std::move(r).error();
      }
    }
    return {};
  });

  std::lock_guard lock(s.mutex);
  if (!written.ok()) {
    // Kept and written on the next round; if the process dies first, the leases run out and the
    // deliveries are sent again (at-least-once).
    ++s.stats.database_errors;
    s.stats.last_database_error = written.error().message;
    s.unrecorded = std::move(done);
    return;
  }
  // A host that just failed must be looked at again on its next sign of life, however recent
  // the last one was.
  for (const auto& [host, tally] : hosts)
    if (tally.trailing_failures > 0)
      s.alive_checked.erase(host);
  s.stats.delivered += counts.delivered;
  s.stats.retries_scheduled += counts.retries_scheduled;
  s.stats.failed_permanently += counts.failed_permanently;
  s.stats.given_up += counts.given_up;
}

void DeliveryWorker::revive_peers() {
  Shared& s = *shared_;
  std::set<std::string> hosts;
  {
    std::lock_guard lock(s.mutex);
    hosts.swap(s.alive_hosts);
  }
  const core::TimePoint now = clock_.now();
  for (const std::string& host : hosts) {
    // A read first: the common case (a healthy peer) must not take the write lock.
    auto peer = db_.read([&](storage::Tx& tx) { return tx.delivery_queue().get_peer(host); });
    if (!peer || (peer->consecutive_failures == 0 && !peer->circuit_open_until))
      continue;  // healthy, never failed (not_found), or a database error (the next report retries)
    auto rescheduled = db_.transact(
        [&](storage::Tx& tx) { return tx.delivery_queue().retry_host_now(host, now); });
    std::lock_guard lock(s.mutex);
    if (!rescheduled.ok()) {
      ++s.stats.database_errors;
      s.stats.last_database_error = rescheduled.error().message;
      continue;
    }
    ++s.stats.peers_revived;
    spdlog::info("delivery.peer_alive host={} due_now={}", host, *rescheduled);
  }
}

void DeliveryWorker::maintain() {
  Shared& s = *shared_;
  const core::TimePoint now = clock_.now();
  if (s.next_maintenance && now < *s.next_maintenance)
    return;
  s.next_maintenance = now + options_.maintenance_interval;
  const core::TimePoint cutoff = now - options_.retention;
  auto expired = db_.transact([&](storage::Tx& tx) -> core::Result<std::size_t> {
    auto n = tx.delivery_queue().expire(cutoff);
    if (!n.ok())
      return n;
    auto pruned = tx.delivery_queue().prune(cutoff);
    if (!pruned.ok())
      return std::move(pruned).error();
    return n;
  });
  std::lock_guard lock(s.mutex);
  if (!expired.ok()) {
    ++s.stats.database_errors;
    s.stats.last_database_error = expired.error().message;
    return;
  }
  s.stats.expired += *expired;
}

}  // namespace guildhall::federation::delivery
